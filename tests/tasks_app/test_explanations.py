"""Explanation requests for overdue work: who asks, who answers, who decides, what each
refusal leaves unchanged, and the answer date on the working-day calendar."""

from datetime import date

import pytest
from django.test import override_settings

from agencies.selectors import user_roles
from core.errors import ActionForbidden, InvalidInput, TransitionNotAllowed
from tasks_app.models import (
    AssignmentRole,
    ExplanationItem,
    ExplanationRequest,
    ExplanationStatus,
    ExplanationStepKind,
    ReasonKind,
    Status,
)
from tasks_app.selectors import explanation_requests_filtered, explanation_requests_visible_to
from tasks_app.services import (
    ExplanationAnswer,
    assignment_create,
    assignment_transition,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
    explanation_requests_create_by_agency,
)
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
# A Friday after the assignment fixture's deadline (30/6/2024).
LATE_FRIDAY = date(2024, 7, 5)


def ask(staff, agency, assignments, **kwargs):
    kwargs.setdefault("message", "Đề nghị giải trình lý do chậm.")
    with at(LATE_FRIDAY):
        return explanation_request_create(agency=agency, assignments=assignments, actor=staff, **kwargs)


def answer_for(assignment, **kwargs):
    kwargs.setdefault("reason_kind", ReasonKind.FUNDING)
    kwargs.setdefault("reason", "Chưa được cấp kinh phí.")
    return ExplanationAnswer(assignment=assignment.pk, **kwargs)


@pytest.fixture
def asked(staff, agency, assignment):
    return ask(staff, agency, [assignment])


def answered(request, focal_point, assignment, day=LATE_FRIDAY, **kwargs):
    with at(day):
        return explanation_request_answer(
            request=request, actor=focal_point, answers=[answer_for(assignment, **kwargs)]
        )


class TestAsking:
    def test_staff_ask_and_the_answer_is_due_five_working_days_later(self, asked, assignment, staff):
        assert (asked.status, asked.answer_due_on, asked.created_by) == (
            ExplanationStatus.OPEN,
            date(2024, 7, 12),
            staff,
        )
        assert [item.assignment for item in asked.items.all()] == [assignment]
        assert list(asked.steps.values_list("kind", "actor", "answer_due_on")) == [
            (ExplanationStepKind.REQUESTED, staff.pk, date(2024, 7, 12))
        ]

    def test_the_default_answer_date_skips_public_holidays(self, staff, agency, task, focal_point):
        with at(date(2024, 1, 15)):
            late = assignment_create(task=TaskFactory(due_on=date(2024, 8, 1)), agency=agency, role=AssignmentRole.LEAD)
        with at(date(2024, 8, 30)):
            request = explanation_request_create(agency=agency, assignments=[late], actor=staff, message="Giải trình")

        # 2 and 3 September 2024 are the National Day holiday.
        assert request.answer_due_on == date(2024, 9, 10)

    def test_the_number_of_working_days_is_a_setting(self, staff, agency, assignment):
        with override_settings(TRACKER_EXPLANATION_ANSWER_DAYS=2):
            request = ask(staff, agency, [assignment])

        assert request.answer_due_on == date(2024, 7, 9)

    def test_staff_may_set_the_answer_date(self, staff, agency, assignment):
        request = ask(staff, agency, [assignment], answer_due_on=date(2024, 7, 20))

        assert request.answer_due_on == date(2024, 7, 20)

    def test_an_answer_date_in_the_past_is_refused(self, staff, agency, assignment):
        with pytest.raises(InvalidInput) as refusal:
            ask(staff, agency, [assignment], answer_due_on=date(2024, 7, 4))

        assert refusal.value.field == "answer_due_on"
        assert not ExplanationRequest.objects.exists()

    @pytest.mark.parametrize("who", ["focal_point", "leader"])
    def test_only_committee_staff_ask(self, request, who, agency, assignment):
        with pytest.raises(ActionForbidden):
            ask(request.getfixturevalue(who), agency, [assignment])

        assert not ExplanationRequest.objects.exists()

    def test_a_blank_message_is_refused(self, staff, agency, assignment):
        with pytest.raises(InvalidInput) as refusal:
            ask(staff, agency, [assignment], message="   ")

        assert refusal.value.field == "message"
        assert not ExplanationRequest.objects.exists()

    def test_a_request_lists_at_least_one_assignment(self, staff, agency):
        with pytest.raises(InvalidInput) as refusal:
            ask(staff, agency, [])

        assert refusal.value.field == "assignments"

    def test_another_agencys_assignment_is_refused_by_its_number(self, staff, other_agency, assignment):
        with pytest.raises(InvalidInput) as refusal:
            ask(staff, other_agency, [assignment])

        task = f"{assignment.task.plan.code} #{assignment.task.number}"
        assert refusal.value.field == "assignments"
        assert refusal.value.message == f"{task}: không thuộc cơ quan được yêu cầu giải trình."
        assert not ExplanationRequest.objects.exists()
        assert not ExplanationItem.objects.exists()

    def test_work_not_yet_overdue_is_refused(self, staff, agency, assignment):
        with at(date(2024, 6, 30)), pytest.raises(InvalidInput) as refusal:
            explanation_request_create(agency=agency, assignments=[assignment], actor=staff, message="Giải trình")

        assert "không phải nhiệm vụ đang quá hạn" in refusal.value.message
        assert not ExplanationRequest.objects.exists()

    def test_reported_work_is_refused(self, staff, agency, assignment, focal_point):
        with at(LATE_FRIDAY):
            assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

        with pytest.raises(InvalidInput):
            ask(staff, agency, [assignment])

        assert not ExplanationRequest.objects.exists()

    def test_work_without_a_deadline_is_refused(self, staff, agency, assignment):
        assignment.due_on = None
        assignment.save()

        with pytest.raises(InvalidInput):
            ask(staff, agency, [assignment])

    def test_an_assignment_with_an_unfinished_request_is_not_asked_twice(self, asked, staff, agency, assignment):
        with pytest.raises(InvalidInput) as refusal:
            ask(staff, agency, [assignment])

        assert "đã có một yêu cầu giải trình chưa kết thúc" in refusal.value.message
        assert ExplanationRequest.objects.count() == 1

    def test_one_request_lists_several_of_the_agencys_assignments(self, staff, agency, assignment):
        with at(date(2024, 1, 15)):
            second = assignment_create(task=TaskFactory(due_on=date(2024, 5, 31)), agency=agency, role="lead")

        request = ask(staff, agency, [assignment, second])

        assert set(request.items.values_list("assignment", flat=True)) == {assignment.pk, second.pk}


class TestAnswering:
    def test_the_focal_point_answers_every_item_and_the_deadline_stays(self, asked, focal_point, assignment):
        answered(
            asked,
            focal_point,
            assignment,
            reason_kind=ReasonKind.DEPENDENCY,
            reason="  Chờ dữ liệu của Bộ Y tế. ",
            difficulties="Chưa có API kết nối.",
            committed_on=date(2024, 8, 15),
        )

        asked.refresh_from_db()
        item = asked.items.get()
        assignment.refresh_from_db()
        assert asked.status == ExplanationStatus.ANSWERED
        assert (item.reason_kind, item.reason, item.difficulties, item.committed_on, item.answered_by) == (
            ReasonKind.DEPENDENCY,
            "Chờ dữ liệu của Bộ Y tế.",
            "Chưa có API kết nối.",
            date(2024, 8, 15),
            focal_point,
        )
        assert assignment.due_on == date(2024, 6, 30)
        step = asked.steps.get(kind=ExplanationStepKind.ANSWERED)
        assert step.actor == focal_point
        assert "Phụ thuộc cơ quan khác" in step.note
        assert "15/08/2024" in step.note

    @pytest.mark.parametrize("who", ["leader", "staff", "other_focal_point"])
    def test_only_the_agencys_focal_points_answer(self, request, who, asked, assignment):
        with pytest.raises(ActionForbidden):
            answered(asked, request.getfixturevalue(who), assignment)

        asked.refresh_from_db()
        assert asked.status == ExplanationStatus.OPEN
        assert asked.items.get().reason_kind == ""

    def test_the_reason_kind_is_required(self, asked, focal_point, assignment):
        with pytest.raises(InvalidInput) as refusal:
            answered(asked, focal_point, assignment, reason_kind="")

        assert refusal.value.field == "items"
        assert "cần chọn nguyên nhân" in refusal.value.message
        asked.refresh_from_db()
        assert asked.status == ExplanationStatus.OPEN

    def test_a_committed_date_in_the_past_is_refused(self, asked, focal_point, assignment):
        with pytest.raises(InvalidInput) as refusal:
            answered(asked, focal_point, assignment, committed_on=date(2024, 7, 4))

        assert "ngày cam kết hoàn thành đã qua" in refusal.value.message
        assert asked.items.get().committed_on is None

    def test_every_item_must_be_answered(self, staff, agency, assignment, focal_point):
        with at(date(2024, 1, 15)):
            second = assignment_create(task=TaskFactory(due_on=date(2024, 5, 31)), agency=agency, role="lead")
        request = ask(staff, agency, [assignment, second])

        with pytest.raises(InvalidInput) as refusal:
            answered(request, focal_point, assignment)

        assert "chưa có nội dung giải trình" in refusal.value.message
        assert not request.items.exclude(reason_kind="").exists()

    def test_an_assignment_not_in_the_request_is_refused(self, asked, focal_point, assignment):
        with pytest.raises(InvalidInput):
            explanation_request_answer(
                request=asked,
                actor=focal_point,
                answers=[answer_for(assignment), ExplanationAnswer(assignment=0, reason_kind=ReasonKind.OTHER)],
            )

        asked.refresh_from_db()
        assert asked.status == ExplanationStatus.OPEN

    def test_an_answered_request_is_not_answered_again(self, asked, focal_point, assignment):
        answered(asked, focal_point, assignment)

        with pytest.raises(TransitionNotAllowed):
            answered(asked, focal_point, assignment, reason_kind=ReasonKind.OTHER)

        assert asked.items.get().reason_kind == ReasonKind.FUNDING


class TestDeciding:
    def test_staff_accept_an_answer(self, asked, focal_point, assignment, other_staff):
        answered(asked, focal_point, assignment)

        with at(date(2024, 7, 8)):
            explanation_request_decide(request=asked, decision="accept", actor=other_staff)

        asked.refresh_from_db()
        assert (asked.status, asked.decided_by, asked.decision_note) == (
            ExplanationStatus.ACCEPTED,
            other_staff,
            "",
        )
        assert list(asked.steps.values_list("kind", flat=True)) == [
            ExplanationStepKind.REQUESTED,
            ExplanationStepKind.ANSWERED,
            ExplanationStepKind.ACCEPTED,
        ]

    def test_asking_again_reopens_with_a_new_answer_date_and_a_new_answer_is_taken(
        self, asked, focal_point, assignment, staff
    ):
        answered(asked, focal_point, assignment)

        with at(date(2024, 7, 8)):
            explanation_request_decide(
                request=asked, decision="ask_again", actor=staff, note="Nêu rõ cơ quan nào chưa cấp kinh phí."
            )

        asked.refresh_from_db()
        assert (asked.status, asked.answer_due_on, asked.asked_again_count) == (
            ExplanationStatus.OPEN,
            date(2024, 7, 15),
            1,
        )
        step = asked.steps.get(kind=ExplanationStepKind.ASKED_AGAIN)
        assert (step.note, step.answer_due_on) == ("Nêu rõ cơ quan nào chưa cấp kinh phí.", date(2024, 7, 15))
        answered(asked, focal_point, assignment, day=date(2024, 7, 9), reason="Sở Tài chính chưa cấp.")
        asked.refresh_from_db()
        assert asked.status == ExplanationStatus.ANSWERED
        assert asked.steps.filter(kind=ExplanationStepKind.ANSWERED).count() == 2

    def test_asking_again_needs_a_note(self, asked, focal_point, assignment, staff):
        answered(asked, focal_point, assignment)

        with pytest.raises(InvalidInput) as refusal:
            explanation_request_decide(request=asked, decision="ask_again", actor=staff, note="  ")

        assert refusal.value.field == "note"
        asked.refresh_from_db()
        assert (asked.status, asked.asked_again_count) == (ExplanationStatus.ANSWERED, 0)

    def test_an_unknown_decision_is_refused(self, asked, focal_point, assignment, staff):
        answered(asked, focal_point, assignment)

        with pytest.raises(InvalidInput) as refusal:
            explanation_request_decide(request=asked, decision="approve", actor=staff)

        assert refusal.value.field == "decision"

    def test_an_open_request_cannot_be_decided(self, asked, staff):
        with pytest.raises(TransitionNotAllowed):
            explanation_request_decide(request=asked, decision="accept", actor=staff)

        asked.refresh_from_db()
        assert asked.status == ExplanationStatus.OPEN

    @pytest.mark.parametrize("who", ["focal_point", "leader"])
    def test_only_committee_staff_decide(self, request, who, asked, focal_point, assignment):
        answered(asked, focal_point, assignment)

        with pytest.raises(ActionForbidden):
            explanation_request_decide(request=asked, decision="accept", actor=request.getfixturevalue(who))

        asked.refresh_from_db()
        assert asked.status == ExplanationStatus.ANSWERED


class TestLists:
    def test_an_open_request_past_its_answer_date_is_late(self, asked, staff):
        roles = user_roles(staff)
        with at(date(2024, 7, 12)):
            assert not explanation_requests_visible_to(roles=roles).get().is_late
            assert list(explanation_requests_filtered(explanation_requests_visible_to(roles=roles), status="open"))
        with at(date(2024, 7, 15)):
            requests = explanation_requests_visible_to(roles=roles)
            assert requests.get().is_late
            assert list(explanation_requests_filtered(requests, status="late")) == [asked]
            assert not explanation_requests_filtered(requests, status="open").exists()

    def test_an_agencys_people_see_only_their_own(self, asked, leader, other_focal_point):
        assert list(explanation_requests_visible_to(roles=user_roles(leader))) == [asked]
        assert not explanation_requests_visible_to(roles=user_roles(other_focal_point)).exists()

    def test_the_work_stays_overdue_whatever_was_committed(self, asked, focal_point, assignment):
        answered(asked, focal_point, assignment, committed_on=date(2024, 9, 30))

        assignment.refresh_from_db()
        assert (assignment.status, assignment.due_on) == (Status.NOT_STARTED, date(2024, 6, 30))


def test_a_selection_is_asked_agency_by_agency_and_a_refused_agency_leaves_the_others_asked(
    staff, agency, other_agency, assignment
):
    with at(date(2024, 1, 15)):
        theirs = assignment_create(
            task=TaskFactory(due_on=date(2024, 6, 30)), agency=other_agency, role=AssignmentRole.LEAD
        )
        not_yet_due = assignment_create(
            task=TaskFactory(due_on=date(2024, 12, 31)), agency=other_agency, role=AssignmentRole.LEAD
        )
    with at(LATE_FRIDAY):
        outcome = explanation_requests_create_by_agency(
            assignments=[assignment, theirs, not_yet_due], message="Đề nghị giải trình.", actor=staff
        )

    assert [(made.agency, assignments) for made, assignments in outcome.made] == [(agency, [assignment])]
    [(refused_agency, refused, reason)] = outcome.refused
    assert (refused_agency, refused) == (other_agency, [theirs, not_yet_due])
    assert "không phải nhiệm vụ đang quá hạn" in reason
    assert ExplanationRequest.objects.get().agency == agency


def test_a_selection_is_refused_whole_before_anything_is_sent(staff, focal_point, agency, assignment):
    with at(LATE_FRIDAY), pytest.raises(ActionForbidden):
        explanation_requests_create_by_agency(assignments=[assignment], message="Giải trình", actor=focal_point)
    with at(LATE_FRIDAY), pytest.raises(InvalidInput) as no_message:
        explanation_requests_create_by_agency(assignments=[assignment], message=" ", actor=staff)
    with at(LATE_FRIDAY), pytest.raises(InvalidInput) as past:
        explanation_requests_create_by_agency(
            assignments=[assignment], message="Giải trình", actor=staff, answer_due_on=date(2024, 7, 1)
        )
    with at(LATE_FRIDAY), pytest.raises(InvalidInput) as empty:
        explanation_requests_create_by_agency(assignments=[], message="Giải trình", actor=staff)

    assert (no_message.value.field, past.value.field, empty.value.field) == ("message", "answer_due_on", "assignments")
    assert not ExplanationRequest.objects.exists()
