"""The admin site: for committee staff and administrators only, whatever permissions a
user is given, because the admin can change every agency's work."""

from functools import update_wrapper

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.selectors import request_roles


class TrackerAdminSite(admin.AdminSite):
    site_header = _("Tracker 06 — quản trị")
    site_title = _("Tracker 06")
    index_title = _("Quản trị")

    def has_permission(self, request):
        return super().has_permission(request) and request_roles(request).is_committee_staff

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
