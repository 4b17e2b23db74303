from django.db.models import QuerySet

from notifications.models import Channel, Notification


def notifications_of(*, user) -> QuerySet[Notification]:
    """A user's own notifications, newest first, with what a list shows."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("assignment__task__plan", "assignment__agency")
        .order_by("-created_at", "-id")
    )


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def pending_notifications() -> QuerySet[Notification]:
    """Notifications still to send by e-mail: neither sent nor given up."""
    return Notification.objects.filter(sent_at__isnull=True, failed_at__isnull=True, channel=Channel.EMAIL)
