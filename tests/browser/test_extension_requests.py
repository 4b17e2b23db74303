"""Extension requests in a real browser: a focal point asks for more time on the assignment
page, committee staff decide it on their desk, and the requester, in a browser of their
own, reads the decision and its note on the assignment page and among their notifications."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, ExtensionStatus
from tasks_app.services import assignment_create
from tests.browser.conftest import ARTIFACTS, log_in
from tests.browser.test_pages import with_password
from tests.conftest import committee_staff, member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional


@pytest.fixture
def open_work(db):
    today = timezone.localdate()
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    focal_point = with_password(member(province, MembershipRole.FOCAL_POINT, "focal"))
    plan = PlanFactory(code=f"KH-{today.year}", year=today.year)
    task = TaskFactory(plan=plan, title="Số hóa hồ sơ hộ tịch", due_on=today + timedelta(days=10))
    return assignment_create(task=task, agency=province, role=AssignmentRole.LEAD, owner=focal_point)


def test_a_request_filed_by_a_focal_point_is_approved_by_staff_and_the_requester_reads_the_decision(
    new_page, open_work
):
    requested = timezone.localdate() + timedelta(days=40)
    with_password(committee_staff("staff"))
    focal = new_page()
    log_in(focal, "focal")
    focal.goto(f"/assignments/{open_work.pk}/")
    asking = focal.locator("#act-extension")
    asking.get_by_label("Đề nghị (bắt buộc)").select_option(label="Giãn thời hạn")
    asking.get_by_label("Thời hạn đề nghị").fill(requested.isoformat())
    asking.get_by_label("Lý do").fill("Chờ kinh phí số hóa")
    asking.get_by_role("button", name="Gửi đề nghị điều chỉnh thời hạn — ").click()
    focal.wait_for_load_state()
    assert "đã gửi đề nghị điều chỉnh thời hạn" in focal.get_by_role("status").inner_text()

    staff = new_page()
    log_in(staff, "staff")
    desk_link = staff.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Đề nghị điều chỉnh thời hạn"
    )
    assert desk_link.locator(".badge [aria-hidden]").inner_text() == "1"
    desk_link.click()
    staff.wait_for_url("**/extensions/")
    row = staff.locator("article.desk-request")
    assert row.locator(".requested-due").inner_text() == f"{requested:%d/%m/%Y}"
    assert "Chờ kinh phí số hóa" in row.locator(".reason").inner_text()
    decide = row.get_by_role("button", name=f"Gửi quyết định — {open_work.task.plan.code} #{open_work.task.number}")

    # A rejection needs a reason: refused in view, focus on the summary, nothing decided.
    row.get_by_label("Không chấp thuận").check()
    decide.click()
    staff.wait_for_load_state()
    assert staff.evaluate("document.activeElement.id") == "error-summary"
    assert "Cần nêu lý do." in row.inner_text()
    assert open_work.extension_requests.get().status == ExtensionStatus.PENDING
    staff.set_viewport_size({"width": 390, "height": 844})
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    serious = [v for v in Axe().run(staff).response["violations"] if v["impact"] in ("critical", "serious")]
    assert serious == []
    ARTIFACTS.mkdir(exist_ok=True)
    staff.screenshot(path=ARTIFACTS / "extension-desk-refused-390.png", full_page=True)
    staff.set_viewport_size({"width": 1280, "height": 900})

    row.get_by_label("Chấp thuận", exact=True).check()
    row.get_by_label("Ý kiến").fill("Đồng ý giãn, đề nghị hoàn thành đúng hạn mới")
    decide.click()
    staff.wait_for_load_state()
    assert "đã chấp thuận đề nghị “Giãn thời hạn”" in staff.get_by_role("status").inner_text()
    assert "0 đề nghị chờ quyết định" in staff.locator("#desk-total").inner_text()
    assert open_work.extension_requests.get().status == ExtensionStatus.APPROVED

    focal.goto(f"/assignments/{open_work.pk}/")
    assert focal.locator("#due-on").inner_text().startswith(f"{requested:%d/%m/%Y}")
    decision = focal.locator("#extensions").inner_text()
    assert "Đã chấp thuận" in decision
    assert "Đồng ý giãn, đề nghị hoàn thành đúng hạn mới" in decision
    focal.get_by_role("link", name="Thông báo").click()
    focal.wait_for_url("**/notifications/")
    told = focal.get_by_role("row", name="Đề nghị điều chỉnh thời hạn đã có kết quả").inner_text()
    assert f"Giãn thời hạn đến {requested:%d/%m/%Y}: Đã chấp thuận." in told
    assert "Ý kiến: Đồng ý giãn, đề nghị hoàn thành đúng hạn mới" in told
