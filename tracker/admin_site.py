"""The admin site: for committee staff and administrators only, whatever permissions a
user is given, because the admin can change every agency's work."""

from functools import update_wrapper

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm
from agencies.selectors import user_roles


class MalformedFilterGuard:
    """A list filtered by a value Django cannot turn into a query (a year out of range, a
    number too large for a date) shows the unfiltered list with a message, as Django does
    for the filters it checks itself, instead of a server error."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (IncorrectLookupParameters, ValueError, OverflowError) as error:
            if ERROR_FLAG not in request.GET:
                messages.error(request, _("Bộ lọc có giá trị không hợp lệ nên danh sách hiển thị không lọc."))
            raise IncorrectLookupParameters(error) from error


# Models of third-party apps whose names are English words with no translation.
MODEL_NAMES = {
    ("knox", "AuthToken"): _("mã truy cập API"),
    ("otp_totp", "TOTPDevice"): _("ứng dụng xác thực hai lớp"),
    ("otp_static", "StaticDevice"): _("mã dự phòng xác thực hai lớp"),
}


class TrackerAdminSite(admin.AdminSite):
    site_header = _("Tracker 06 — quản trị")
    site_title = _("Tracker 06")
    index_title = _("Quản trị")
    login_form = AdminLoginForm

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every list on the site is guarded, the apps' own and Django's (users, groups)."""
        admin_class = admin_class or admin.ModelAdmin
        guarded = type(
            admin_class.__name__, (MalformedFilterGuard, admin_class), {"__module__": admin_class.__module__}
        )
        super().register(model_or_iterable, guarded, **options)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                if name := MODEL_NAMES.get((app["app_label"], model["object_name"])):
                    model["name"] = capfirst(name)
        return app_list

    def has_permission(self, request):
        return super().has_permission(request) and user_roles(request.user).is_committee_staff

    def admin_view(self, view, cacheable=False):
        """A signed-in user with staff status who is not committee staff (a focal point given
        it by mistake) is refused outright, on every admin page, rather than sent to log in."""
        admitted = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if (
                request.user.is_active
                and request.user.is_staff
                and not self.has_permission(request)
                and request.path != reverse("admin:logout", current_app=self.name)
            ):
                raise PermissionDenied
            return admitted(request, *args, **kwargs)

        return update_wrapper(guarded, view)
