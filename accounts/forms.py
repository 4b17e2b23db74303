"""The sign-in forms, bounded before anything reaches the database.

Django's AuthenticationForm sets only the input's `maxlength` attribute, so a longer name
still goes to the authentication backends and to django-axes, whose failure log keeps
at most 255 characters: refused here with the form's own message instead."""

import logging

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.core.validators import MaxLengthValidator
from django.template import loader
from django.utils.translation import gettext_lazy as _

from core.mail import tracked_headers

logger = logging.getLogger(__name__)

PASSWORD_MAX_LENGTH = 4096


class BoundedCredentialsMixin:
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.validators.append(
            MaxLengthValidator(
                username.max_length,
                message=_("Tên đăng nhập dài quá %(limit_value)d ký tự."),
            )
        )
        self.fields["password"].validators.append(
            MaxLengthValidator(PASSWORD_MAX_LENGTH, message=_("Mật khẩu dài quá %(limit_value)d ký tự."))
        )


class LoginForm(BoundedCredentialsMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedCredentialsMixin, AdminAuthenticationForm):
    pass


class TrackedPasswordResetForm(PasswordResetForm):
    """Django's reset e-mail with the headers and the link to the tracker that every e-mail
    of the tracker carries: Django builds the message inside send_mail, with no way to add
    headers, so this is its send_mail with them."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        context = {**context, "site_url": settings.SITE_URL}
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email], headers=tracked_headers())
        if html_email_template_name is not None:
            message.attach_alternative(loader.render_to_string(html_email_template_name, context), "text/html")
        try:
            message.send()
        except Exception:
            # Logged, not raised, as Django does: one account's failure must not stop the mail to
            # the other accounts with this address.
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực"),
        help_text=_("6 chữ số đang hiện trong ứng dụng xác thực, hoặc một mã dự phòng 8 chữ số."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
