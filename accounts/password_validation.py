from django.utils.translation import gettext as _

from accounts.services import api_tokens_revoke


class RevokeApiTokensOnPasswordChange:
    """Not a rule on the password: Django calls `password_changed` whenever a user's new
    password is saved (a change, a reset, the admin's set-password, `changepassword`), and
    each of these revokes the user's API tokens."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            api_tokens_revoke(user_id=user.pk)

    def get_help_text(self):
        return _("Đổi mật khẩu sẽ thu hồi mọi mã truy cập API của tài khoản.")
