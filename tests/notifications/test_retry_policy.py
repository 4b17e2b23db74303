"""The sending task's retry policy, with the production defaults: Celery's own exponential
backoff with full jitter must ride out a mail outage of more than an hour."""

import random
import runpy
from pathlib import Path

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from notifications.services import SendingDeferred
from notifications.tasks import send_digests

HOUR = 3600


def production_sending() -> dict:
    return runpy.run_path(str(Path(settings.BASE_DIR) / "tracker" / "settings.py"))["TRACKER_SENDING"]


def total_wait(policy: dict, draw: random.Random) -> int:
    """Seconds from the first failure to the last retry, drawn as Celery's autoretry draws
    each countdown (celery.app.autoretry: full jitter is a randrange up to the cap)."""
    random_state = random.getstate()
    random.seed(draw.random())
    try:
        return sum(
            get_exponential_backoff_interval(
                factor=policy["backoff_seconds"],
                retries=retries,
                maximum=policy["backoff_max_seconds"],
                full_jitter=True,
            )
            for retries in range(policy["retries"])
        )
    finally:
        random.setstate(random_state)


def test_the_task_retries_what_was_deferred_with_celerys_backoff_from_the_settings():
    sending = settings.TRACKER_SENDING
    assert SendingDeferred in send_digests.autoretry_for
    assert send_digests.max_retries == sending["retries"]
    assert send_digests.retry_backoff == sending["backoff_seconds"]
    assert send_digests.retry_backoff_max == sending["backoff_max_seconds"]
    assert send_digests.retry_jitter is True


def test_the_default_retries_ride_out_an_hour_long_mail_outage():
    policy, draw = production_sending(), random.Random(6)
    waits = [total_wait(policy, draw) for _ in range(10_000)]

    outlasting_an_hour = sum(wait > HOUR for wait in waits) / len(waits)
    assert outlasting_an_hour >= 0.999, f"only {outlasting_an_hour:.1%} of batches are still retrying after an hour"
