import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.selectors import user_roles
from tasks_app.dashboards import agency_breakdown, chart_days, plan_summary, plan_timeline, with_agencies
from tasks_app.models import DailySnapshot, SnapshotDay, StatusEvent, TaskDaySnapshot
from tasks_app.services import assignment_create, assignment_transition, assignments_fill_owners
from tasks_app.snapshots import snapshot_write
from tasks_app.tasks import snapshot_days_count, snapshot_previous_day
from tasks_app.workflow import Action
from tests.conftest import at

MARCH_1 = date(2024, 3, 1)


@pytest.fixture
def started(assignment, focal_point):
    with at(date(2024, 2, 20)):
        return assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)


def test_a_snapshot_counts_the_day_per_plan_agency_status_and_timeliness(started, task):
    snapshot_write(day=MARCH_1)

    cell = DailySnapshot.objects.get(day=MARCH_1)
    assert (cell.plan_id, cell.agency_id, cell.status, cell.timeliness, cell.count) == (
        task.plan_id,
        started.agency_id,
        "in_progress",
        "on_track",
        1,
    )
    assert not TaskDaySnapshot.objects.get(day=MARCH_1, task=task).is_done


def test_the_dashboard_reads_the_snapshot_of_a_past_day(started, staff):
    roles = user_roles(staff)
    snapshot_write(day=MARCH_1)
    # A stored count that differs from the log shows which path answered.
    DailySnapshot.objects.filter(day=MARCH_1).update(count=7)

    assert plan_summary(plan=started.task.plan, roles=roles, as_of=MARCH_1)["assignments"]["total"] == 7
    assert agency_breakdown(plan=started.task.plan, roles=roles, as_of=MARCH_1)[0]["total"] == 7


def test_a_back_dated_event_makes_the_days_from_its_date_stale(started, staff, focal_point):
    for day in (MARCH_1, MARCH_1 + timedelta(days=1), MARCH_1 - timedelta(days=1)):
        snapshot_write(day=day)

    StatusEvent.objects.create(
        assignment=started,
        kind="status",
        action="report_done",
        before="in_progress",
        after="reported",
        status="reported",
        due_on=started.due_on,
        agency=started.agency,
        occurred_at=timezone.make_aware(timezone.datetime(2024, 3, 1, 9)),
        note="Nhập bổ sung lịch sử",
    )

    assert set(SnapshotDay.objects.values_list("day", flat=True)) == {MARCH_1 - timedelta(days=1)}
    summary = plan_summary(plan=started.task.plan, roles=user_roles(staff), as_of=MARCH_1)
    assert summary["assignments"]["by_status"]["reported"] == 1


def test_history_loaded_from_a_fixture_makes_the_days_from_its_earliest_date_stale_at_once(started, tmp_path):
    for offset in range(-1, 5):
        snapshot_write(day=MARCH_1 + timedelta(days=offset))
    natural_key = [started.task.plan.code, started.task.number, started.agency.code]
    events = [
        {
            "model": "tasks_app.statusevent",
            "fields": {
                "uuid": f"00000000-0000-4000-8000-00000000000{n}",
                "assignment": natural_key,
                "kind": "status",
                "action": "report_done",
                "before": "in_progress",
                "after": "reported",
                "status": "reported",
                "agency": [started.agency.code],
                "occurred_at": f"2024-03-0{day}T09:00:00+07:00",
                "note": "Nhập bổ sung lịch sử",
            },
        }
        for n, day in enumerate((4, 2))
    ]
    fixture = tmp_path / "history.json"
    fixture.write_text(json.dumps(events))

    with CaptureQueriesContext(connection) as queries:
        call_command("loaddata", str(fixture), verbosity=0)

    assert set(SnapshotDay.objects.values_list("day", flat=True)) == {MARCH_1 - timedelta(days=1), MARCH_1}
    deletes = [q["sql"] for q in queries if q["sql"].startswith('DELETE FROM "tasks_app_snapshotday"')]
    assert len(deletes) == 1


def test_owners_given_in_bulk_on_a_counted_day_make_it_stale(task, agency, focal_point):
    with at(date(2024, 1, 15)):
        assignment_create(task=task, agency=agency, role="lead")
    snapshot_write(day=MARCH_1 - timedelta(days=1))
    snapshot_write(day=MARCH_1)

    with at(MARCH_1):
        assert assignments_fill_owners(owners_by_agency={agency.pk: focal_point}) == 1

    assert list(SnapshotDay.objects.values_list("day", flat=True)) == [MARCH_1 - timedelta(days=1)]


def test_an_event_recorded_today_leaves_past_snapshots_alone(started, focal_point):
    snapshot_write(day=MARCH_1)

    assignment_transition(assignment=started, action=Action.REPORT_DONE, actor=focal_point)

    assert SnapshotDay.objects.filter(day=MARCH_1).exists()


def test_a_day_that_has_not_ended_has_no_snapshot(db):
    with pytest.raises(ValueError, match="not ended"):
        snapshot_write(day=timezone.localdate())


def test_writing_a_day_twice_replaces_it(started):
    snapshot_write(day=MARCH_1)
    snapshot_write(day=MARCH_1)

    assert DailySnapshot.objects.filter(day=MARCH_1).count() == 1


def test_the_rebuild_command_counts_every_day_of_a_range(started):
    out = StringIO()
    call_command("rebuild_snapshots", "--from", "2024-02-01", "--to", "2024-02-29", stdout=out)

    assert SnapshotDay.objects.count() == 29
    assert "29 days" in out.getvalue()


def test_the_rebuild_command_refuses_a_reversed_range(db):
    with pytest.raises(CommandError):
        call_command("rebuild_snapshots", "--from", "2024-03-01", "--to", "2024-02-01")


def test_the_nightly_job_counts_yesterday_just_after_midnight(started):
    entry = settings.CELERY_BEAT_SCHEDULE["snapshot-previous-day"]
    assert entry["task"] == "tasks_app.tasks.snapshot_previous_day"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {10})

    with at(MARCH_1 + timedelta(days=1), hour=0):
        snapshot_previous_day()

    assert list(SnapshotDay.objects.values_list("day", flat=True)) == [MARCH_1]


def test_the_timeline_gives_each_month_end_from_snapshots_or_the_log(started, staff, focal_point):
    with at(date(2024, 4, 10)):
        assignment_transition(assignment=started, action=Action.REPORT_DONE, actor=focal_point)
    with at(date(2024, 4, 12)):
        assignment_transition(assignment=started, action=Action.ACCEPT, actor=staff)
    snapshot_write(day=date(2024, 3, 31))

    points = plan_timeline(plan=started.task.plan, roles=user_roles(staff), period="month")

    assert [p["period_end"] for p in points][:4] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]
    assert [(p["done"], p["overdue"]) for p in points[:4]] == [(0, 0), (0, 0), (0, 0), (1, 0)]
    assert len(points) == 12


def test_once_the_chart_days_are_counted_the_charts_read_no_event_log(started, staff):
    """What `load_initial_data` asks the worker for: the charts' days only, not every day."""
    plan, roles = started.task.plan, user_roles(staff)
    from_log = {period: plan_timeline(plan=plan, roles=roles, period=period) for period in ("week", "month")}

    assert snapshot_days_count([day.isoformat() for day in chart_days(year=plan.year)]) == 62

    for period, points in from_log.items():
        with CaptureQueriesContext(connection) as queries:
            assert plan_timeline(plan=plan, roles=roles, period=period) == points
        assert not any("statusevent" in query["sql"].lower() for query in queries.captured_queries)
    assert SnapshotDay.objects.count() == 62


def test_only_ended_days_are_counted_each_once(started):
    today = timezone.localdate()

    assert snapshot_days_count([MARCH_1.isoformat(), MARCH_1.isoformat(), today.isoformat()]) == 1
    assert list(SnapshotDay.objects.values_list("day", flat=True)) == [MARCH_1]


def test_an_agencys_members_see_only_their_agencys_snapshot_counts(started, other_agency, focal_point, staff):
    with at(date(2024, 1, 20)):
        assignment_create(task=started.task, agency=other_agency, role="support")
    snapshot_write(day=MARCH_1)

    mine = with_agencies(agency_breakdown(plan=started.task.plan, roles=user_roles(focal_point), as_of=MARCH_1))
    everyone = agency_breakdown(plan=started.task.plan, roles=user_roles(staff), as_of=MARCH_1)

    assert [row["agency"] for row in mine] == [started.agency]
    assert len(everyone) == 2
    summary = plan_summary(plan=started.task.plan, roles=user_roles(focal_point), as_of=MARCH_1)
    assert (summary["assignments"]["total"], summary["tasks"]["total"]) == (1, 1)
