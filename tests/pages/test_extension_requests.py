"""Committee staff's extension desk (/extensions/), through Django's test client: the
requests waiting, what each row shows, deciding them, the refusals, and the header count."""

import re
from datetime import date

import pytest
from django.urls import reverse

from agencies.models import MembershipRole
from notifications.models import Notification, NotificationKind
from tasks_app.models import AssignmentRole, ExtensionKind, ExtensionStatus
from tasks_app.services import (
    assignment_create,
    assignment_transition,
    extension_request_create,
    extension_request_decide,
)
from tasks_app.workflow import Action
from tests.conftest import at, committee_staff
from tests.factories import AgencyFactory, MembershipFactory, PlanFactory, TaskFactory, UserFactory
from tests.pages.test_assignment_page import text

pytestmark = pytest.mark.django_db
DESK = "/extensions/"


def ask(assignment, actor, *, on: date, kind=ExtensionKind.POSTPONE, until=date(2024, 9, 30), reason="Chờ kinh phí"):
    with at(on):
        return extension_request_create(
            assignment=assignment, kind=kind, reason=reason, requested_due_on=until, actor=actor
        )


def decide_url(request, query: str = "") -> str:
    return reverse("extension_request_decision", args=[request.pk]) + (f"?{query}" if query else "")


def new_assignment(agency, owner, **task):
    with at(date(2024, 1, 15)):
        return assignment_create(task=TaskFactory(**task), agency=agency, role=AssignmentRole.LEAD, owner=owner)


@pytest.fixture
def asked(assignment, focal_point):
    """The assignment (due 30/06/2024) started, then a request to postpone it to 30/09/2024."""
    with at(date(2024, 3, 1)):
        assignment_transition(assignment=assignment, action=Action.START, actor=focal_point, note="Đã khảo sát")
    return ask(assignment, focal_point, on=date(2024, 6, 1))


def test_committee_staff_see_the_pending_requests_oldest_first_with_deadlines_kind_and_history(
    client, staff, other_staff, asked, agency, focal_point
):
    extended = new_assignment(agency, focal_point, title="Kết nối dữ liệu dân cư", due_on=date(2024, 5, 31))
    older = ask(extended, focal_point, on=date(2024, 5, 20), kind=ExtensionKind.EXTEND, until=date(2024, 12, 31))
    withdrawn = new_assignment(agency, focal_point, title="Nhiệm vụ đã bỏ")
    decided = ask(withdrawn, focal_point, on=date(2024, 5, 1), kind=ExtensionKind.WITHDRAW)
    extension_request_decide(request=decided, approve=False, actor=other_staff, note="Cần làm tiếp")
    client.force_login(staff)

    response = client.get(DESK)

    assert response.status_code == 200
    html = response.content.decode()
    assert [int(pk) for pk in re.findall(r'<article class="card desk-request" id="request-(\d+)"', html)] == [
        older.pk,
        asked.pk,
    ]
    row = text(response).split("Nhiệm vụ đã bỏ")[0]
    assert "2 đề nghị chờ quyết định, đề nghị chờ lâu nhất trước." in row
    task = asked.assignment.task
    assert f'<a href="/assignments/{asked.assignment.pk}/">{task.plan.code} #{task.number}: {task.title}</a>' in html
    mine = text(response).split(task.title)[1]
    for part in [
        f"Cơ quan {agency} (Chủ trì)",
        "Loại đề nghị Lùi thời hạn",
        "Thời hạn ban đầu 30/06/2024",
        "Thời hạn hiện tại 30/06/2024",
        "Thời hạn đề nghị 30/09/2024",
        "Lý do Chờ kinh phí",
        "Người đề nghị focal, lúc 01/06/2024 10:00",
        "Trạng thái nhiệm vụ Đang thực hiện",
        "01/03/2024 10:00 — focal: Bắt đầu thực hiện (từ “Chưa triển khai” sang “Đang thực hiện”) — "
        "ghi chú: Đã khảo sát",
        f"15/01/2024 10:00 — Hệ thống: Giao nhiệm vụ cho {agency}",
        f"Gửi quyết định — {task.plan.code} #{task.number}, {agency}",
    ]:
        assert part in mine
    assert "Loại đề nghị Giãn thời hạn" in text(response).split(task.title)[0]
    assert "Nhiệm vụ đã bỏ" not in html
    # Each row's fields have ids of their own, each with its label.
    assert f'<label for="r{asked.pk}_note">' in html
    assert f'id="r{asked.pk}_note"' in html
    assert f'for="r{older.pk}_approve_0"' in html


def test_the_decided_tab_lists_decisions_latest_first_without_forms(client, staff, other_staff, agency, focal_point):
    first = ask(new_assignment(agency, focal_point, title="Nhiệm vụ một"), focal_point, on=date(2024, 5, 1))
    second = ask(new_assignment(agency, focal_point, title="Nhiệm vụ hai"), focal_point, on=date(2024, 5, 2))
    ask(new_assignment(agency, focal_point, title="Nhiệm vụ còn chờ"), focal_point, on=date(2024, 5, 3))
    with at(date(2024, 5, 10)):
        extension_request_decide(request=second, approve=True, actor=other_staff, note="Đồng ý")
    with at(date(2024, 5, 11)):
        extension_request_decide(request=first, approve=False, actor=other_staff, note="Chưa đủ căn cứ")
    client.force_login(staff)

    response = client.get(DESK, {"status": "decided"})

    html = response.content.decode()
    assert [int(pk) for pk in re.findall(r'id="request-(\d+)"', html)] == [first.pk, second.pk]
    page = text(response)
    assert "Kết quả Không chấp thuận — staff2, lúc 11/05/2024 10:00: Chưa đủ căn cứ" in page
    assert "Kết quả Đã chấp thuận — staff2, lúc 10/05/2024 10:00: Đồng ý" in page
    assert "Nhiệm vụ còn chờ" not in page
    assert "<textarea" not in html
    assert '<a href="?" aria-current' not in html
    assert 'href="?status=decided" aria-current="page"' in html


def test_filters_by_plan_agency_and_kind_of_agency_select_the_right_rows(
    client, staff, agency, focal_point, other_agency, other_focal_point
):
    plan = PlanFactory(code="DA06-2024")
    province = AgencyFactory(code="HN-TEST", name="Hà Nội (thử nghiệm)", kind="province", region="red_river_delta")
    province_focal = MembershipFactory(agency=province, user=UserFactory(username="hn.focal")).user
    in_plan = ask(new_assignment(agency, focal_point, plan=plan), focal_point, on=date(2024, 5, 1))
    other = ask(new_assignment(other_agency, other_focal_point, plan=plan), other_focal_point, on=date(2024, 5, 2))
    elsewhere = ask(new_assignment(agency, focal_point), focal_point, on=date(2024, 5, 3))
    in_province = ask(new_assignment(province, province_focal), province_focal, on=date(2024, 5, 4))
    client.force_login(staff)

    def shown(**query):
        return [int(pk) for pk in re.findall(r'id="request-(\d+)"', client.get(DESK, query).content.decode())]

    assert shown() == [in_plan.pk, other.pk, elsewhere.pk, in_province.pk]
    assert shown(plan="DA06-2024") == [in_plan.pk, other.pk]
    assert shown(plan="DA06-2024", agency=agency.code) == [in_plan.pk]
    assert shown(kind="province") == [in_province.pk]
    assert shown(kind="ministry", agency=other_agency.code) == [other.pk]


def test_an_unknown_filter_is_a_clear_400(client, staff):
    client.force_login(staff)

    response = client.get(DESK, {"plan": "KHONG-CO", "page": "x"})

    assert response.status_code == 400
    page = text(response)
    assert "Kế hoạch: Không có kế hoạch với mã này." in page
    assert "Trang phải là một số nguyên dương." in page


def test_a_focal_point_or_leader_is_refused_and_an_anonymous_visitor_sent_to_log_in(client, focal_point, leader, asked):
    client.force_login(focal_point)
    assert client.get(DESK).status_code == 403
    refused = client.post(decide_url(asked), {"approve": "yes", "note": "Tự duyệt"})
    assert refused.status_code == 403
    assert "Chỉ Tổ giúp việc mới xem và quyết định được" in text(refused)
    client.force_login(leader)
    assert client.get(DESK).status_code == 403
    client.logout()
    assert client.get(DESK).url.startswith(reverse("login"))
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.PENDING


def test_approving_moves_the_deadline_and_tells_the_requester_the_decision_and_the_note(
    client, staff, focal_point, asked
):
    client.force_login(staff)
    query = f"plan={asked.assignment.task.plan.code}"

    with at(date(2024, 6, 3)):
        response = client.post(decide_url(asked, query), {"approve": "yes", "note": "Đồng ý lùi"}, follow=True)

    assert response.redirect_chain == [(f"{DESK}?{query}", 302)]
    task = asked.assignment.task
    assert f"{task.plan.code} #{task.number}, {asked.assignment.agency}: đã chấp thuận đề nghị “Lùi thời hạn”." in (
        text(response)
    )
    assert "0 đề nghị chờ quyết định" in text(response)
    asked.refresh_from_db()
    asked.assignment.refresh_from_db()
    assert (asked.status, asked.decided_by, asked.decision_note) == (ExtensionStatus.APPROVED, staff, "Đồng ý lùi")
    assert asked.assignment.due_on == date(2024, 9, 30)
    assert asked.assignment.original_due_on == date(2024, 6, 30)
    [told] = Notification.objects.filter(kind=NotificationKind.EXTENSION_DECIDED)
    assert told.recipient == focal_point
    assert told.note == "Lùi thời hạn đến 30/09/2024: Đã chấp thuận. Ý kiến: Đồng ý lùi"


def test_rejecting_with_a_note_leaves_the_deadline(client, staff, focal_point, asked):
    client.force_login(staff)

    response = client.post(decide_url(asked), {"approve": "no", "note": "Chưa đủ căn cứ"})

    assert response.status_code == 302
    asked.refresh_from_db()
    asked.assignment.refresh_from_db()
    assert asked.status == ExtensionStatus.REJECTED
    assert asked.assignment.due_on == date(2024, 6, 30)
    assert Notification.objects.get(kind=NotificationKind.EXTENSION_DECIDED).note.startswith(
        "Lùi thời hạn đến 30/09/2024: Không chấp thuận."
    )


def test_rejecting_without_a_note_comes_back_400_beside_the_note_with_the_choice_kept(client, staff, asked):
    client.force_login(staff)

    response = client.post(decide_url(asked, "kind=ministry"), {"approve": "no", "note": "   "})

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'id="r{asked.pk}_note_error"><li>Cần nêu lý do.</li>', html)
    assert f'<a href="#r{asked.pk}_note">Cần nêu lý do.</a>' in html
    assert re.search(rf'value="no"[^>]*id="r{asked.pk}_approve_1"[^>]*checked', html)
    # The form posts again to where it came from, the list's filters with it.
    assert f'action="{decide_url(asked, "kind=ministry")}"' in html
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.PENDING
    assert not Notification.objects.filter(kind=NotificationKind.EXTENSION_DECIDED).exists()


def test_a_decision_not_chosen_comes_back_400_with_the_typed_note(client, staff, asked):
    client.force_login(staff)

    response = client.post(decide_url(asked), {"note": "Đề nghị bổ sung kế hoạch chi tiết"})

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'id="r{asked.pk}_note"[^>]*>\s*Đề nghị bổ sung kế hoạch chi tiết</textarea>', html)
    assert re.search(rf'id="r{asked.pk}_approve_error"><li>[^<]+</li>', html)
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.PENDING


def test_a_request_decided_meanwhile_comes_back_409_with_the_typed_note_and_the_decision(
    client, staff, other_staff, asked
):
    with at(date(2024, 6, 2)):
        extension_request_decide(request=asked, approve=False, actor=other_staff, note="Không đủ căn cứ")
    client.force_login(staff)

    response = client.post(decide_url(asked), {"approve": "yes", "note": "Đồng ý lùi"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Đề nghị này đã được quyết định." in text(response)
    assert re.search(rf'id="r{asked.pk}_note"[^>]*>\s*Đồng ý lùi</textarea>', html)
    assert "Kết quả Không chấp thuận — staff2, lúc 02/06/2024 10:00: Không đủ căn cứ" in text(response)
    asked.refresh_from_db()
    asked.assignment.refresh_from_db()
    assert (asked.status, asked.decided_by) == (ExtensionStatus.REJECTED, other_staff)
    assert asked.assignment.due_on == date(2024, 6, 30)


def test_nobody_decides_their_own_request(client, agency, staff):
    both = committee_staff("staff.focal")
    MembershipFactory(agency=agency, user=both, role=MembershipRole.FOCAL_POINT)
    own = ask(new_assignment(agency, both), both, on=date(2024, 6, 1))
    client.force_login(both)

    page = client.get(DESK)
    refused = client.post(decide_url(own), {"approve": "yes", "note": "Đồng ý"})

    assert "Bạn không thể tự quyết định đề nghị của chính mình" in text(page)
    assert f'id="decide-{own.pk}"' not in page.content.decode()
    assert refused.status_code == 403
    assert "Không thể tự quyết định đề nghị của chính mình." in text(refused)
    own.refresh_from_db()
    assert own.status == ExtensionStatus.PENDING


def test_approving_a_postponement_of_cancelled_work_is_refused_409(client, staff, other_staff, asked):
    with at(date(2024, 6, 2)):
        assignment_transition(assignment=asked.assignment, action=Action.CANCEL, actor=other_staff, note="Bỏ")
    client.force_login(staff)

    response = client.post(decide_url(asked), {"approve": "yes", "note": ""})

    assert response.status_code == 409
    assert "Không thể đổi thời hạn khi nhiệm vụ đang ở trạng thái “Dừng / không thực hiện”." in text(response)
    asked.refresh_from_db()
    asked.assignment.refresh_from_db()
    assert (asked.status, asked.assignment.due_on) == (ExtensionStatus.PENDING, date(2024, 6, 30))


def test_the_list_is_paged_fifty_with_its_total_in_a_fixed_number_of_queries(
    client, staff, agency, focal_point, django_assert_max_num_queries
):
    first = ask(new_assignment(agency, focal_point), focal_point, on=date(2024, 5, 1))
    client.force_login(staff)
    client.get(DESK)  # the session and the language are read once and cached
    with django_assert_max_num_queries(15) as one:
        client.get(DESK)
    plan = PlanFactory()
    for day in range(2, 27):
        for hour in (9, 14):
            request = ask(new_assignment(agency, focal_point, plan=plan), focal_point, on=date(2024, 5, day))
            request.requested_at = request.requested_at.replace(hour=hour)
            request.save(update_fields=["requested_at"])
        with at(date(2024, 5, day)):
            assignment_transition(assignment=request.assignment, action=Action.START, actor=focal_point)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(DESK)
    with django_assert_max_num_queries(len(one.captured_queries)):
        last = client.get(DESK, {"page": 2})

    assert len(re.findall(r'<article class="card desk-request"', response.content.decode())) == 50
    assert "Đề nghị 1–50 trong tổng số 51." in text(response)
    assert f'id="request-{first.pk}"' in response.content.decode()
    assert 'href="?page=2" rel="next"' in response.content.decode()
    assert "Đề nghị 51–51 trong tổng số 51." in text(last)


def test_the_header_counts_the_waiting_requests_for_committee_staff_only(
    client, staff, other_staff, focal_point, asked, agency
):
    ask(new_assignment(agency, focal_point), focal_point, on=date(2024, 6, 2))
    link = f'<a href="{DESK}" id="nav-extension-requests">Đề nghị điều chỉnh thời hạn'

    client.force_login(staff)
    html = client.get(reverse("notifications")).content.decode()
    assert link in html
    assert '<span aria-hidden="true">2</span><span class="visually-hidden">2 đề nghị chờ quyết định</span>' in html

    extension_request_decide(request=asked, approve=True, actor=other_staff)
    assert (
        '<span class="visually-hidden">1 đề nghị chờ quyết định</span>'
        in client.get(reverse("notifications")).content.decode()
    )

    client.force_login(focal_point)
    assert link not in client.get(reverse("notifications")).content.decode()


def test_the_header_count_is_one_query(client, staff, asked, django_assert_max_num_queries):
    client.force_login(staff)
    client.get(reverse("api_tokens"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("api_tokens"))
    counts = [q["sql"] for q in captured.captured_queries if "tasks_app_extensionrequest" in q["sql"]]
    assert len(counts) == 1
    assert "COUNT(" in counts[0].upper()
