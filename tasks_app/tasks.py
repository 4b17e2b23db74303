"""Celery tasks of tasks_app: thin, idempotent, taking dates as ISO strings."""

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from tasks_app.snapshots import snapshot_days_write, snapshots_write


@shared_task(acks_late=True, time_limit=3600)
def snapshot_previous_day() -> int:
    """The beat job just after midnight: count the day that ended."""
    yesterday = timezone.localdate() - timedelta(days=1)
    return snapshots_write(first=yesterday, last=yesterday)


@shared_task(acks_late=True, time_limit=3 * 3600)
def snapshots_rebuild(first: str, last: str) -> int:
    return snapshots_write(first=date.fromisoformat(first), last=date.fromisoformat(last))


@shared_task(acks_late=True, time_limit=3600)
def snapshot_days_count(days: list[str]) -> int:
    return snapshot_days_write(date.fromisoformat(day) for day in days)
