"""Today's counts (tasks_app.counts): kept right by every write, read by today's dashboards,
recounted and repaired each night."""

import json
import logging
import threading
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, AgencyKind
from agencies.selectors import user_roles
from agencies.services import Succession
from tasks_app.counts import CountKey, counts_apply, counts_recount, counts_stored
from tasks_app.dashboards import agency_breakdown, plan_summary, plan_timeline
from tasks_app.mergers import agencies_merge
from tasks_app.models import Assignment, AssignmentCount, AssignmentRole, ExtensionKind, Status
from tasks_app.services import (
    assignment_create,
    assignment_reassign,
    assignment_transition,
    assignment_update_progress,
    assignments_fill_owners,
    extension_request_create,
    extension_request_decide,
)
from tasks_app.tasks import counts_repair_nightly
from tasks_app.workflow import Action
from tests.conftest import at, member, transactional
from tests.factories import AgencyFactory, ProvinceFactory, TaskFactory

DAY = date(2024, 7, 2)


def count_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "tasks_app_assignmentcount" in q["sql"]]


def assert_counts_match_the_rows(step: str = "") -> None:
    assert counts_stored() == counts_recount(), step


@pytest.fixture
def province(db):
    return ProvinceFactory(code="P-OLD")


@pytest.fixture
def work(agency, other_agency, province, focal_point, staff):
    """Work of three agencies on two tasks, one without a deadline, as of DAY."""
    with at(date(2024, 1, 15)):
        late_task = TaskFactory(due_on=date(2024, 6, 30))
        plan = late_task.plan
        later = TaskFactory(plan=plan, due_on=date(2024, 12, 31))
        always = TaskFactory(plan=plan, due_on=None)
        made = {
            "late": assignment_create(task=late_task, agency=agency, role=AssignmentRole.LEAD, owner=focal_point),
            "support": assignment_create(task=late_task, agency=other_agency, role=AssignmentRole.SUPPORT),
            "later": assignment_create(task=later, agency=agency, role=AssignmentRole.LEAD),
            "always": assignment_create(task=always, agency=province, role=AssignmentRole.LEAD),
            "province_later": assignment_create(task=later, agency=province, role=AssignmentRole.SUPPORT),
        }
    return made


def act(assignment, action, actor, note=""):
    return lambda: assignment_transition(assignment=assignment, action=action, actor=actor, note=note)


def test_each_kind_of_write_keeps_todays_counts_equal_to_a_recount(work, agency, other_agency, focal_point, staff):
    assert_counts_match_the_rows("create")
    newcomer = AgencyFactory(code="NEW")
    newcomer_focal = member(newcomer, "focal_point", "new.focal")
    with at(DAY):
        late, support, later = work["late"], work["support"], work["later"]
        due_today, on_the_day = TaskFactory(plan=late.task.plan, due_on=DAY), []
        steps = [
            ("start", act(late, Action.START, focal_point)),
            ("report", act(late, Action.REPORT_DONE, focal_point)),
            ("accept late", act(late, Action.ACCEPT, staff)),
            ("reopen", act(late, Action.REOPEN, staff, note="Sai")),
            ("report again", act(late, Action.REPORT_DONE, focal_point)),
            ("return", act(late, Action.RETURN, staff, note="Thiếu")),
            ("cancel", act(support, Action.CANCEL, staff, note="Bỏ")),
            ("reopen cancelled", act(support, Action.REOPEN, staff)),
            ("report on time", act(later, Action.REPORT_DONE, focal_point)),
            ("accept on time", act(later, Action.ACCEPT, staff)),
            ("due today", lambda: on_the_day.append(assignment_create(task=due_today, agency=agency, role="lead"))),
            ("report on the day", lambda: act(on_the_day[0], Action.REPORT_DONE, focal_point)()),
            ("accept on the day", lambda: act(on_the_day[0], Action.ACCEPT, staff)()),
            ("move", lambda: assignment_reassign(assignment=support, actor=staff, reason="Đổi", agency=newcomer)),
            ("owner", lambda: assignment_reassign(assignment=support, actor=staff, reason="Đổi", owner=newcomer_focal)),
            ("fill owners", lambda: assignments_fill_owners(owners_by_agency={agency.pk: focal_point})),
        ]
        for name, write in steps:
            write()
            assert_counts_match_the_rows(name)

        extension = extension_request_create(
            assignment=work["late"],
            kind=ExtensionKind.POSTPONE,
            reason="Chờ văn bản",
            actor=focal_point,
            requested_due_on=DAY + timedelta(days=30),
        )
        extension_request_decide(request=extension, approve=True, actor=staff)
        assert_counts_match_the_rows("deadline moved")
        withdrawal = extension_request_create(
            assignment=work["late"], kind=ExtensionKind.WITHDRAW, reason="Không còn cần", actor=focal_point
        )
        extension_request_decide(request=withdrawal, approve=True, actor=staff)
        assert_counts_match_the_rows("withdrawn")


def test_writes_that_leave_the_counts_as_they_are_do_not_touch_them(work, agency, focal_point):
    with at(DAY):
        assignment_transition(assignment=work["late"], action=Action.START, actor=focal_point)
        with CaptureQueriesContext(connection) as queries:
            assignment_update_progress(assignment=work["late"], progress=40, actor=focal_point)
            assignments_fill_owners(owners_by_agency={agency.pk: focal_point})

    assert count_queries(queries) == []


def test_a_merger_moves_the_counts_of_the_work_it_moves_in_one_statement(work, province, staff):
    host = ProvinceFactory(code="P-HOST")
    with at(date(2024, 1, 15)):
        assignment_create(task=work["later"].task, agency=host, role=AssignmentRole.SUPPORT)
    succession = Succession(old_codes=("P-HOST", "P-OLD"), successor_code="P-NEW", successor_name="Tỉnh mới")

    with at(DAY), CaptureQueriesContext(connection) as queries:
        agencies_merge(successions=[succession], effective=DAY, actor=staff)

    assert Assignment.objects.filter(agency__code="P-NEW").count() == 2
    assert_counts_match_the_rows()
    assert len(count_queries(queries)) == 1


def test_loading_a_fixture_over_existing_work_counts_it_again(work, tmp_path):
    done = work["later"]
    # A fixture's row replaces the whole row: the rest of it as it is.
    fields = {"task": done.task_id, "agency": done.agency_id, "role": done.role, "due_on": "2024-12-31"}
    fields |= {"status": "done", "completed_on": "2024-05-01", "progress": 100, "updated_at": "2024-05-02T10:00:00Z"}
    fixture = tmp_path / "done.json"
    fixture.write_text(json.dumps([{"model": "tasks_app.assignment", "pk": done.pk, "fields": fields}]))

    call_command("loaddata", str(fixture), verbosity=0)

    assert Assignment.objects.get(pk=done.pk).status == Status.DONE
    assert_counts_match_the_rows()


@pytest.mark.parametrize("who", ["staff", "focal_point"])
def test_todays_figures_are_those_the_event_log_gives_for_the_same_day_once_it_has_ended(work, staff, focal_point, who):
    with at(DAY):
        assignment_transition(assignment=work["late"], action=Action.REPORT_DONE, actor=focal_point)
        assignment_transition(assignment=work["late"], action=Action.ACCEPT, actor=staff)
        assignment_transition(assignment=work["support"], action=Action.CANCEL, actor=staff, note="Bỏ")
        assignment_transition(assignment=work["later"], action=Action.START, actor=focal_point)
    plan, roles = work["late"].task.plan, user_roles(staff if who == "staff" else focal_point)
    provinces = {"agencies": Agency.objects.filter(kind=AgencyKind.PROVINCE)}

    def figures(as_of):
        with CaptureQueriesContext(connection) as queries:
            result = (
                plan_summary(plan=plan, roles=roles, as_of=as_of),
                list(agency_breakdown(plan=plan, roles=roles, as_of=as_of)),
                list(agency_breakdown(roles=roles, as_of=as_of, ordering="overdue", **provinces)),
                list(agency_breakdown(plan=plan, roles=roles, as_of=as_of, roll_up=True)),
            )
        sql = " ".join(q["sql"] for q in queries).lower()
        return (*result, plan_timeline(plan=plan, roles=roles, until=as_of)[-1]), sql

    with at(DAY):
        today, today_sql = figures(DAY)
    with at(DAY + timedelta(days=1)):
        from_the_log, log_sql = figures(DAY)

    assert today == from_the_log
    assert today[0]["assignments"]["total"] > 0
    assert "tasks_app_assignmentcount" in today_sql
    assert "tasks_app_statusevent" not in today_sql
    assert "tasks_app_assignmentcount" not in log_sql


def test_overdue_is_derived_from_the_deadline_on_the_day_it_is_read(work, staff):
    plan, roles = work["late"].task.plan, user_roles(staff)
    with at(date(2024, 6, 30)):
        on_the_day = plan_summary(plan=plan, roles=roles)["assignments"]["by_timeliness"]
    with at(date(2024, 7, 1)):
        next_day = plan_summary(plan=plan, roles=roles)["assignments"]["by_timeliness"]

    assert (on_the_day["on_track"], on_the_day["overdue"]) == (4, 0)
    assert (next_day["on_track"], next_day["overdue"]) == (2, 2)
    assert on_the_day["no_deadline"] == next_day["no_deadline"] == 1


def test_the_nightly_job_reports_and_repairs_a_drift(work, caplog):
    entry = settings.CELERY_BEAT_SCHEDULE["counts-repair"]
    assert entry["task"] == "tasks_app.tasks.counts_repair_nightly"
    # Behind the services' back: a raw update of the rows, and of a count.
    Assignment.objects.filter(pk=work["late"].pk).update(status=Status.IN_PROGRESS)
    AssignmentCount.objects.filter(agency=work["always"].agency).update(count=F("count") + 3)
    assert counts_stored() != counts_recount()

    with caplog.at_level(logging.WARNING, logger="tasks_app.tasks"):
        assert counts_repair_nightly() == {"cells": 4, "assignments": 8}

    assert_counts_match_the_rows()
    assert "4 cells, 8 assignments; repaired" in caplog.text
    assert counts_repair_nightly() == {"cells": 0, "assignments": 0}
    assert not AssignmentCount.objects.filter(count=0).exists()


@transactional
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time")
def test_two_transactions_adding_to_one_cell_lose_neither_addition(agency):
    task = TaskFactory()
    cell = CountKey(task.plan_id, agency.pk, AssignmentRole.LEAD, Status.IN_PROGRESS, date(2024, 6, 30), False)
    counts_apply(after=[cell])
    first_added = threading.Event()

    def first():
        with transaction.atomic():
            counts_apply(after=[cell])
            first_added.set()
            # Holds its change uncommitted while the second one adds to the same cell.
            threading.Event().wait(0.3)
        connection.close()

    def second():
        first_added.wait(5)
        with transaction.atomic():
            counts_apply(after=[cell, cell])
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert counts_stored() == {cell: 4}
