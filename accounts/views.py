from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import TwoFactorCodeForm
from accounts.selectors import api_tokens_of
from accounts.services import api_token_revoke, password_reset_allowed, password_reset_request
from accounts.two_factor import (
    backup_codes_left,
    backup_codes_renew,
    two_factor_enabled,
    two_factor_enrolment_confirm,
    two_factor_enrolment_start,
    two_factor_required,
    two_factor_verify,
)
from core.client_address import client_address
from core.errors import DomainError


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


def _next_page(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("dashboard")


def _qr_svg(device) -> str:
    """The authenticator's key as a QR code, an SVG drawn into the page (the policy allows no
    image from elsewhere, and the key must not leave the server)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("Mã QR của khóa xác thực"))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Two-factor sign-in in one page: the code asked after the password; setting up an
    authenticator (a QR code, the key as text, the first code to confirm it) with the backup
    codes shown once; and, once signed in with it, new backup codes or a new authenticator."""
    user = request.user
    enabled = two_factor_enabled(user)
    verified = user.is_verified()
    context = {
        "enabled": enabled,
        "verified": verified,
        "required": two_factor_required(user),
        "next": _next_page(request),
        "backup_left": backup_codes_left(user) if enabled else 0,
    }
    status = 200
    if request.method == "POST":
        act = request.POST.get("act", "")
        form = TwoFactorCodeForm(request.POST)
        try:
            if act == "verify" and enabled and not verified:
                if form.is_valid():
                    two_factor_verify(request=request, code=form.cleaned_data["code"])
                    return redirect(context["next"])
            elif act == "start" and (verified or not enabled):
                context["device"] = two_factor_enrolment_start(user=user)
                form = TwoFactorCodeForm()
            elif act == "confirm" and (verified or not enabled):
                if form.is_valid():
                    context["backup_codes"] = two_factor_enrolment_confirm(
                        request=request, user=user, code=form.cleaned_data["code"]
                    )
                    context |= {"enabled": True, "verified": True}
                else:
                    context["device"] = TOTPDevice.objects.filter(user=user, confirmed=False).first()
            elif act == "backup_codes" and verified:
                context["backup_codes"] = backup_codes_renew(user=user)
            else:
                raise PermissionDenied(_("Thao tác này cần xác thực hai lớp trước."))
        except DomainError as refusal:
            refusal.show_on(form)
            status = 400
            if act == "confirm":
                context["device"] = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if form.errors:
            status = 400
        context["form"] = form
    else:
        context["form"] = TwoFactorCodeForm()
    if context.get("device") is not None:
        context["qr"] = _qr_svg(context["device"])
        context["key"] = b32encode(context["device"].bin_key).decode()
    return render(request, "accounts/two_factor.html", context, status=status)
