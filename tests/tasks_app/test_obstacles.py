"""Difficulties, obstacles and proposals: who raises, who answers, who closes, what each
refusal leaves unchanged, and who sees which."""

from datetime import date

import pytest

from agencies.selectors import user_roles
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from tasks_app.models import Obstacle, ObstacleKind, ObstacleStatus, ObstacleStep, ObstacleStepKind
from tasks_app.selectors import obstacles_filtered, obstacles_visible_to
from tasks_app.services import assignment_transition, obstacle_answer, obstacle_record, obstacle_resolve
from tasks_app.workflow import Action
from tests.conftest import at, member
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db
DAY = date(2024, 3, 4)


def record(actor, assignment, addressee, **kwargs):
    kwargs.setdefault("kind", ObstacleKind.OBSTACLE)
    kwargs.setdefault("text", "Chưa có hướng dẫn kết nối dữ liệu dân cư.")
    with at(DAY):
        return obstacle_record(assignment=assignment, addressee=addressee, actor=actor, **kwargs)


@pytest.fixture
def raised(focal_point, assignment, other_agency):
    return record(focal_point, assignment, other_agency)


@pytest.fixture
def to_committee(focal_point, assignment):
    return record(focal_point, assignment, None, kind=ObstacleKind.PROPOSAL)


def steps(obstacle) -> list[tuple[str, str, str]]:
    return list(obstacle.steps.values_list("kind", "actor__username", "note"))


class TestRecording:
    def test_a_focal_point_raises_an_item_addressed_to_a_ministry(self, raised, focal_point, other_agency):
        assert (raised.status, raised.addressee, raised.raised_by, raised.addressee_code) == (
            ObstacleStatus.OPEN,
            other_agency,
            focal_point,
            other_agency.code,
        )
        assert steps(raised) == [(ObstacleStepKind.RECORDED, "focal", "Chưa có hướng dẫn kết nối dữ liệu dân cư.")]

    def test_an_item_addressed_to_the_committee_has_no_agency(self, to_committee):
        assert to_committee.addressee is None
        assert to_committee.addressee_code == "committee"
        assert "Ủy ban" in to_committee.addressee_name

    @pytest.mark.parametrize("who", ["leader", "other_focal_point", "staff"])
    def test_only_the_assignments_focal_points_raise_one(self, request, who, assignment, other_agency):
        with pytest.raises(ActionForbidden):
            record(request.getfixturevalue(who), assignment, other_agency)

        assert not Obstacle.objects.exists()

    def test_finished_work_has_nothing_left_to_unblock(self, focal_point, staff, assignment, other_agency):
        assignment_transition(assignment=assignment, action=Action.CANCEL, actor=staff, note="Dừng")

        with pytest.raises(TransitionNotAllowed):
            record(focal_point, assignment, other_agency)

        assert not Obstacle.objects.exists()

    def test_the_agency_may_not_address_itself(self, focal_point, assignment, agency):
        with pytest.raises(InvalidInput) as refusal:
            record(focal_point, assignment, agency)

        assert refusal.value.field == "addressee"
        assert not Obstacle.objects.exists()

    def test_an_agency_no_longer_active_is_refused(self, focal_point, assignment):
        merged = AgencyFactory(is_active=False)

        with pytest.raises(InvalidInput) as refusal:
            record(focal_point, assignment, merged)

        assert refusal.value.field == "addressee"

    @pytest.mark.parametrize(("field", "values"), [("text", {"text": "  "}), ("kind", {"kind": "complaint"})])
    def test_a_blank_text_or_an_unknown_kind_is_refused(self, focal_point, assignment, other_agency, field, values):
        with pytest.raises(InvalidInput) as refusal:
            record(focal_point, assignment, other_agency, **values)

        assert refusal.value.field == field
        assert not Obstacle.objects.exists()


class TestAnswering:
    def test_the_addressees_focal_point_answers(self, raised, other_focal_point):
        with at(date(2024, 3, 6)):
            answered = obstacle_answer(obstacle=raised, text="Đã ban hành hướng dẫn số 12.", actor=other_focal_point)

        assert (answered.status, answered.answer, answered.answered_by) == (
            ObstacleStatus.ANSWERED,
            "Đã ban hành hướng dẫn số 12.",
            other_focal_point,
        )
        assert steps(answered)[-1] == (ObstacleStepKind.ANSWERED, "other.focal", "Đã ban hành hướng dẫn số 12.")

    @pytest.mark.parametrize("who", ["focal_point", "staff", "leader"])
    def test_nobody_else_answers_an_agencys_item(self, request, who, raised):
        with pytest.raises(ActionForbidden):
            obstacle_answer(obstacle=raised, text="Trả lời", actor=request.getfixturevalue(who))

        raised.refresh_from_db()
        assert raised.status == ObstacleStatus.OPEN

    def test_committee_staff_answer_what_is_addressed_to_the_committee(self, to_committee, staff, other_focal_point):
        with pytest.raises(ActionForbidden):
            obstacle_answer(obstacle=to_committee, text="Trả lời", actor=other_focal_point)

        assert obstacle_answer(obstacle=to_committee, text="Sẽ đưa ra phiên họp.", actor=staff).status == "answered"

    def test_an_item_is_answered_once(self, raised, other_focal_point):
        obstacle_answer(obstacle=raised, text="Lần một", actor=other_focal_point)

        with pytest.raises(TransitionNotAllowed):
            obstacle_answer(obstacle=raised, text="Lần hai", actor=other_focal_point)

        raised.refresh_from_db()
        assert raised.answer == "Lần một"

    def test_a_blank_answer_is_refused(self, raised, other_focal_point):
        with pytest.raises(InvalidInput) as refusal:
            obstacle_answer(obstacle=raised, text=" ", actor=other_focal_point)

        assert refusal.value.field == "text"
        assert ObstacleStep.objects.count() == 1


class TestResolving:
    @pytest.fixture
    def answered(self, raised, other_focal_point):
        return obstacle_answer(obstacle=raised, text="Đã hướng dẫn.", actor=other_focal_point)

    def test_the_author_resolves_the_answered_item(self, answered, focal_point):
        resolved = obstacle_resolve(obstacle=answered, resolution="resolved", actor=focal_point)

        assert (resolved.status, resolved.resolved_by) == (ObstacleStatus.RESOLVED, focal_point)
        assert [kind for kind, _actor, _note in steps(resolved)] == ["recorded", "answered", "resolved"]

    def test_declined_needs_its_reason(self, answered, focal_point):
        with pytest.raises(InvalidInput) as refusal:
            obstacle_resolve(obstacle=answered, resolution="declined", actor=focal_point)

        assert refusal.value.field == "note"
        answered.refresh_from_db()
        assert answered.status == ObstacleStatus.ANSWERED

        declined = obstacle_resolve(
            obstacle=answered, resolution="declined", note="Chưa đủ kinh phí", actor=focal_point
        )
        assert (declined.status, declined.resolution_note) == (ObstacleStatus.DECLINED, "Chưa đủ kinh phí")

    def test_committee_staff_may_close_an_item_settled_at_their_meeting(self, raised, staff):
        assert obstacle_resolve(
            obstacle=raised, resolution="resolved", note="Phiên họp 3/2024", actor=staff
        ).status == (ObstacleStatus.RESOLVED)

    def test_an_unanswered_item_is_not_declined(self, raised, focal_point):
        with pytest.raises(TransitionNotAllowed):
            obstacle_resolve(obstacle=raised, resolution="declined", note="Không", actor=focal_point)

    @pytest.mark.parametrize("who", ["other_focal_point", "leader"])
    def test_the_addressee_and_the_leader_do_not_close_it(self, request, who, answered):
        with pytest.raises(ActionForbidden):
            obstacle_resolve(obstacle=answered, resolution="resolved", actor=request.getfixturevalue(who))

        answered.refresh_from_db()
        assert answered.status == ObstacleStatus.ANSWERED

    def test_a_closed_item_stays_closed(self, answered, focal_point, staff):
        obstacle_resolve(obstacle=answered, resolution="resolved", actor=focal_point)

        with pytest.raises(TransitionNotAllowed):
            obstacle_resolve(obstacle=answered, resolution="declined", note="Không", actor=staff)

    def test_an_unknown_resolution_is_refused(self, answered, focal_point):
        with pytest.raises(InvalidInput) as refusal:
            obstacle_resolve(obstacle=answered, resolution="maybe", actor=focal_point)

        assert refusal.value.field == "resolution"

    def test_steps_are_never_changed(self, raised):
        step = raised.steps.get()
        step.note = "Sửa"

        with pytest.raises(TypeError):
            step.save()


class TestWhoSeesWhat:
    def test_staff_see_all_agencies_see_theirs_and_the_ones_addressed_to_them(
        self, raised, staff, focal_point, leader, other_focal_point
    ):
        bystander = member(AgencyFactory(), "focal_point", "bystander")

        def seen(user):
            return list(obstacles_visible_to(roles=user_roles(user)))

        assert seen(staff) == seen(focal_point) == seen(leader) == seen(other_focal_point) == [raised]
        assert seen(bystander) == []

    def test_filters_by_status_kind_addressee_agency_and_plan(self, raised, to_committee, assignment, other_agency):
        everything = obstacles_visible_to(roles=user_roles(raised.raised_by))
        plan = assignment.task.plan.code

        assert list(obstacles_filtered(everything, addressee="committee")) == [to_committee]
        assert list(obstacles_filtered(everything, addressee=other_agency.code)) == [raised]
        assert list(obstacles_filtered(everything, kind="proposal")) == [to_committee]
        assert list(obstacles_filtered(everything, status="answered")) == []
        assert list(obstacles_filtered(everything, agency=assignment.agency.code, plan=plan)) == [raised, to_committee]
        assert list(obstacles_filtered(everything, plan="OTHER")) == []

    def test_each_item_carries_its_age(self, raised, focal_point):
        with at(date(2024, 3, 14)):
            [item] = obstacles_visible_to(roles=user_roles(focal_point))

        assert item.age.days == 10
