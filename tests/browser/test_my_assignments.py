"""The focal point's page in a real browser: a refused report keeps what was typed and shows
its error where the focal point is looking; the report then goes through, said in its card."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, Status
from tasks_app.services import assignment_create
from tests.browser.conftest import ARTIFACTS, log_in
from tests.browser.test_pages import with_password
from tests.conftest import member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional


def test_a_refused_report_keeps_the_typed_text_and_shows_the_error_in_view(new_page, tmp_path):
    today = timezone.localdate()
    ministry = AgencyFactory(name="Bộ Thử Nghiệm")
    with_password(member(ministry, MembershipRole.FOCAL_POINT, "focal"))
    plan = PlanFactory(code=f"KH-{today.year}", year=today.year)
    # Earlier deadlines first: the card acted on is far down the page.
    for number in range(1, 13):
        due_on = today + timedelta(days=10 + number)
        task = TaskFactory(plan=plan, number=number, title=f"Kết nối dữ liệu, đợt {number}", due_on=due_on)
        started = assignment_create(task=task, agency=ministry, role=AssignmentRole.LEAD)
    task = TaskFactory(plan=plan, number=40, title="Ban hành quy chế khai thác", due_on=today + timedelta(days=60))
    assignment = assignment_create(task=task, agency=ministry, role=AssignmentRole.LEAD)
    executable = tmp_path / "bien-ban.exe"
    executable.write_bytes(b"MZ")
    note = "Đã ban hành Quyết định số 45/QĐ-BTN"

    page = new_page()
    log_in(page, "focal")
    page.goto("/my/?group=open")
    card = page.locator(f"#assignment-{assignment.pk}")
    card.locator("summary", has_text="Báo cáo hoàn thành").click()
    card.get_by_label("Ghi chú").fill(note)
    card.get_by_label("Tệp minh chứng").set_input_files(executable)
    card.get_by_role("button", name=f"Gửi báo cáo — KH-{today.year} #40").click()
    page.wait_for_load_state()

    error = page.locator(f"#a{assignment.pk}_report_done_evidence_file_error")
    expect(error).to_contain_text("“exe”")
    expect(error).to_be_in_viewport()
    expect(card.get_by_label("Ghi chú")).to_have_value(note)
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "group=open" in page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "my-assignments-refused-report.png")
    assignment.refresh_from_db()
    assert assignment.status == Status.NOT_STARTED

    card.get_by_label("Tệp minh chứng").set_input_files([])
    card.get_by_role("button", name=f"Gửi báo cáo — KH-{today.year} #40").click()
    page.wait_for_load_state()

    # Reported, the work has left the list of open work: its message is where the page opens.
    reported = page.get_by_role("status")
    expect(reported).to_contain_text("chờ Tổ giúp việc xác nhận")
    expect(reported).to_be_in_viewport()
    assignment.refresh_from_db()
    assert assignment.status == Status.REPORTED

    # Started, work far down the list stays on it: its message is in its card, in view.
    last = page.locator(f"#assignment-{started.pk}")
    last.get_by_role("button", name=f"Bắt đầu thực hiện — KH-{today.year} #12").click()
    page.wait_for_load_state()
    expect(last.get_by_role("status")).to_contain_text("đã bắt đầu thực hiện")
    expect(last.get_by_role("status")).to_be_in_viewport()

    # On a phone, nothing but a table in its own box scrolls sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/my/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=ARTIFACTS / "my-assignments-390.png", full_page=True)
