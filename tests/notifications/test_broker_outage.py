"""The broker away under a write that notifies: the write is saved and answered, the dispatch
error is logged, the outbox rows stay pending, and the next run delivers them."""

import os
import runpy
import shutil
import socket
import time
from contextlib import contextmanager
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from rest_framework.test import APIClient

from notifications.models import Notification
from tasks_app.models import Status
from tests.conftest import at, transactional
from tests.tracker.test_redis_outage import RedisServer
from tracker.celery import app as celery_app

pytestmark = [
    transactional,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


@contextmanager
def celery_broker(url: str):
    """The tracker's Celery app as the production settings configure it with REDIS_URL=url."""
    saved = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = url
    try:
        production = runpy.run_path(str(Path(settings.BASE_DIR) / "tracker" / "settings.py"))
    finally:
        if saved is None:
            del os.environ["REDIS_URL"]
        else:
            os.environ["REDIS_URL"] = saved
    broker = {
        name.removeprefix("CELERY_").lower(): value
        for name, value in production.items()
        if name.startswith(("CELERY_BROKER_", "CELERY_TASK_PUBLISH_"))
    }
    before = {name: celery_app.conf.get(name) for name in broker}

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(broker)
    reset_pools()
    try:
        yield
    finally:
        celery_app.conf.update(before)
        reset_pools()


@pytest.fixture
def stopped_redis():
    """A real redis-server, started then stopped: its port refuses connections."""
    server = RedisServer()
    server.start()
    server.stop()
    with celery_broker(server.url):
        yield server


def transition(assignment, actor, **data):
    api = APIClient()
    api.force_authenticate(actor)
    return api.post(f"/api/v1/assignments/{assignment.pk}/transition/", data, format="json")


def report_and_return(assignment, focal_point, staff):
    """A report (told to committee staff in the app only), then its return, which e-mails the
    owner at once: the write that dispatches."""
    assert transition(assignment, focal_point, action="report_done").status_code == 200
    return transition(assignment, staff, action="return", note="Thiếu văn bản")


def test_a_return_is_saved_and_answered_while_the_broker_is_away(stopped_redis, assignment, focal_point, staff, caplog):
    with caplog.at_level("ERROR", logger="notifications"):
        started = time.monotonic()
        response = report_and_return(assignment, focal_point, staff)
        took = time.monotonic() - started

    assert response.status_code == 200
    assert took < 10, "the write does not wait long on the broker"
    assignment.refresh_from_db()
    assert assignment.status == Status.IN_PROGRESS
    assert any("send_digests" in record.getMessage() for record in caplog.records), "the outage is logged"
    row = Notification.objects.get(recipient=focal_point)
    assert (row.sent_at, row.claim_token) == (None, None)

    # The next run by hand (or the morning job) delivers what the dispatch could not.
    with at(date(2024, 7, 1), hour=8):
        call_command("send_reminders", stdout=StringIO())
    to_owner = [message for message in mail.outbox if message.to == [focal_point.email]]
    assert len(to_owner) == 1
    assert "1 báo cáo bị trả lại" in to_owner[0].subject
    assert not Notification.objects.filter(recipient=focal_point, sent_at__isnull=True).exists()


def test_a_broker_that_accepts_but_never_answers_does_not_hang_the_write(assignment, focal_point, staff, caplog):
    # A listening socket nobody reads: connecting succeeds, every command waits for an answer.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        with celery_broker(url), caplog.at_level("ERROR", logger="notifications"):
            started = time.monotonic()
            response = report_and_return(assignment, focal_point, staff)
            took = time.monotonic() - started

    assert response.status_code == 200
    assert took < 10, f"the write waited {took:.1f} s on the broker"
    assert any("send_digests" in record.getMessage() for record in caplog.records), "the outage is logged"
    assert Notification.objects.filter(recipient=focal_point, sent_at__isnull=True).exists()
