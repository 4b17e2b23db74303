"""Explanation requests in a real browser: committee staff ask about overdue work from its
page, the agency's focal point answers there, and staff accept the answer."""

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
