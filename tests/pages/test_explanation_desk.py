"""The explanations page: committee staff review the answers, the oldest first, and accept
or ask again; an agency's focal points see their requests, the open ones first, and answer
a whole request in one form; the header counts what waits for each of them."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from agencies.models import AgencyKind
from tasks_app.models import AssignmentRole, ExplanationStatus, ReasonKind
from tasks_app.selectors import explanation_request_counts
from tasks_app.services import (
    ExplanationAnswer,
    assignment_create,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
)
from tests.conftest import at
from tests.factories import AgencyFactory, PlanFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db
# After the deadlines below, 30/6/2024.
TODAY = date(2024, 7, 10)
DESK = reverse("explanations")


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def get(client, query=""):
    with at(TODAY):
        return client.get(f"{DESK}?{query}" if query else DESK)


def post(client, url, data, query=""):
    with at(TODAY):
        return client.post(f"{url}?{query}" if query else url, data, follow=True)


def overdue(agency, number, *, plan=None, title=None):
    task = TaskFactory(
        plan=plan or PlanFactory(code="DA06-2024"),
        number=number,
        title=title or f"Việc {number}",
        due_on=date(2024, 6, 30),
    )
    with at(date(2024, 1, 15)):
        return assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD)


def ask(staff, agency, assignments, *, day=TODAY, message="Đề nghị giải trình lý do chậm."):
    with at(day):
        return explanation_request_create(agency=agency, assignments=assignments, actor=staff, message=message)


def answer(request, focal_point, *, day=TODAY, reason="Chờ Nghị định hướng dẫn."):
    answers = [
        ExplanationAnswer(assignment=item.assignment_id, reason_kind=ReasonKind.LEGAL_BASIS, reason=reason)
        for item in request.items.all()
    ]
    with at(day):
        return explanation_request_answer(request=request, answers=answers, actor=focal_point)


def row_ids(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'<article class="card desk-request[^"]*" id="request-(\d+)"', response.content.decode())
    ]


@pytest.fixture
def desk(agency, other_agency, staff, focal_point, other_focal_point):
    """Four requests in each state, asked in turn: one answered long ago, one answered
    lately, one late (its answer date passed), one open in time, one accepted."""
    answered_early = ask(staff, agency, [overdue(agency, 1)], day=date(2024, 7, 1))
    answer(answered_early, focal_point, day=date(2024, 7, 2))
    answered_late = ask(staff, other_agency, [overdue(other_agency, 2)], day=date(2024, 7, 1))
    answer(answered_late, other_focal_point, day=date(2024, 7, 5))
    late = ask(staff, agency, [overdue(agency, 3), overdue(agency, 4)], day=date(2024, 7, 1))
    open_ = ask(staff, other_agency, [overdue(other_agency, 5)], day=date(2024, 7, 9))
    accepted = ask(staff, agency, [overdue(agency, 6)], day=date(2024, 7, 1))
    answer(accepted, focal_point, day=date(2024, 7, 2))
    with at(date(2024, 7, 3)):
        explanation_request_decide(request=accepted, decision="accept", actor=staff)
    return {
        "answered_early": answered_early,
        "answered_late": answered_late,
        "late": late,
        "open": open_,
        "accepted": accepted,
    }


def test_staff_see_the_answers_to_review_first_the_oldest_first_then_late_open_and_accepted(client, staff, desk):
    client.force_login(staff)

    response = get(client)

    assert response.status_code == 200
    order = ["answered_early", "answered_late", "late", "open", "accepted"]
    assert row_ids(response) == [desk[name].pk for name in order]
    page = text(response)
    assert "5 yêu cầu giải trình." in page
    # 1/7 plus five working days is 8/7: two days late on 10/7.
    assert "Hạn giải trình 08/07/2024" in page
    assert "Quá hạn giải trình 2 ngày" in page
    assert "Chờ Nghị định hướng dẫn." in page
    html = response.content.decode()
    late_row = html.split(f'id="request-{desk["late"].pk}"')[1].split("</article>")[0]
    for item in desk["late"].items.all():
        assert f'<a href="{reverse("assignment_detail", args=[item.assignment_id])}">DA06-2024 #' in late_row


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("answered", ["answered_early", "answered_late"]),
        ("late", ["late"]),
        ("open", ["open"]),
        ("accepted", ["accepted"]),
    ],
)
def test_each_tab_lists_its_requests_with_its_count(client, staff, desk, status, expected):
    client.force_login(staff)

    response = get(client, f"status={status}")

    assert row_ids(response) == [desk[name].pk for name in expected]
    assert re.search(rf'aria-current="page">[^<]*\({len(expected)}\)</a>', response.content.decode())


def test_staff_narrow_by_agency_plan_and_kind_of_agency(client, staff, agency, other_agency, desk):
    client.force_login(staff)
    assert row_ids(get(client, f"agency={other_agency.code}")) == [desk["answered_late"].pk, desk["open"].pk]

    other_plan = PlanFactory(code="CDS-2024")
    elsewhere = ask(staff, agency, [overdue(agency, 1, plan=other_plan)])
    assert row_ids(get(client, "plan=CDS-2024")) == [elsewhere.pk]

    province = AgencyFactory(kind=AgencyKind.PROVINCE)
    in_province = ask(staff, province, [overdue(province, 9)])
    assert row_ids(get(client, "kind=province")) == [in_province.pk]


def test_an_unknown_filter_value_is_a_clear_400(client, staff, desk):
    client.force_login(staff)

    response = get(client, "status=lost&agency=NOPE")

    assert response.status_code == 400
    page = text(response)
    assert "Không có danh sách này." in page
    assert "Không có cơ quan với mã này." in page


def test_a_long_list_is_paged_with_its_total(client, staff, desk, monkeypatch):
    monkeypatch.setattr("tasks_app.views.explanations.PER_PAGE", 2)
    client.force_login(staff)

    second = get(client, "page=2")

    assert row_ids(second) == [desk["late"].pk, desk["open"].pk]
    assert "Yêu cầu 3–4 trong tổng số 5." in text(second)
    assert 'href="?page=3" rel="next"' in second.content.decode()


def test_the_focal_point_sees_only_the_agency_s_requests_the_open_ones_first(client, focal_point, desk):
    client.force_login(focal_point)

    response = get(client)

    assert row_ids(response) == [desk["late"].pk, desk["answered_early"].pk, desk["accepted"].pk]
    html = response.content.decode()
    assert f'id="answer-{desk["late"].pk}"' in html
    assert 'id="review-' not in html
    # One agency: nothing to choose among, and no kind of agency.
    assert 'id="filter_agency"' not in html
    assert 'id="filter_kind"' not in html


def test_someone_without_a_role_is_refused_and_a_stranger_is_sent_to_log_in(client, desk):
    client.force_login(UserFactory(username="nobody"))
    assert get(client).status_code == 403
    client.logout()
    assert get(client).status_code == 302


def test_the_focal_point_answers_every_assignment_of_a_request_in_one_form(client, focal_point, desk):
    late = desk["late"]
    first, second = (item.assignment_id for item in late.items.all())
    client.force_login(focal_point)

    response = post(
        client,
        reverse("explanation_answer", args=[late.pk]),
        {
            f"{first}-reason_kind": "funding",
            f"{first}-reason": "Chưa được cấp kinh phí.",
            f"{first}-committed_on": "2024-09-30",
            f"{second}-reason_kind": "dependency",
            f"{second}-difficulties": "Chờ Bộ Công an mở API.",
        },
        query="status=late",
    )

    assert response.redirect_chain[-1][0] == f"{DESK}?status=late"
    page = text(response)
    assert "đã gửi giải trình, chờ Tổ giúp việc xem xét" in page
    late.refresh_from_db()
    assert late.status == ExplanationStatus.ANSWERED
    answers = {item.assignment_id: item for item in late.items.all()}
    assert (answers[first].reason_kind, answers[first].committed_on) == ("funding", date(2024, 9, 30))
    assert (answers[second].reason_kind, answers[second].difficulties) == ("dependency", "Chờ Bộ Công an mở API.")


def test_an_answer_missing_a_reason_kind_comes_back_with_the_typed_text_and_the_error_beside_it(
    client, focal_point, desk
):
    late = desk["late"]
    first, second = (item.assignment_id for item in late.items.all())
    client.force_login(focal_point)

    response = post(
        client,
        reverse("explanation_answer", args=[late.pk]),
        {f"{first}-reason_kind": "funding", f"{second}-reason": "Đang chờ ý kiến"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r">\s*Đang chờ ý kiến</textarea>", html)
    assert f'id="r{late.pk}_{second}-reason_kind_error"' in html
    assert f'<a href="#r{late.pk}_{second}-reason_kind">' in html
    late.refresh_from_db()
    assert late.status == ExplanationStatus.OPEN


def test_a_committed_date_already_past_is_refused_by_the_service_and_named_on_the_form(client, focal_point, desk):
    late = desk["late"]
    first, second = (item.assignment_id for item in late.items.all())
    client.force_login(focal_point)

    response = post(
        client,
        reverse("explanation_answer", args=[late.pk]),
        {f"{first}-reason_kind": "funding", f"{first}-committed_on": "2024-07-01", f"{second}-reason_kind": "other"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'id="answer-{late.pk}-error"><li>DA06-2024 #3: ngày cam kết hoàn thành đã qua', html)
    late.refresh_from_db()
    assert late.status == ExplanationStatus.OPEN


def test_answering_another_agency_s_request_is_not_found_and_a_leader_may_not_answer(
    client, other_focal_point, leader, desk
):
    late = desk["late"]
    first, second = (item.assignment_id for item in late.items.all())
    data = {f"{first}-reason_kind": "funding", f"{second}-reason_kind": "funding"}
    client.force_login(other_focal_point)
    assert post(client, reverse("explanation_answer", args=[late.pk]), data).status_code == 404

    client.force_login(leader)
    assert f'id="answer-{late.pk}"' not in get(client).content.decode()
    refused = post(client, reverse("explanation_answer", args=[late.pk]), data)
    assert refused.status_code == 403
    assert "Chỉ đầu mối của cơ quan được yêu cầu mới giải trình được." in text(refused)
    late.refresh_from_db()
    assert late.status == ExplanationStatus.OPEN


def test_staff_accept_an_answer_from_the_page(client, staff, desk):
    answered = desk["answered_early"]
    client.force_login(staff)

    response = post(
        client, reverse("explanation_review", args=[answered.pk]), {"decision": "accept"}, query="status=answered"
    )

    assert response.redirect_chain[-1][0] == f"{DESK}?status=answered"
    assert "đã chấp nhận giải trình" in text(response)
    assert row_ids(response) == [desk["answered_late"].pk]
    answered.refresh_from_db()
    assert (answered.status, answered.decided_by) == (ExplanationStatus.ACCEPTED, staff)


def test_asking_again_without_a_note_comes_back_with_the_choice_kept_and_the_error_beside_the_note(client, staff, desk):
    answered = desk["answered_early"]
    client.force_login(staff)

    response = post(client, reverse("explanation_review", args=[answered.pk]), {"decision": "ask_again", "note": " "})

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'id="r{answered.pk}_note_error"><li>Cần nêu điều cơ quan phải giải trình thêm.', html)
    assert re.search(r'value="ask_again"[^>]*checked', html)
    answered.refresh_from_db()
    assert answered.status == ExplanationStatus.ANSWERED

    again = post(
        client, reverse("explanation_review", args=[answered.pk]), {"decision": "ask_again", "note": "Nêu số văn bản."}
    )
    assert "đã yêu cầu giải trình lại" in text(again)
    answered.refresh_from_db()
    assert (answered.status, answered.asked_again_count) == (ExplanationStatus.OPEN, 1)


def test_deciding_a_request_not_yet_answered_is_a_409_on_its_row(client, staff, desk):
    client.force_login(staff)

    response = post(client, reverse("explanation_review", args=[desk["open"].pk]), {"decision": "accept"})

    assert response.status_code == 409
    assert re.search(
        rf'id="review-{desk["open"].pk}-error"><li>Không thể xem xét khi yêu cầu', response.content.decode()
    )
    desk["open"].refresh_from_db()
    assert desk["open"].status == ExplanationStatus.OPEN


def test_a_focal_point_may_not_decide(client, focal_point, desk):
    client.force_login(focal_point)

    response = post(client, reverse("explanation_review", args=[desk["answered_early"].pk]), {"decision": "accept"})

    assert response.status_code == 403
    desk["answered_early"].refresh_from_db()
    assert desk["answered_early"].status == ExplanationStatus.ANSWERED


def test_the_page_reads_in_a_number_of_queries_that_does_not_grow_with_the_rows(
    client, staff, focal_point, agency, desk, django_assert_max_num_queries
):
    measured = {}
    for user in (staff, focal_point):
        client.force_login(user)
        with django_assert_max_num_queries(20) as few:
            get(client)
        measured[user] = len(few.captured_queries)
    for number in range(20, 26):
        request = ask(staff, agency, [overdue(agency, number), overdue(agency, number + 10)])
        if number % 2:
            answer(request, focal_point)
    for user in (staff, focal_point):
        client.force_login(user)
        with django_assert_max_num_queries(measured[user]):
            assert len(row_ids(get(client))) > 5


def test_the_header_counts_the_answers_for_staff_and_the_open_requests_for_the_focal_point(
    client, staff, focal_point, leader, desk
):
    client.force_login(staff)
    html = get(client).content.decode()
    assert re.search(
        rf'<a href="{DESK}\?status=answered" id="nav-explanations">Giải trình\s*'
        r'<span class="badge"><span aria-hidden="true">2<',
        html,
    )

    client.force_login(focal_point)
    html = get(client).content.decode()
    # Its late request; the other open one is another agency's.
    assert re.search(
        rf'<a href="{DESK}" id="nav-explanations">Giải trình\s*<span class="badge"><span aria-hidden="true">1<', html
    )
    assert "1 yêu cầu giải trình chờ trả lời" in html

    client.force_login(leader)
    html = get(client).content.decode()
    assert re.search(rf'<a href="{DESK}" id="nav-explanations">Giải trình\s*</a>', html)


def test_the_counts_are_one_query_and_follow_the_plan_and_the_agency(
    staff, focal_point, agency, desk, django_assert_num_queries
):
    from agencies.selectors import user_roles

    staff_roles, focal_roles = user_roles(staff), user_roles(focal_point)
    with at(TODAY), django_assert_num_queries(1):
        counts = explanation_request_counts(roles=staff_roles)
    assert counts == {"open": 1, "answered": 2, "late": 1, "accepted": 1}
    with at(TODAY):
        assert explanation_request_counts(roles=focal_roles) == {"open": 0, "answered": 1, "late": 1, "accepted": 1}
        assert explanation_request_counts(roles=staff_roles, agency=agency)["answered"] == 1
        assert explanation_request_counts(roles=staff_roles, plan=PlanFactory(code="CDS-2024")) == dict.fromkeys(
            ("open", "answered", "late", "accepted"), 0
        )
    # The day after the open request's answer date, it counts as late.
    assert explanation_request_counts(roles=staff_roles, today=date(2024, 7, 30))["late"] == 2


def test_the_assignment_page_sends_the_focal_point_of_a_request_of_several_assignments_here(
    client, staff, focal_point, agency, desk
):
    late = desk["late"]
    first = late.items.first().assignment_id
    single = overdue(agency, 40)
    ask(staff, agency, [single])
    client.force_login(focal_point)

    with at(TODAY):
        html = client.get(reverse("assignment_detail", args=[first])).content.decode()

    assert 'id="act-explain_answer"' not in html
    assert re.search(
        rf'<a href="{DESK}#request-{late.pk}">Yêu cầu này gồm 2 nhiệm vụ: giải trình cho tất cả trong một lần', html
    )
    # A request of one assignment is answered on its page.
    with at(TODAY):
        html = client.get(reverse("assignment_detail", args=[single.pk])).content.decode()
    assert 'id="act-explain_answer"' in html
    assert 'id="answer-elsewhere"' not in html


def test_an_answer_with_a_date_that_is_no_date_is_a_clear_400(client, focal_point, desk):
    late = desk["late"]
    first, second = (item.assignment_id for item in late.items.all())
    client.force_login(focal_point)

    response = post(
        client,
        reverse("explanation_answer", args=[late.pk]),
        {f"{first}-reason_kind": "funding", f"{first}-committed_on": "31/02/2024", f"{second}-reason_kind": "lost"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="r{late.pk}_{first}-committed_on_error"' in html
    assert f'id="r{late.pk}_{second}-reason_kind_error"' in html
    late.refresh_from_db()
    assert late.status == ExplanationStatus.OPEN
