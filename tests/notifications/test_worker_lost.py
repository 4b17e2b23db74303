"""A real worker process killed (SIGKILL) in the middle of a batch: its message comes back,
the batch is sent by the redelivery under the same task id, every recipient gets one digest
(at most the one in flight when it died goes twice) and no row is left claimed."""

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from agencies.models import MembershipRole
from notifications.models import Notification
from notifications.services import reminders_scan
from notifications.tasks import send_digests
from tasks_app.models import AssignmentRole
from tasks_app.services import assignment_create
from tests.conftest import at, member, transactional, wait_for
from tests.factories import AgencyFactory, TaskFactory
from tracker.celery import app as celery_app

pytestmark = transactional
MONDAY = date(2024, 7, 1)


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def worker_process(smtp_server):
    """`celery worker` in a process of its own (prefork, one child), on the test broker and
    the test database, sending through the test's SMTP server."""
    celery_app.control.purge()  # messages that earlier tests published and nobody consumed
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.test_settings",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{settings.EMAIL_PORT}",
    }
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=prefork", "-c", "1"]
    command += ["-l", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)  # cold shutdown: the child goes with it
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def recipients(agency, focal_point, other_agency, other_focal_point):
    people = [(focal_point, agency), (other_focal_point, other_agency)]
    for n in range(2):
        extra = AgencyFactory()
        people.append((member(extra, MembershipRole.FOCAL_POINT, f"extra{n}"), extra))
    with at(date(2024, 1, 15)):
        for owner, in_agency in people:
            assignment_create(task=TaskFactory(due_on=MONDAY), agency=in_agency, role=AssignmentRole.LEAD, owner=owner)
    reminders_scan(on=MONDAY)
    return [owner for owner, _ in people]


def test_a_worker_killed_mid_batch_has_its_batch_sent_by_the_redelivery(worker_process, smtp_server, recipients):
    smtp_server.delay = 1  # each digest takes a second to be accepted
    send_digests.delay([user.pk for user in recipients])

    # Kill the worker's child while it waits for the server to accept the second digest.
    assert wait_for(lambda: len(smtp_server.delivered) == 1 and len(smtp_server.receiving) == 2, seconds=20)
    (child,) = children_of(worker_process.pid)
    os.kill(child, signal.SIGKILL)

    rows = Notification.objects.all()
    assert wait_for(lambda: not rows.filter(sent_at__isnull=True).exists(), seconds=20), "the batch is sent again"
    received = Counter(smtp_server.delivered)
    assert set(received) == {user.email for user in recipients}
    assert sum(received.values()) <= len(recipients) + 1, f"more than the one digest in flight went twice: {received}"
    assert not rows.filter(claim_token__isnull=False).exists()
    assert not rows.filter(claimed_until__isnull=False).exists()
