import time as clock
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.tasks import ping
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import translation

from agencies.models import COMMITTEE_STAFF_GROUP, MembershipRole
from tasks_app.management.commands.loaddata import Command as LoaddataCommand
from tasks_app.models import AssignmentCount, AssignmentRole
from tasks_app.services import assignment_create
from tests.factories import AgencyFactory, MembershipFactory, TaskFactory, UserFactory
from tracker.celery import app as celery_app

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


# The mark of every transactional test (worker, browser, live server). pytest-django runs them
# after the others, in an order the tests must not depend on: each one ends with a flush, and
# a flush without serialized_rollback re-creates the content types and permissions under new
# ids, which the next serialized test then fails to restore (a unique constraint). With it on
# all of them, each starts from the database as the migrations left it.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in Vietnamese: a request in English leaves its language active."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def at(day: date, hour: int = 10) -> time_machine.travel:
    """Travel to a working hour of `day` in Vietnam, with the clock stopped."""
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=VIETNAM), tick=False)


@pytest.fixture
def agency(db):
    return AgencyFactory(code="BCA-TEST", name="Bộ Công an (thử nghiệm)")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(code="BYT-TEST", name="Bộ Y tế (thử nghiệm)")


def member(agency, role, username):
    return MembershipFactory(agency=agency, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def focal_point(agency):
    return member(agency, MembershipRole.FOCAL_POINT, "focal")


@pytest.fixture
def leader(agency):
    return member(agency, MembershipRole.LEADER, "leader")


@pytest.fixture
def other_focal_point(other_agency):
    return member(other_agency, MembershipRole.FOCAL_POINT, "other.focal")


def committee_staff(username):
    user = UserFactory(username=username)
    # get_or_create: a transactional test's flush removes the group its migration made.
    user.groups.add(Group.objects.get_or_create(name=COMMITTEE_STAFF_GROUP)[0])
    return user


@pytest.fixture
def staff(db):
    return committee_staff("staff")


@pytest.fixture
def other_staff(db):
    return committee_staff("staff2")


@pytest.fixture
def task(db):
    return TaskFactory(due_on=date(2024, 6, 30))


@pytest.fixture
def assignment(task, agency, focal_point):
    with at(date(2024, 1, 15)):
        return assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD, owner=focal_point)


@pytest.fixture
def worker():
    """A real Celery worker in a thread, consuming from the configured broker (Redis in CI,
    kombu's filesystem transport on a bare machine). Its tests need django_db(transaction=True).
    No ping check: that needs a result backend, and the tracker keeps no results."""
    with start_worker(celery_app, pool="solo", loglevel="WARNING", perform_ping_check=False) as running:
        yield running
        # Asked to stop, the worker still finishes its poll of the broker and then polls once
        # more, up to 2 s each (Celery's fixed timeout), which kombu's filesystem transport
        # never cuts short: 4 s per test. A message for each poll ends them at once.
        worker_state.should_terminate = 0
        ping.delay()
        ping.delay()


def wait_for(condition, seconds=30) -> bool:
    """Poll until `condition()` holds: what a worker does arrives a little later."""
    deadline = clock.monotonic() + seconds
    while clock.monotonic() < deadline:
        if condition():
            return True
        clock.sleep(0.1)
    return False


@pytest.fixture(scope="session")
def plans_2024_rows(django_db_setup, django_db_blocker):
    """The rows `loaddata agencies plans_2024` writes, read back as each table stores them.
    The load (about 35,000 queries: natural keys to resolve, row by row) runs once per test
    session, in a transaction rolled back at once, so no test sees it."""
    loader = LoaddataCommand()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(loader, "agencies", "plans_2024", verbosity=0)
        tables = []
        with connection.cursor() as cursor:
            # Today's counts are written by the load too, though from no fixture.
            for model in sorted(loader.models | {AssignmentCount}, key=lambda model: model._meta.label):
                columns = ", ".join(connection.ops.quote_name(field.column) for field in model._meta.concrete_fields)
                cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)}")
                tables.append((model, columns, cursor.fetchall()))
        transaction.set_rollback(True)
    return tables


@pytest.fixture
def plans_2024(plans_2024_rows, db):
    """The shipped agencies and 2024 plans, for this test only.

    The rows are loaded once per session (plans_2024_rows) and inserted here in a few
    statements, inside the test's own transaction: a test that does not ask for them never
    sees them, whatever ran before it, and no test depends on the order the tests run in.
    In a transactional test (django_db(transaction=True): browser, worker) they are
    committed, for the live server to see, and its flush at the end removes them."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model, columns, rows in plans_2024_rows:
            placeholders = ", ".join(["%s"] * len(model._meta.concrete_fields))
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
        # PostgreSQL's id sequences do not move for ids given explicitly (loaddata resets them too).
        for statement in connection.ops.sequence_reset_sql(no_style(), [model for model, _, _ in plans_2024_rows]):
            cursor.execute(statement)
