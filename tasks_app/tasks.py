"""Celery tasks of tasks_app: thin, idempotent, taking dates as ISO strings."""

import logging
from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from tasks_app.counts import counts_repair
from tasks_app.snapshots import snapshot_days_write, snapshots_write

logger = logging.getLogger(__name__)


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


@shared_task(acks_late=True, time_limit=3600)
def counts_repair_nightly() -> dict:
    """The beat job after the snapshot: recount today's counts from the assignments and put
    right any drift (a write that went around the services), saying how much there was."""
    drift = counts_repair()
    if drift.cells:
        logger.warning(
            "Today's counts had drifted from the assignments: %d cells, %d assignments; repaired",
            drift.cells,
            drift.assignments,
        )
    else:
        logger.info("Today's counts match the assignments")
    return {"cells": drift.cells, "assignments": drift.assignments}
