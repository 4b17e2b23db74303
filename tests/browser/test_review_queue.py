"""The review queue in a real browser: committee staff open a report from the queue, check
its evidence and accept it; they return another with a reason, which the agency's focal
point then reads on the assignment page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, Status
from tasks_app.services import assignment_create, assignment_transition
from tasks_app.workflow import Action
from tests.browser.conftest import ARTIFACTS, log_in
from tests.browser.test_pages import with_password
from tests.conftest import committee_staff, member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional


@pytest.fixture
def waiting(db, settings, tmp_path):
    """Two reports waiting for review: one with a link and a file, one with a note only."""
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    focal_point = with_password(member(province, MembershipRole.FOCAL_POINT, "focal"))
    plan = PlanFactory(code=f"KH-{today.year}", year=today.year)
    reports = []
    for title, evidence in (
        (
            "Ban hành kế hoạch triển khai",
            {
                "evidence_url": "https://vanban.example.gov.vn/kh-12",
                "evidence_file": SimpleUploadedFile("ke-hoach-12.pdf", b"%PDF-1.4 minh chung"),
            },
        ),
        ("Kết nối cơ sở dữ liệu dân cư", {}),
    ):
        task = TaskFactory(plan=plan, title=title, due_on=today + timedelta(days=10))
        assignment = assignment_create(task=task, agency=province, role=AssignmentRole.LEAD, owner=focal_point)
        assignment_transition(
            assignment=assignment, action=Action.REPORT_DONE, actor=focal_point, note=f"Đã xong: {title}", **evidence
        )
        reports.append(assignment)
    return reports


def test_staff_open_a_report_from_the_queue_see_its_evidence_and_accept_it(new_page, waiting):
    with_password(committee_staff("staff"))
    first, second = waiting
    page = new_page()
    log_in(page, "staff")

    page.locator("#nav-review-queue").click()
    page.wait_for_url("**/review/")
    row = page.locator(f"#report-{first.pk}")
    assert row.get_by_role("link", name="Đường dẫn minh chứng: https://vanban.example.gov.vn/kh-12").is_visible()
    assert row.get_by_role("link", name="Tệp minh chứng: ke-hoach-12.pdf").is_visible()
    assert "Đã xong: Ban hành kế hoạch triển khai" in row.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "review-queue.png", full_page=True)

    row.get_by_role("link", name="Ban hành kế hoạch triển khai").click()
    page.wait_for_url(f"**/assignments/{first.pk}/")
    assert "Đã xong: Ban hành kế hoạch triển khai" in page.locator("#latest-report").inner_text()
    page.go_back()

    page.locator(f"#report-{first.pk}").get_by_role("button", name="Xác nhận hoàn thành — ").click()
    page.wait_for_load_state()

    assert "đã xác nhận hoàn thành" in page.get_by_role("status").inner_text()
    assert page.locator(f"#report-{first.pk}").count() == 0
    assert page.locator(f"#report-{second.pk}").is_visible()
    assert page.locator("#nav-review-queue .badge [aria-hidden]").inner_text() == "1"
    page.goto(f"/assignments/{first.pk}/")
    assert page.locator("#status").inner_text() == "Hoàn thành"
    first.refresh_from_db()
    assert first.status == Status.DONE


def test_staff_return_a_report_with_a_reason_and_the_focal_point_reads_it(new_page, waiting):
    with_password(committee_staff("staff"))
    _, second = waiting
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "staff")
    page.goto("/review/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing scrolls sideways on a phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "review-queue-390px.png", full_page=True)

    row = page.locator(f"#report-{second.pk}")
    row.get_by_role("button", name="Trả lại báo cáo — ").click()
    page.wait_for_load_state()
    row = page.locator(f"#report-{second.pk}")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Cần nêu lý do." in row.inner_text()

    row.get_by_label("Ghi chú (bắt buộc khi trả lại)").fill("Thiếu văn bản kết nối")
    row.get_by_role("button", name="Trả lại báo cáo — ").click()
    page.wait_for_load_state()
    assert "đã trả lại báo cáo cho cơ quan" in page.get_by_role("status").inner_text()
    assert page.locator(f"#report-{second.pk}").count() == 0

    agency_page = new_page()
    log_in(agency_page, "focal")
    agency_page.goto(f"/assignments/{second.pk}/")
    assert agency_page.locator("#status").inner_text() == Status.IN_PROGRESS.label
    assert "Thiếu văn bản kết nối" in agency_page.locator("#history").inner_text()
