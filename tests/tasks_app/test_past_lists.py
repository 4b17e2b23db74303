"""A list as of a past day shows every column as it stood that day: the agency that held
the work, its focal point and its progress then, not today's (issue 11, item 16)."""

import csv
import importlib
import io
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tasks_app.models import AssignmentRole
from tasks_app.services import (
    assignment_create,
    assignment_reassign,
    assignment_transition,
    assignment_update_progress,
)
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import TaskFactory

OVERDUE_DAY = date(2024, 7, 15)
TODAY = date(2024, 9, 2)


def work_then_move(assignment, *, focal_point, staff, new_agency, new_owner):
    """In progress at 40 % with its first agency, overdue on OVERDUE_DAY, then moved in
    August to another agency whose focal point takes it to 70 %."""
    with at(date(2024, 3, 5)):
        assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    with at(date(2024, 3, 20)):
        assignment_update_progress(assignment=assignment, progress=40, actor=focal_point)
    with at(date(2024, 8, 1)):
        assignment_reassign(
            assignment=assignment, actor=staff, reason="Đổi đầu mối", agency=new_agency, owner=new_owner
        )
    with at(date(2024, 8, 5)):
        assignment_update_progress(assignment=assignment, progress=70, actor=new_owner)


@pytest.fixture
def moved(assignment, focal_point, staff, other_agency, other_focal_point):
    work_then_move(
        assignment, focal_point=focal_point, staff=staff, new_agency=other_agency, new_owner=other_focal_point
    )
    return assignment


def overdue(client, day, **filters):
    with at(TODAY):
        return client.get("/api/v1/dashboard/overdue/", {"as_of": day.isoformat(), **filters})


@pytest.fixture
def staff_api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def test_the_past_overdue_list_shows_the_agency_owner_and_progress_of_that_day(moved, staff_api):
    [row] = overdue(staff_api, OVERDUE_DAY).json()["results"]

    assert row["agency"]["code"] == "BCA-TEST"
    assert row["owner"]["username"] == "focal"
    assert row["progress"] == 40
    assert (row["status"], row["due_on"], row["days_overdue"]) == ("in_progress", "2024-06-30", 15)


def test_todays_overdue_list_shows_where_the_work_is_now(moved, staff_api):
    [row] = overdue(staff_api, TODAY).json()["results"]

    assert (row["agency"]["code"], row["owner"]["username"], row["progress"]) == ("BYT-TEST", "other.focal", 70)


def test_the_past_lists_filters_are_the_agency_that_held_the_work(moved, staff_api):
    held = overdue(staff_api, OVERDUE_DAY, agency="BCA-TEST").json()["results"]
    now_holds = overdue(staff_api, OVERDUE_DAY, agency="BYT-TEST").json()["results"]
    by_successor = overdue(staff_api, OVERDUE_DAY, successor="BYT-TEST").json()["results"]
    by_kind = overdue(staff_api, OVERDUE_DAY, kind=moved.agency.kind).json()["results"]

    assert [r["id"] for r in held] == [moved.pk]
    assert now_holds == []
    assert by_successor == []
    assert [r["id"] for r in by_kind] == [moved.pk]


def test_the_past_download_shows_that_days_columns(moved, staff_api):
    response = overdue(staff_api, OVERDUE_DAY, format="csv")

    [header, row] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = dict(zip(header, row, strict=True))
    assert (cells["Mã cơ quan"], cells["Cơ quan"]) == ("BCA-TEST", "Bộ Công an (thử nghiệm)")
    assert cells["Người phụ trách"] == "focal"
    assert cells["Tiến độ (%)"] == "40"


def test_the_dashboard_pages_past_overdue_table_shows_that_days_agency_and_owner(moved, staff):
    client = Client()
    client.force_login(staff)

    with at(TODAY):
        page = client.get("/", {"plan": moved.task.plan.code, "as_of": OVERDUE_DAY.isoformat()}).content.decode()

    table = page[page.index('id="overdue-heading"') :]
    assert "Bộ Công an (thử nghiệm)" in table
    assert "Bộ Y tế (thử nghiệm)" not in table
    assert "other.focal" not in table


def test_the_old_agencys_focal_point_sees_its_past_overdue_work_as_it_was(moved, focal_point, other_focal_point):
    old, new = APIClient(), APIClient()
    old.force_authenticate(focal_point)
    new.force_authenticate(other_focal_point)

    [row] = overdue(old, OVERDUE_DAY).json()["results"]
    assert (row["agency"]["code"], row["progress"]) == ("BCA-TEST", 40)
    assert overdue(new, OVERDUE_DAY).json()["results"] == []


def test_a_past_list_reads_the_agencies_and_owners_of_that_day_in_a_fixed_number_of_queries(
    moved, agency, focal_point, staff, other_agency, other_focal_point, staff_api
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = overdue(staff_api, OVERDUE_DAY)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    one = queries()
    for _ in range(4):
        task = TaskFactory(plan=moved.task.plan, due_on=date(2024, 6, 30))
        with at(date(2024, 1, 15)):
            more = assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD, owner=focal_point)
        work_then_move(more, focal_point=focal_point, staff=staff, new_agency=other_agency, new_owner=other_focal_point)

    assert queries() == (one[0], 5)


def test_the_migration_replays_owner_and_progress_into_history_written_before_it(moved, focal_point, other_focal_point):
    migration = importlib.import_module("tasks_app.migrations.0007_event_owner_and_progress")
    written = list(moved.events.order_by("occurred_at", "id").values_list("kind", "owner_id", "progress"))
    moved.events.update(owner=None, progress=0)

    migration.replay_owner_and_progress(django_apps, schema_editor=None)

    assert list(moved.events.order_by("occurred_at", "id").values_list("kind", "owner_id", "progress")) == written
    assert written == [
        ("created", focal_point.pk, 0),
        ("status", focal_point.pk, 0),
        ("progress", focal_point.pk, 40),
        ("agency", other_focal_point.pk, 40),
        ("owner", other_focal_point.pk, 40),
        ("progress", other_focal_point.pk, 70),
    ]
