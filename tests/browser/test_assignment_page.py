"""The assignment page in a real browser: committee staff go from the overdue list to a
reported assignment, check its evidence and accept it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, Status, StatusEvent
from tasks_app.services import assignment_create, assignment_transition
from tasks_app.workflow import Action
from tests.browser.conftest import ARTIFACTS, log_in
from tests.browser.test_pages import with_password
from tests.conftest import committee_staff, member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional


@pytest.fixture
def reported_late(db):
    """Work due five days ago, reported done today with a link to its evidence."""
    today = timezone.localdate()
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    focal_point = member(province, MembershipRole.FOCAL_POINT, "focal")
    plan = PlanFactory(code=f"KH-{today.year}", year=today.year)
    task = TaskFactory(plan=plan, title="Ban hành kế hoạch triển khai", due_on=today - timedelta(days=5))
    assignment = assignment_create(task=task, agency=province, role=AssignmentRole.LEAD, owner=focal_point)
    assignment_transition(
        assignment=assignment,
        action=Action.REPORT_DONE,
        actor=focal_point,
        note="Đã ban hành Kế hoạch số 12/KH-UBND",
        evidence_url="https://vanban.example.gov.vn/kh-12",
    )
    return assignment


def test_committee_staff_open_a_report_from_the_overdue_list_and_accept_it(new_page, reported_late):
    with_password(committee_staff("staff"))
    page = new_page()
    log_in(page, "staff")

    page.goto(f"/?plan={reported_late.task.plan.code}")
    page.locator("#overdue-list").get_by_role("link", name="Ban hành kế hoạch triển khai").click()
    page.wait_for_url(f"**/assignments/{reported_late.pk}/")
    assert page.get_by_role("link", name="Đường dẫn minh chứng: https://vanban.example.gov.vn/kh-12").is_visible()
    assert "Đã ban hành Kế hoạch số 12/KH-UBND" in page.locator("#latest-report").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "assignment-page-reported.png", full_page=True)

    page.locator("#act-return").get_by_role("button", name="Trả lại báo cáo — ").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Cần nêu lý do." in page.locator("#act-return").inner_text()

    accept = page.locator("#act-accept")
    accept.get_by_label("Ghi chú").fill("Đủ minh chứng")
    accept.get_by_role("button", name="Xác nhận hoàn thành — ").click()
    page.wait_for_load_state()

    assert "đã xác nhận hoàn thành" in page.get_by_role("status").inner_text()
    assert page.locator("#status").inner_text() == "Hoàn thành"
    reported_late.refresh_from_db()
    assert reported_late.status == Status.DONE
    assert StatusEvent.objects.get(assignment=reported_late, action=Action.ACCEPT).note == "Đủ minh chứng"
