from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom, and what is still pending and why."""

    list_display = ["created_at", "recipient", "kind", "assignment", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["recipient", "assignment__task__plan", "assignment__agency"]
    search_fields = ["recipient__username", "recipient__email", "dedup_key"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
