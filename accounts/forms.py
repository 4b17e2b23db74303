"""The sign-in forms, bounded before anything reaches the database.

Django's AuthenticationForm sets only the input's `maxlength` attribute, so a longer name
still goes to the authentication backends and to django-axes, whose failure log keeps
at most 255 characters: refused here with the form's own message instead."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

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
