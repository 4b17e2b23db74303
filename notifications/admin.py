from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from notifications.models import Channel, Notification
from notifications.selectors import pending_notifications


class DeliveryFilter(admin.SimpleListFilter):
    """Sent, failed for good (with the server's answer or "no address"), still pending, or
    in the app only (never e-mailed, so never pending)."""

    title = _("tình trạng gửi")
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Chờ gửi")),
            ("sent", _("Đã gửi")),
            ("failed", _("Gửi thất bại")),
            ("in_app", Channel.IN_APP.label),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "pending":
                return queryset & pending_notifications()
            case "in_app":
                return queryset.filter(channel=Channel.IN_APP)
            case "sent":
                return queryset.filter(sent_at__isnull=False)
            case "failed":
                return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom, what failed and why, and what is
    still pending and why."""

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "channel",
        "assignment_link",
        "sent_at",
        "failed_at",
        "attempts",
        "last_error",
    ]
    list_filter = [DeliveryFilter, "kind", "created_at"]
    list_select_related = ["recipient", "assignment__task__plan", "assignment__agency"]
    search_fields = ["recipient__username", "recipient__email", "dedup_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("phân công"), ordering="assignment")
    def assignment_link(self, notification):
        if notification.assignment is None:
            return "-"
        url = reverse("assignment_detail", args=[notification.assignment_id])
        return format_html('<a href="{}">{}</a>', url, notification.assignment)
