from datetime import date
from pathlib import Path

import pytest

from agencies.selectors import user_roles
from core.errors import ActionForbidden, DomainError, InvalidInput, TransitionNotAllowed
from tasks_app.models import EventKind, Status
from tasks_app.services import assignment_transition
from tasks_app.workflow import TRANSITIONS, Action, Performer, allowed_actions, find_transition
from tests.conftest import at, committee_staff

# The shortest way to bring a new assignment to each status, as (action, by) steps.
PATH_TO = {
    Status.NOT_STARTED: [],
    Status.IN_PROGRESS: [(Action.START, "focal")],
    Status.REPORTED: [(Action.START, "focal"), (Action.REPORT_DONE, "focal")],
    Status.DONE: [(Action.START, "focal"), (Action.REPORT_DONE, "focal"), (Action.ACCEPT, "staff")],
    Status.CANCELLED: [(Action.CANCEL, "staff")],
}


@pytest.fixture
def bring_to(focal_point, staff):
    actors = {"focal": focal_point, "staff": staff}

    def bring(assignment, status):
        for action, by in PATH_TO[status]:
            assignment = assignment_transition(assignment=assignment, action=action, actor=actors[by], note="lý do")
        assert assignment.status == status
        return assignment

    return bring


def performer_for(action, focal_point, staff):
    transitions = [t for t in TRANSITIONS if t.action == action]
    return focal_point if transitions[0].performer == Performer.FOCAL_POINT else staff


def assert_unchanged(assignment, status, events_before):
    assignment.refresh_from_db()
    assert assignment.status == status
    assert assignment.events.count() == events_before


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: f"{t.source}-{t.action}")
def test_every_allowed_transition_moves_and_records_an_event(transition, assignment, bring_to, focal_point, staff):
    assignment = bring_to(assignment, transition.source)
    actor = focal_point if transition.performer == Performer.FOCAL_POINT else staff

    result = assignment_transition(assignment=assignment, action=transition.action, actor=actor, note="Ghi chú")

    result.refresh_from_db()
    assert result.status == transition.target
    event = result.events.first()
    assert (event.kind, event.action, event.before, event.after) == (
        EventKind.STATUS,
        transition.action,
        transition.source,
        transition.target,
    )
    assert (event.actor, event.note, event.status) == (actor, "Ghi chú", transition.target)
    assert (result.completed_on is not None) == (transition.target == Status.DONE)


REFUSED_MOVES = [(status, action) for status in Status for action in Action if find_transition(status, action) is None]


@pytest.mark.parametrize(("status", "action"), REFUSED_MOVES, ids=lambda v: str(v))
def test_a_move_not_in_the_table_is_refused_and_changes_nothing(
    status, action, assignment, bring_to, focal_point, staff
):
    assignment = bring_to(assignment, status)
    events_before = assignment.events.count()

    with pytest.raises(TransitionNotAllowed):
        assignment_transition(
            assignment=assignment, action=action, actor=performer_for(action, focal_point, staff), note="lý do"
        )

    assert_unchanged(assignment, status, events_before)


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: f"{t.source}-{t.action}")
@pytest.mark.parametrize("intruder", ["other_focal_point", "leader", "wrong_side"])
def test_an_actor_without_the_right_is_refused_and_changes_nothing(
    transition, intruder, assignment, bring_to, focal_point, staff, request
):
    assignment = bring_to(assignment, transition.source)
    events_before = assignment.events.count()
    if intruder == "wrong_side":
        # Committee staff do not do a focal point's work, nor a focal point the staff's.
        actor = staff if transition.performer == Performer.FOCAL_POINT else focal_point
    else:
        actor = request.getfixturevalue(intruder)

    with pytest.raises(ActionForbidden):
        assignment_transition(assignment=assignment, action=transition.action, actor=actor, note="lý do")

    assert_unchanged(assignment, transition.source, events_before)


@pytest.mark.parametrize(
    "transition", [t for t in TRANSITIONS if t.note_required], ids=lambda t: f"{t.source}-{t.action}"
)
@pytest.mark.parametrize("note", ["", "   "])
def test_a_move_that_needs_a_reason_is_refused_without_one(transition, note, assignment, bring_to, staff):
    assignment = bring_to(assignment, transition.source)
    events_before = assignment.events.count()

    with pytest.raises(InvalidInput) as refusal:
        assignment_transition(assignment=assignment, action=transition.action, actor=staff, note=note)

    assert refusal.value.field == "note"
    assert_unchanged(assignment, transition.source, events_before)


def test_an_unknown_action_is_invalid_input(assignment, focal_point):
    with pytest.raises(InvalidInput) as refusal:
        assignment_transition(assignment=assignment, action="approve_everything", actor=focal_point)

    assert refusal.value.field == "action"
    assert_unchanged(assignment, Status.NOT_STARTED, 1)


def test_nobody_accepts_their_own_report(assignment, focal_point, other_staff):
    focal_and_staff = committee_staff("focal.and.staff")
    assignment.agency.memberships.create(user=focal_and_staff, role="focal_point")
    assignment = assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_and_staff)

    with pytest.raises(ActionForbidden) as refusal:
        assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=focal_and_staff)
    assert refusal.value.message == "Không thể tự xác nhận báo cáo hoàn thành của chính mình."
    assert_unchanged(assignment, Status.REPORTED, 2)

    accepted = assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=other_staff)
    assert accepted.status == Status.DONE


def test_the_reporter_is_offered_everything_but_accepting_their_own_report(assignment, other_staff):
    focal_and_staff = committee_staff("focal.and.staff")
    assignment.agency.memberships.create(user=focal_and_staff, role="focal_point")
    assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_and_staff)

    def offered(user):
        return allowed_actions(
            status=Status.REPORTED,
            agency_id=assignment.agency_id,
            roles=user_roles(user),
            reported_by_id=focal_and_staff.pk,
        )

    assert offered(focal_and_staff) == [Action.RETURN, Action.CANCEL]
    assert offered(other_staff) == [Action.ACCEPT, Action.RETURN, Action.CANCEL]


def test_work_counts_as_completed_on_the_day_it_was_reported(assignment, focal_point, staff):
    with at(date(2024, 6, 28)):
        assignment = assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)
    with at(date(2024, 7, 3)):
        assignment = assignment_transition(assignment=assignment, action=Action.ACCEPT, actor=staff)

    assert assignment.completed_on == date(2024, 6, 28)
    assert assignment.progress == 100


def test_returning_a_report_clears_the_completion_and_keeps_the_reason(assignment, bring_to, staff):
    assignment = bring_to(assignment, Status.REPORTED)

    returned = assignment_transition(
        assignment=assignment, action=Action.RETURN, actor=staff, note="Thiếu văn bản chứng minh"
    )

    assert returned.status == Status.IN_PROGRESS
    assert returned.completed_on is None
    assert returned.events.first().note == "Thiếu văn bản chứng minh"


def test_the_readme_renders_the_transition_table():
    rows = [
        f"| `{t.source.value}` | `{t.action.value}` | `{t.target.value}` | {t.performer.value.replace('_', ' ')} "
        f"| {'yes' if t.note_required else 'no'} |"
        for t in TRANSITIONS
    ]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()

    assert "\n".join(["| from | action | to | by | reason required |", "|---|---|---|---|---|", *rows]) in readme


def refusal_of(**move):
    with pytest.raises(DomainError) as refusal:
        assignment_transition(**move)
    return refusal.value.field, refusal.value.message


def test_each_refusal_says_why_in_the_users_words(assignment, focal_point, leader, staff):
    start, accept = Action.START, Action.ACCEPT

    assert refusal_of(assignment=assignment, action="approve_everything", actor=focal_point) == (
        "action",
        "Thao tác không hợp lệ: approve_everything.",
    )
    assert refusal_of(assignment=assignment, action=start, actor=focal_point, evidence_url="https://a.vn/1") == (
        "evidence_url",
        "Chỉ báo cáo hoàn thành mới kèm minh chứng.",
    )
    assert refusal_of(assignment=assignment, action=start, actor=leader) == (
        None,
        f"Bạn không có quyền “{start.label}” nhiệm vụ này.",
    )
    assert refusal_of(assignment=assignment, action=accept, actor=staff) == (
        None,
        f"Không thể “{accept.label}” khi nhiệm vụ đang ở trạng thái “{Status.NOT_STARTED.label}”.",
    )
    assert refusal_of(assignment=assignment, action=Action.CANCEL, actor=staff, note=" ") == ("note", "Cần nêu lý do.")
