import time as clock
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from agencies.models import COMMITTEE_STAFF_GROUP, MembershipRole
from tasks_app.models import AssignmentRole
from tasks_app.services import assignment_create
from tests.factories import AgencyFactory, MembershipFactory, TaskFactory, UserFactory
from tracker.celery import app as celery_app

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


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


def wait_for(condition, seconds=30) -> bool:
    """Poll until `condition()` holds: what a worker does arrives a little later."""
    deadline = clock.monotonic() + seconds
    while clock.monotonic() < deadline:
        if condition():
            return True
        clock.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def plans_2024(django_db_setup, django_db_blocker):
    """The shipped agencies and 2024 plans, loaded once for a test module (a load takes
    seconds) and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "agencies", "plans_2024", verbosity=0)
        yield
        transaction.set_rollback(True)
