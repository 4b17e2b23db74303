from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class TrackerAdminConfig(AdminConfig):
    default_site = "tracker.admin_site.TrackerAdminSite"


# Third-party apps named in the admin in the user's language (their own names are English words).
class AxesConfig(AxesAppConfig):
    verbose_name = _("Đăng nhập và khóa tài khoản")


class KnoxConfig(AppConfig):
    name = "knox"
    verbose_name = _("Mã truy cập API")


class TOTPConfig(AppConfig):
    name = "django_otp.plugins.otp_totp"
    label = "otp_totp"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = _("Xác thực hai lớp: ứng dụng xác thực")


class StaticConfig(AppConfig):
    name = "django_otp.plugins.otp_static"
    label = "otp_static"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = _("Xác thực hai lớp: mã dự phòng")
