"""Celery tasks of notifications: thin, idempotent, taking ids."""

from smtplib import SMTPException

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.utils import timezone

from notifications.services import digests_send, pending_recipient_batches, reminders_scan


@shared_task(acks_late=True, time_limit=900)
def reminders_daily() -> int:
    """The 08:00 beat job: write the day's reminders (none on a day off), then send every
    pending digest, yesterday's failures included, in batches."""
    written = reminders_scan(on=timezone.localdate())
    for batch in pending_recipient_batches():
        send_digests.delay(batch)
    return written


@shared_task(bind=True, acks_late=True, time_limit=600)
def send_digests(self, recipient_ids: list[int]) -> int:
    """Send these recipients their digests. On an SMTP error, retry the batch later (what
    went out before the error is not sent again); after the last retry the rows stay
    pending for the next morning's job."""
    sending = settings.TRACKER_SENDING
    try:
        return digests_send(recipient_ids=recipient_ids)
    except (SMTPException, OSError) as error:
        countdown = get_exponential_backoff_interval(
            factor=sending["backoff_seconds"],
            retries=self.request.retries,
            maximum=sending["backoff_max_seconds"],
            full_jitter=True,
        )
        raise self.retry(exc=error, countdown=countdown, max_retries=sending["retries"]) from error
