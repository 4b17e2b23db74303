from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import Agency, AgencyMembership, MembershipRole


class MembershipInline(admin.TabularInline):
    model = AgencyMembership
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    """Agencies and their people. tasks_app extends it with the agencies' open work and the
    merger action (tasks_app.admin.AgencyWorkAdmin), which move assignments."""

    list_display = [
        "code",
        "name",
        "kind",
        "region",
        "is_active",
        "valid_from",
        "valid_to",
        "successor",
        "focal_point_names",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["kind", "region", "is_active"]
    list_select_related = ["successor"]
    search_fields = ["code", "name__folded_contains", "short_name__folded_contains"]
    autocomplete_fields = ["successor"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        focal_points = AgencyMembership.objects.filter(role=MembershipRole.FOCAL_POINT).select_related("user")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=focal_points, to_attr="focal_point_memberships"))
        )

    @admin.display(description=_("Đầu mối"))
    def focal_point_names(self, agency):
        return ", ".join(m.user.get_full_name() or m.user.get_username() for m in agency.focal_point_memberships)
