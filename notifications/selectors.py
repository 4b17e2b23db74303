from django.db.models import QuerySet

from notifications.models import Notification


def notifications_of(*, user) -> QuerySet[Notification]:
    """A user's own notifications, newest first, with what a list shows."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("assignment__task__plan", "assignment__agency")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
