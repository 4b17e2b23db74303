from datetime import date, timedelta

import pytest

from agencies.selectors import user_roles
from tasks_app.models import Assignment, AssignmentRole, Timeliness
from tasks_app.selectors import (
    Urgency,
    agency_worklist,
    assignments_as_of,
    due_soon_condition,
    last_events_as_of,
    timeliness_conditions,
)
from tasks_app.services import (
    assignment_create,
    assignment_transition,
    extension_request_create,
    extension_request_decide,
)
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import TaskFactory

DUE = date(2024, 6, 28)
# The clock stands still on TODAY in these tests: TODAY reads the live columns, any day
# before it rebuilds the state from the events, whatever the real date.
TODAY = date(2024, 8, 1)
EITHER_PATH = pytest.mark.parametrize("as_of", [date(2024, 7, 5), TODAY], ids=["past-day-from-events", "live-columns"])


@pytest.fixture(autouse=True)
def frozen_clock():
    with at(TODAY):
        yield


@pytest.fixture
def make(agency, focal_point, staff):
    """An assignment due on `due_on`, optionally reported on `reported_on` and accepted the day after."""

    def make(due_on=DUE, reported_on=None, cancelled=False):
        with at(date(2024, 1, 10)):
            assignment = assignment_create(
                task=TaskFactory(due_on=due_on), agency=agency, role=AssignmentRole.LEAD, owner=focal_point
            )
        if reported_on:
            with at(reported_on):
                assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
            with at(reported_on + timedelta(days=1)):
                assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=staff)
        if cancelled:
            with at(date(2024, 2, 1)):
                assignment_transition(
                    assignment=assignment, action=Action.CANCEL, actor=staff, note="Không còn phù hợp"
                )
        return assignment

    return make


def timeliness(assignment, as_of):
    return assignments_as_of(as_of=as_of, queryset=Assignment.objects.filter(pk=assignment.pk)).get().timeliness


@EITHER_PATH
def test_completed_on_the_due_date_is_on_time(make, as_of):
    assert timeliness(make(reported_on=DUE), as_of) == Timeliness.DONE_ON_TIME


@EITHER_PATH
def test_completed_the_day_after_the_due_date_is_late(make, as_of):
    assert timeliness(make(reported_on=DUE + timedelta(days=1)), as_of) == Timeliness.DONE_LATE


def test_open_work_due_today_is_on_track(make):
    assert timeliness(make(), as_of=DUE) == Timeliness.ON_TRACK


def test_open_work_due_yesterday_is_overdue(make):
    assert timeliness(make(), as_of=DUE + timedelta(days=1)) == Timeliness.OVERDUE


def test_live_open_work_due_today_is_on_track_and_due_yesterday_overdue(make):
    due_today, due_yesterday = make(due_on=TODAY), make(due_on=TODAY - timedelta(days=1))

    assert timeliness(due_today, TODAY) == Timeliness.ON_TRACK
    assert timeliness(due_yesterday, TODAY) == Timeliness.OVERDUE


def test_open_recurring_work_has_no_deadline(make):
    assert timeliness(make(due_on=None), as_of=DUE) == Timeliness.NO_DEADLINE


def test_recurring_work_reported_done_is_on_time(make):
    assert timeliness(make(due_on=None, reported_on=date(2024, 3, 1)), as_of=DUE) == Timeliness.DONE_ON_TIME


def test_cancelled_work_has_no_timeliness(make):
    assert timeliness(make(cancelled=True), as_of=DUE) is None


def test_work_reported_but_not_yet_accepted_is_still_open(make, focal_point):
    assignment = make()
    with at(DUE):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

    assert timeliness(assignment, as_of=DUE + timedelta(days=2)) == Timeliness.OVERDUE


def test_open_work_is_due_soon_from_today_to_three_days_ahead(make, focal_point):
    made = {days: make(due_on=TODAY + timedelta(days=days)) for days in (0, 3, 4)}

    urgency = {row.pk: row.urgency for row in agency_worklist(roles=user_roles(focal_point))}

    assert [urgency[made[days].pk] for days in (0, 3, 4)] == [Urgency.DUE_SOON, Urgency.DUE_SOON, Urgency.ON_TRACK]


def test_done_work_is_never_due_soon(make, focal_point, staff):
    done = make(due_on=TODAY + timedelta(days=1))
    assignment_transition(assignment=done, action=Action.REPORT_DONE, actor=focal_point)
    assignment_transition(assignment=done, action=Action.ACCEPT, actor=staff)
    still_open = make(due_on=TODAY + timedelta(days=1))

    due_soon = Assignment.objects.filter(due_soon_condition(as_of=TODAY))

    assert list(due_soon) == [still_open]


def test_the_log_gives_each_assignment_its_timeliness_on_a_past_day(make):
    on_time, late, still_open = make(reported_on=DUE), make(reported_on=DUE + timedelta(days=1)), make()

    rows = dict(last_events_as_of(as_of=DUE + timedelta(days=7)).values_list("assignment_id", "timeliness"))

    assert rows == {
        on_time.pk: Timeliness.DONE_ON_TIME,
        late.pk: Timeliness.DONE_LATE,
        still_open.pk: Timeliness.OVERDUE,
    }


def test_each_open_or_done_assignment_is_in_exactly_one_class_and_cancelled_work_in_none(make):
    made = {
        Timeliness.DONE_ON_TIME: make(reported_on=DUE),
        Timeliness.DONE_LATE: make(reported_on=DUE + timedelta(days=1)),
        Timeliness.ON_TRACK: make(due_on=TODAY),
        Timeliness.OVERDUE: make(due_on=TODAY - timedelta(days=1)),
        Timeliness.NO_DEADLINE: make(due_on=None),
        "recurring done": make(due_on=None, reported_on=date(2024, 3, 1)),
        None: make(due_on=None, cancelled=True),
    }

    classes = {
        timeliness: set(Assignment.objects.filter(condition).values_list("pk", flat=True))
        for timeliness, condition in timeliness_conditions(as_of=TODAY).items()
    }

    expected = {timeliness: {made[timeliness].pk} for timeliness in Timeliness}
    expected[Timeliness.DONE_ON_TIME].add(made["recurring done"].pk)
    assert classes == expected


def test_a_past_day_counts_against_that_days_due_date_not_a_later_extension(make, focal_point, staff):
    assignment = make()
    with at(DUE + timedelta(days=2)):
        request = extension_request_create(
            assignment=assignment,
            kind="extend",
            requested_due_on=date(2024, 7, 31),
            reason="Chờ vốn",
            actor=focal_point,
        )
        extension_request_decide(request=request, approve=True, actor=staff)

    assert timeliness(assignment, as_of=DUE + timedelta(days=1)) == Timeliness.OVERDUE
    assert timeliness(assignment, as_of=DUE + timedelta(days=3)) == Timeliness.ON_TRACK


def test_a_past_day_counts_the_completion_of_that_day_after_a_reopening(make, staff):
    assignment = make(reported_on=DUE)
    with at(DUE + timedelta(days=5)):
        assignment_transition(assignment=assignment, action=Action.REOPEN, actor=staff, note="Cần bổ sung")

    assert timeliness(assignment, as_of=DUE + timedelta(days=2)) == Timeliness.DONE_ON_TIME
    assert timeliness(assignment, as_of=TODAY) == Timeliness.OVERDUE
