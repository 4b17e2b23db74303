"""Explanation requests on the assignment page: staff ask on overdue work, the agency's
focal point answers, staff accept or ask again; refused forms keep what was typed."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from tasks_app.models import ExplanationRequest, ExplanationStatus, ReasonKind
from tasks_app.services import (
    ExplanationAnswer,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
)
from tests.conftest import at

pytestmark = pytest.mark.django_db
# After the assignment fixture's deadline, 30/6/2024.
TODAY = date(2024, 7, 10)


def get(client, assignment):
    with at(TODAY):
        return client.get(reverse("assignment_detail", args=[assignment.pk]))


def post(client, assignment, act, **data):
    with at(TODAY):
        return client.post(reverse("assignment_detail_act", args=[assignment.pk, act]), data, follow=True)


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def asked(assignment, agency, staff):
    with at(TODAY):
        return explanation_request_create(
            agency=agency, assignments=[assignment], actor=staff, message="Đề nghị giải trình lý do chậm."
        )


@pytest.fixture
def answered(asked, assignment, focal_point):
    with at(TODAY):
        explanation_request_answer(
            request=asked,
            actor=focal_point,
            answers=[
                ExplanationAnswer(
                    assignment=assignment.pk,
                    reason_kind=ReasonKind.LEGAL_BASIS,
                    reason="Chờ Nghị định hướng dẫn.",
                    committed_on=date(2024, 9, 30),
                )
            ],
        )
    return asked


def test_staff_ask_from_the_page_of_overdue_work(client, staff, assignment):
    client.force_login(staff)
    assert 'id="act-explain_ask"' in get(client, assignment).content.decode()

    response = post(client, assignment, "explain_ask", message="Đề nghị giải trình lý do chậm.")

    assert response.status_code == 200
    page = text(response)
    assert "đã gửi yêu cầu giải trình" in page
    assert "Đề nghị giải trình lý do chậm." in page
    assert "Hạn giải trình: 17/07/2024" in page
    request = ExplanationRequest.objects.get()
    assert [item.assignment for item in request.items.all()] == [assignment]
    # One request under way at a time: the form is no longer offered.
    assert 'id="act-explain_ask"' not in response.content.decode()


def test_the_ask_form_is_not_offered_before_the_deadline_or_to_the_agency(client, staff, focal_point, assignment):
    client.force_login(staff)
    with at(date(2024, 6, 30)):
        on_the_deadline = client.get(reverse("assignment_detail", args=[assignment.pk]))
    assert 'id="act-explain_ask"' not in on_the_deadline.content.decode()
    client.force_login(focal_point)
    assert 'id="act-explain_ask"' not in get(client, assignment).content.decode()


def test_a_refused_request_keeps_the_typed_text_and_shows_the_error_beside_its_field(client, staff, assignment):
    client.force_login(staff)

    response = post(client, assignment, "explain_ask", message="Giải trình gấp", answer_due_on="2024-07-01")

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r">\s*Giải trình gấp</textarea>", html)
    assert re.search(r'id="explain_ask_answer_due_on_error"><li>Hạn giải trình đã qua', html)
    assert '<a href="#explain_ask_answer_due_on">' in html
    assert not ExplanationRequest.objects.exists()


def test_the_focal_point_answers_and_the_committed_date_shows_beside_the_deadline(
    client, focal_point, assignment, asked
):
    client.force_login(focal_point)

    response = post(
        client,
        assignment,
        "explain_answer",
        request=asked.pk,
        reason_kind="funding",
        reason="Chưa được cấp kinh phí.",
        difficulties="Thủ tục phân bổ kéo dài.",
        committed_on="2024-09-30",
    )

    assert response.status_code == 200
    page = text(response)
    assert "đã gửi giải trình" in page
    assert "Kinh phí: Chưa được cấp kinh phí." in page
    assert "cơ quan cam kết hoàn thành trước 30/09/2024 (theo giải trình; thời hạn không đổi)" in page
    assert "30/06/2024" in response.content.decode().split('id="due-on"')[1].split("</dd>")[0]
    asked.refresh_from_db()
    assert asked.status == ExplanationStatus.ANSWERED


def test_an_answer_without_a_reason_kind_is_refused_with_what_was_typed(client, focal_point, assignment, asked):
    client.force_login(focal_point)

    response = post(client, assignment, "explain_answer", request=asked.pk, reason="Đang chờ")

    assert response.status_code == 400
    assert re.search(r">\s*Đang chờ</textarea>", response.content.decode())
    assert 'id="explain_answer_reason_kind_error"' in response.content.decode()
    asked.refresh_from_db()
    assert asked.status == ExplanationStatus.OPEN


def test_a_late_request_reads_as_late(client, staff, assignment, asked):
    client.force_login(staff)

    with at(date(2024, 7, 18)):
        page = text(client.get(reverse("assignment_detail", args=[assignment.pk])))

    assert "Quá hạn giải trình" in page


def test_staff_ask_again_with_a_note_and_the_history_shows_each_step(client, staff, assignment, answered):
    client.force_login(staff)
    refused = post(client, assignment, "explain_decide", request=answered.pk, decision="ask_again", note=" ")
    assert refused.status_code == 400
    assert 'id="explain_decide_note_error"' in refused.content.decode()

    response = post(
        client, assignment, "explain_decide", request=answered.pk, decision="ask_again", note="Nêu số văn bản."
    )

    assert response.status_code == 200
    history = response.content.decode().split('id="history"')[1]
    for step in ("Yêu cầu giải trình lại", "Giải trình", "Yêu cầu giải trình"):
        assert f'href="#explanation-{answered.pk}">{step}</a>' in history
    answered.refresh_from_db()
    assert (answered.status, answered.asked_again_count) == (ExplanationStatus.OPEN, 1)


def test_a_request_of_another_assignment_is_refused(client, staff, assignment, answered):
    client.force_login(staff)

    response = post(client, assignment, "explain_decide", request=answered.pk + 1, decision="accept")

    assert response.status_code == 400
    answered.refresh_from_db()
    assert answered.status == ExplanationStatus.ANSWERED


def test_the_page_reads_the_explanations_in_a_fixed_number_of_queries(
    client, staff, assignment, answered, django_assert_max_num_queries
):
    client.force_login(staff)
    get(client, assignment)
    with django_assert_max_num_queries(30) as one:
        get(client, assignment)
    with at(TODAY):
        explanation_request_decide(request=answered, decision="ask_again", actor=staff, note="Thêm")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert "Thêm" in text(get(client, assignment))
