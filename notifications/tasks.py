"""Celery tasks of notifications: thin, idempotent, taking ids."""

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from notifications.services import digest_send, pending_recipients, reminders_scan


@shared_task(acks_late=True, time_limit=900)
def reminders_daily() -> int:
    """The 08:00 beat job: write the day's reminders (none on a day off), then send every
    pending digest, yesterday's failures included."""
    written = reminders_scan(on=timezone.localdate())
    for recipient_id in pending_recipients():
        send_digest.delay(recipient_id)
    return written


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=5,
    time_limit=300,
)
def send_digest(recipient_id: int) -> int:
    return digest_send(recipient_id=recipient_id)
