from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import api_tokens_of
from accounts.services import api_token_revoke, password_reset_allowed, password_reset_request
from core.client_address import client_address


@login_required
def api_tokens(request):
    """The user's API tokens: when each was issued and when it expires, with a revoke button."""
    return render(request, "accounts/tokens.html", {"tokens": api_tokens_of(user=request.user)})


@login_required
@require_POST
def api_token_revoke_view(request, token_id):
    if api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("Đã thu hồi mã truy cập API."))
    return redirect("api_tokens")


class PasswordResetRequest(auth_views.PasswordResetView):
    """Django's reset form, answered the same whether the address exists or not: the look-up
    and the e-mail happen in the worker, and requests are limited per address and per client."""

    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not password_reset_allowed(email=email, client=client_address(self.request) or ""):
            return render(self.request, "registration/password_reset_limited.html", status=429)
        password_reset_request(email=email, domain=self.request.get_host(), use_https=self.request.is_secure())
        return HttpResponseRedirect(self.get_success_url())
