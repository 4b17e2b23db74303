"""Celery tasks of reports: thin and idempotent."""

from celery import shared_task
from django.utils import timezone

from reports.services import report_drafts_announce


@shared_task(acks_late=True, time_limit=600)
def report_drafts_at_cut_off() -> int:
    """The beat job on the morning after a cut-off (the 15th), before the 08:00 digest."""
    return report_drafts_announce(on=timezone.localdate())
