"""Explanation requests in a real browser: committee staff ask about overdue work from its
page or from the dashboard's overdue list, the agency's focal point answers on the
assignment's page or on the explanations page, and staff accept the answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, ExplanationRequest, ExplanationStatus
from tasks_app.services import assignment_create
from tests.browser.conftest import log_in
from tests.browser.test_pages import with_password
from tests.conftest import committee_staff, member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional


@pytest.fixture
def overdue(db):
    today = timezone.localdate()
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    with_password(member(province, MembershipRole.FOCAL_POINT, "focal"))
    plan = PlanFactory(code=f"KH-{today.year}", year=today.year)
    task = TaskFactory(plan=plan, title="Kết nối dữ liệu dân cư", due_on=today - timedelta(days=10))
    return assignment_create(task=task, agency=province, role=AssignmentRole.LEAD)


def test_staff_ask_the_focal_point_answers_and_staff_accept(new_page, overdue):
    with_password(committee_staff("staff"))
    committee_staff("staff2")
    url = f"/assignments/{overdue.pk}/"
    staff = new_page()
    log_in(staff, "staff")
    staff.goto(url)
    ask = staff.locator("#act-explain_ask")
    ask.get_by_label("Nội dung yêu cầu giải trình").fill("Đề nghị giải trình lý do chậm kết nối.")
    ask.get_by_role("button", name="Gửi yêu cầu giải trình — ").click()
    staff.wait_for_load_state()
    assert "đã gửi yêu cầu giải trình" in staff.get_by_role("status").inner_text()

    focal = new_page(viewport={"width": 390, "height": 844})
    log_in(focal, "focal")
    focal.goto(url)
    assert "Đề nghị giải trình lý do chậm kết nối." in focal.locator("#explanations").inner_text()
    answer = focal.locator("#act-explain_answer")
    answer.get_by_label("Phụ thuộc cơ quan khác").check()
    answer.get_by_label("Giải trình nguyên nhân").fill("Chờ Bộ Công an mở API.")
    committed = timezone.localdate() + timedelta(days=30)
    answer.get_by_label("Cam kết hoàn thành trước ngày").fill(committed.isoformat())
    answer.get_by_role("button", name="Gửi giải trình — ").click()
    focal.wait_for_load_state()
    assert "đã gửi giải trình" in focal.get_by_role("status").inner_text()
    assert f"cam kết hoàn thành trước {committed:%d/%m/%Y}" in focal.locator("#due-on").inner_text()
    assert focal.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    staff.goto(url)
    assert "Chờ Bộ Công an mở API." in staff.locator("#explanations").inner_text()
    decide = staff.locator("#act-explain_decide")
    decide.get_by_label("Chấp nhận giải trình").check()
    decide.get_by_role("button", name="Gửi ý kiến về giải trình — ").click()
    staff.wait_for_load_state()

    assert "Đã chấp nhận giải trình" in staff.locator("#explanations").inner_text()
    assert ExplanationRequest.objects.get().status == ExplanationStatus.ACCEPTED


def test_staff_ask_two_agencies_from_the_dashboard_a_focal_point_answers_on_the_explanations_page(new_page, overdue):
    ministry = AgencyFactory(name="Bộ Thử Nghiệm", short_name="Bộ Thử Nghiệm", kind="ministry")
    today = timezone.localdate()
    task = TaskFactory(plan=overdue.task.plan, title="Cấp căn cước điện tử", due_on=today - timedelta(days=4))
    theirs = assignment_create(task=task, agency=ministry, role=AssignmentRole.LEAD)
    with_password(committee_staff("staff"))
    plan = overdue.task.plan.code
    staff = new_page()
    log_in(staff, "staff")
    staff.goto(f"/?plan={plan}")
    staff.get_by_label(f"Chọn {plan} #{overdue.task.number}, Thử Nghiệm", exact=True).check()
    staff.get_by_label(f"Chọn {plan} #{task.number}, Bộ Thử Nghiệm", exact=True).check()
    selection = staff.locator("#ask-selection")
    selection.get_by_label("Nội dung yêu cầu giải trình").fill("Đề nghị giải trình lý do chậm.")
    selection.get_by_role("button", name="Gửi yêu cầu giải trình cho các phân công đã chọn").click()
    staff.wait_for_load_state()
    assert "Đã gửi 2 yêu cầu giải trình: Bộ Thử Nghiệm" in staff.get_by_role("status").inner_text()
    assert staff.locator("#explanations-open").inner_text() == "2"

    focal = new_page(viewport={"width": 390, "height": 844})
    log_in(focal, "focal")
    focal.locator("#nav-explanations").click()
    request = focal.locator("article.desk-request")
    assert request.count() == 1
    assert "Kết nối dữ liệu dân cư" in request.inner_text()
    answer = request.locator("form")
    answer.get_by_label("Kinh phí").check()
    answer.get_by_label("Giải trình nguyên nhân").fill("Chưa được cấp kinh phí.")
    answer.get_by_role("button", name="Gửi giải trình — ").click()
    focal.wait_for_load_state()
    assert "đã gửi giải trình" in focal.get_by_role("status").inner_text()
    assert focal.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    staff.locator("#nav-explanations").click()
    assert staff.locator("#nav-explanations .badge [aria-hidden]").inner_text() == "1"
    answered = staff.locator("article.desk-request").first
    assert "Chưa được cấp kinh phí." in answered.inner_text()
    answered.get_by_label("Chấp nhận giải trình").check()
    answered.get_by_role(
        "button", name=f"Gửi ý kiến về giải trình — Thử Nghiệm — {plan} #{overdue.task.number}"
    ).click()
    staff.wait_for_load_state()
    assert "đã chấp nhận giải trình" in staff.get_by_role("status").inner_text()
    mine = ExplanationRequest.objects.get(agency=overdue.agency)
    assert mine.status == ExplanationStatus.ACCEPTED
    assert ExplanationRequest.objects.get(items__assignment=theirs).status == ExplanationStatus.OPEN
