"""Daily snapshots: the counts dashboards read for past dates.

At the end of each day (a Celery beat job just after midnight) the state of every
assignment, rebuilt from the event log, is counted per (plan, agency, status,
timeliness), and each task's done flag is kept. A day's snapshot is used while its
SnapshotDay row exists; an event recorded later but dated on or before that day
deletes the row (see tasks_app.signals and `snapshots_invalidate_for`), and readers go
back to the event log, which gives the same answer more slowly, until the day is
counted again.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tasks_app.models import DailySnapshot, SnapshotDay, TaskDaySnapshot
from tasks_app.selectors import last_events_as_of, tasks_as_of


@transaction.atomic
def snapshot_write(*, day: date) -> SnapshotDay:
    """Count the end of `day` from the event log and store it, replacing any earlier count."""
    if day >= timezone.localdate():
        raise ValueError(f"{day} has not ended yet")
    # Writing the day's row first makes a second writer of the same day wait for this one.
    snapshot_day, _ = SnapshotDay.objects.update_or_create(day=day, defaults={"computed_at": timezone.now()})
    DailySnapshot.objects.filter(day=day).delete()
    TaskDaySnapshot.objects.filter(day=day).delete()
    cells = (
        last_events_as_of(as_of=day)
        .values("assignment__task__plan_id", "agency_id", "status", "timeliness")
        .annotate(count=Count("pk"))
        .order_by()
    )
    DailySnapshot.objects.bulk_create(
        [
            DailySnapshot(
                day=day,
                plan_id=cell["assignment__task__plan_id"],
                agency_id=cell["agency_id"],
                status=cell["status"],
                timeliness=cell["timeliness"] or "",
                count=cell["count"],
            )
            for cell in cells
        ],
        batch_size=1000,
    )
    TaskDaySnapshot.objects.bulk_create(
        [
            TaskDaySnapshot(day=day, plan_id=plan_id, task_id=task_id, is_done=is_done)
            for task_id, plan_id, is_done in tasks_as_of(as_of=day).values_list("pk", "plan_id", "is_done")
        ],
        batch_size=1000,
    )
    return snapshot_day


def snapshots_write(*, first: date, last: date) -> int:
    """Snapshot every ended day from `first` to `last`, each in its own transaction."""
    return snapshot_days_write(first + timedelta(days=n) for n in range((last - first).days + 1))


def snapshot_days_write(days: Iterable[date]) -> int:
    """Snapshot each of these days that has ended, each in its own transaction: how many."""
    today = timezone.localdate()
    ended = sorted({day for day in days if day < today})
    for day in ended:
        snapshot_write(day=day)
    return len(ended)


# The earliest day of the history written inside `snapshots_invalidation_deferred`, or
# None outside one.
_deferred_since: ContextVar[list[date] | None] = ContextVar("snapshots_deferred_since", default=None)


def snapshots_invalidate(*, since: date) -> None:
    """History dated `since` was recorded late: the snapshots from that day on are stale."""
    pending = _deferred_since.get()
    if pending is None:
        SnapshotDay.objects.filter(day__gte=since).delete()
    elif not pending or since < pending[0]:
        pending[:] = [since]


def snapshots_invalidate_for(occurred_at: Iterable[datetime]) -> None:
    """Events with these times were written: the counted days they fall on or before are stale."""
    days = [timezone.localdate(moment) for moment in occurred_at]
    if days:
        snapshots_invalidate(since=min(days))


@contextmanager
def snapshots_invalidation_deferred():
    """Within the block, the snapshots are invalidated once, when it ends, from the earliest
    day written: loading a fixture writes thousands of events, and a DELETE each made the
    load several times slower. Nothing is invalidated if the block raises (its transaction
    is expected to roll back the history too)."""
    pending = []
    token = _deferred_since.set(pending)
    try:
        yield
    finally:
        _deferred_since.reset(token)
    if pending:
        snapshots_invalidate(since=pending[0])
