from datetime import date
from types import SimpleNamespace

from tasks_app.models import Assignment, Timeliness
from tasks_app.selectors import assignments_as_of
from tasks_app.services import (
    assignment_create,
    assignment_transition,
    extension_request_create,
    extension_request_decide,
)
from tasks_app.workflow import Action
from tests.conftest import at


def assignment_state_on(*, assignment, day):
    """The assignment as the selectors see it at the end of `day`; None before it existed."""
    row = (
        assignments_as_of(as_of=day, queryset=Assignment.objects.filter(pk=assignment.pk))
        .values("state_status", "state_due_on", "state_completed_on", "timeliness")
        .first()
    )
    return None if row is None else SimpleNamespace(**{key.removeprefix("state_"): value for key, value in row.items()})


def recorded_state(assignment):
    assignment.refresh_from_db()
    return (assignment.status, assignment.due_on, assignment.completed_on)


def test_the_state_on_a_past_day_is_rebuilt_from_the_events(assignment, focal_point, staff, other_staff):
    """Walk one assignment through a year, note its state at the end of each day, then ask for each day."""
    recorded = {}
    steps = [
        (date(2024, 3, 5), lambda a: assignment_transition(assignment=a, action=Action.START, actor=focal_point)),
        (
            date(2024, 3, 10),
            lambda a: assignment_transition(assignment=a, action=Action.REPORT_DONE, actor=focal_point),
        ),
        (
            date(2024, 3, 12),
            lambda a: assignment_transition(assignment=a, action=Action.RETURN, actor=staff, note="Thiếu sản phẩm"),
        ),
        (
            date(2024, 6, 20),
            lambda a: extension_request_decide(
                request=extension_request_create(
                    assignment=a,
                    kind="extend",
                    requested_due_on=date(2024, 9, 30),
                    reason="Chờ hạ tầng",
                    actor=focal_point,
                ),
                approve=True,
                actor=staff,
            ),
        ),
        (
            date(2024, 9, 25),
            lambda a: assignment_transition(assignment=a, action=Action.REPORT_DONE, actor=focal_point),
        ),
        (date(2024, 10, 2), lambda a: assignment_transition(assignment=a, action=Action.ACCEPT, actor=other_staff)),
    ]
    recorded[date(2024, 3, 1)] = recorded_state(assignment)
    for day, step in steps:
        with at(day):
            step(assignment)
        recorded[day] = recorded_state(assignment)

    for day, (status, due_on, completed_on) in recorded.items():
        state = assignment_state_on(assignment=assignment, day=day)
        assert (state.status, state.due_on, state.completed_on) == (status, due_on, completed_on), day
    assert assignment_state_on(assignment=assignment, day=date(2024, 3, 11)).status == "reported"
    assert assignment_state_on(assignment=assignment, day=date(2024, 7, 1)).timeliness == Timeliness.ON_TRACK
    assert assignment_state_on(assignment=assignment, day=date(2024, 10, 2)).timeliness == Timeliness.DONE_ON_TIME
    assert assignment_state_on(assignment=assignment, day=date(2024, 10, 2)).completed_on == date(2024, 9, 25)


def test_an_assignment_did_not_exist_before_it_was_created(task, agency, focal_point):
    with at(date(2024, 2, 1)):
        assignment = assignment_create(task=task, agency=agency, role="lead")

    assert assignment_state_on(assignment=assignment, day=date(2024, 1, 31)) is None
    assert assignment_state_on(assignment=assignment, day=date(2024, 2, 1)).status == "not_started"


def test_days_are_counted_in_vietnam_not_in_utc(assignment, focal_point):
    # 06:00 on 2 May in Hà Nội is still 1 May in UTC.
    with at(date(2024, 5, 2), hour=6):
        assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)

    assert assignment_state_on(assignment=assignment, day=date(2024, 5, 1)).status == "not_started"
    assert assignment_state_on(assignment=assignment, day=date(2024, 5, 2)).status == "in_progress"
