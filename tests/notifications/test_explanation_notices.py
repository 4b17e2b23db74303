"""Explanation requests tell the agency's focal points at once, an answer tells the staff
who asked, a decision tells the agency; one entry per assignment, so the digest links each."""

from datetime import date

from django.core import mail

from notifications.models import Notification, NotificationKind
from notifications.services import digests_send
from tasks_app.models import ReasonKind
from tasks_app.services import (
    ExplanationAnswer,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
)
from tests.conftest import at, member

LATE_FRIDAY = date(2024, 7, 5)


def told(kind) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "note"))


def ask(staff, agency, assignment):
    with at(LATE_FRIDAY):
        return explanation_request_create(
            agency=agency, assignments=[assignment], actor=staff, message="Đề nghị giải trình."
        )


def answer(request, focal_point, assignment):
    with at(LATE_FRIDAY):
        explanation_request_answer(
            request=request,
            actor=focal_point,
            answers=[ExplanationAnswer(assignment=assignment.pk, reason_kind=ReasonKind.FUNDING)],
        )


def test_a_request_tells_every_focal_point_of_the_agency_and_nobody_else(
    assignment, agency, staff, other_staff, leader, other_focal_point
):
    member(agency, "focal_point", "focal2")

    ask(staff, agency, assignment)

    assert told(NotificationKind.EXPLAIN_REQUESTED) == [
        ("focal", "Đề nghị giải trình. Hạn giải trình: 12/07/2024."),
        ("focal2", "Đề nghị giải trình. Hạn giải trình: 12/07/2024."),
    ]


def test_the_request_is_e_mailed_at_once_with_a_link_to_the_assignment(assignment, agency, staff, focal_point):
    ask(staff, agency, assignment)

    digests_send(recipient_ids=[focal_point.pk])

    [message] = mail.outbox
    assert message.to == [focal_point.email]
    assert "Đề nghị giải trình." in message.body
    assert f"/assignments/{assignment.pk}/" in message.body


def test_an_answer_tells_the_staff_who_asked(assignment, agency, staff, other_staff, focal_point):
    request = ask(staff, agency, assignment)

    answer(request, focal_point, assignment)

    assert [who for who, _ in told(NotificationKind.EXPLAIN_ANSWERED)] == ["staff"]


def test_a_second_answer_after_asking_again_tells_both_staff(assignment, agency, staff, other_staff, focal_point):
    request = ask(staff, agency, assignment)
    answer(request, focal_point, assignment)
    with at(LATE_FRIDAY):
        explanation_request_decide(request=request, decision="ask_again", actor=other_staff, note="Nêu rõ hơn.")

    answer(request, focal_point, assignment)

    assert [who for who, _ in told(NotificationKind.EXPLAIN_ANSWERED)] == ["staff", "staff", "staff2"]


def test_asking_again_tells_the_focal_points_why_and_by_when(assignment, agency, staff, focal_point):
    request = ask(staff, agency, assignment)
    answer(request, focal_point, assignment)

    with at(date(2024, 7, 8)):
        explanation_request_decide(request=request, decision="ask_again", actor=staff, note="Nêu rõ hơn.")

    assert told(NotificationKind.EXPLAIN_DECIDED) == [
        ("focal", "Yêu cầu giải trình lại: Nêu rõ hơn. Hạn giải trình: 15/07/2024.")
    ]


def test_an_acceptance_tells_the_focal_points(assignment, agency, staff, focal_point):
    request = ask(staff, agency, assignment)
    answer(request, focal_point, assignment)

    explanation_request_decide(request=request, decision="accept", actor=staff)

    assert told(NotificationKind.EXPLAIN_DECIDED) == [("focal", "Giải trình được chấp nhận.")]
