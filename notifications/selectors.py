from django.db.models import Prefetch, QuerySet

from notifications.models import Channel, Notification
from tasks_app.models import ExplanationItem


def notifications_of(*, user) -> QuerySet[Notification]:
    """A user's own notifications, newest first, with what a list shows (for a reminder of
    an explanation request, the request's agency and assignments)."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("assignment__task__plan", "assignment__agency", "explanation_request__agency")
        .prefetch_related(explanation_request_items())
        .order_by("-created_at", "-id")
    )


def explanation_request_items() -> Prefetch:
    """The assignments (task and plan) of each notification's explanation request, in one
    query for a whole list."""
    items = ExplanationItem.objects.select_related("assignment__task__plan")
    return Prefetch("explanation_request__items", queryset=items)


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def pending_notifications() -> QuerySet[Notification]:
    """Notifications still to send by e-mail: neither sent nor given up."""
    return Notification.objects.filter(sent_at__isnull=True, failed_at__isnull=True, channel=Channel.EMAIL)
