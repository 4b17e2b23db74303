"""Celery tasks of notifications: thin, idempotent, taking ids."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from notifications.services import (
    SEND_DIGESTS_TASK,
    SendingDeferred,
    digests_dispatch,
    digests_send,
    pending_recipient_batches,
    reminders_scan,
)

SENDING = settings.TRACKER_SENDING


@shared_task(acks_late=True, time_limit=900)
def reminders_daily() -> int:
    """The 08:00 beat job: write the day's reminders (none on a day off), then send every
    pending digest, yesterday's temporary failures included, in batches."""
    written = reminders_scan(on=timezone.localdate())
    for batch in pending_recipient_batches():
        digests_dispatch(recipient_ids=batch)
    return written


@shared_task(
    name=SEND_DIGESTS_TASK,
    bind=True,
    # A worker that dies mid-batch (killed, out of memory) gives its message back and the
    # batch is run again under the same task id, which takes back the rows it had claimed.
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    # What could not go for a reason that may pass is retried with Celery's exponential
    # backoff and full jitter; the defaults ride out a mail outage of more than an hour.
    autoretry_for=(SendingDeferred,),
    max_retries=SENDING["retries"],
    retry_backoff=SENDING["backoff_seconds"],
    retry_backoff_max=SENDING["backoff_max_seconds"],
    retry_jitter=True,
)
def send_digests(self, recipient_ids: list[int]) -> int:
    """Send these recipients their digests; returns how many notifications went. After
    the last retry what is still pending waits for the next morning's job."""
    return digests_send(recipient_ids=recipient_ids, claim=self.request.id).sent
