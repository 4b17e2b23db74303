"""The snapshot jobs on a real Celery worker, consuming from the configured broker
(Redis in CI, kombu's filesystem transport on a bare machine)."""

import time
from datetime import date

import pytest
from celery.contrib.testing.worker import start_worker

from tasks_app.models import SnapshotDay
from tasks_app.services import assignment_create
from tasks_app.tasks import snapshots_rebuild
from tests.conftest import at
from tracker.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    # No ping check: it needs a result backend, and the tracker keeps no results.
    with start_worker(app, pool="solo", loglevel="WARNING", perform_ping_check=False) as running:
        yield running


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_rebuilds_the_snapshots_it_is_asked_for(worker, task, agency):
    with at(date(2024, 1, 15)):
        assignment_create(task=task, agency=agency, role="lead")

    snapshots_rebuild.delay("2024-03-01", "2024-03-03")

    assert wait_for(lambda: SnapshotDay.objects.count() == 3)
    assert sorted(SnapshotDay.objects.values_list("day", flat=True)) == [
        date(2024, 3, 1),
        date(2024, 3, 2),
        date(2024, 3, 3),
    ]
