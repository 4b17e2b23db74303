"""The pages in a real browser: what committee staff and focal points do with them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, Status
from tasks_app.services import assignment_create
from tests.browser.conftest import ARTIFACTS, log_in
from tests.conftest import committee_staff, member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional
PASSWORD = "mat-khau-thu-nghiem"


def with_password(user, *, staff_status=False):
    user.set_password(PASSWORD)
    user.is_staff = staff_status
    user.save()
    return user


def tasks_done(page) -> str:
    return page.locator("#tasks-done").inner_text().strip()


@pytest.mark.usefixtures("plans_2024")
def test_committee_staff_see_the_reported_figures_of_both_2024_plans(new_page):
    with_password(committee_staff("staff"))
    page = new_page()
    log_in(page, "staff")

    page.goto("/?plan=DA06-2024&as_of=2024-06-30")
    assert tasks_done(page) == "43/229"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "dashboard-da06-2024-06-30.png", full_page=True)

    page.get_by_label("Kế hoạch").select_option("CDS-2024")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**plan=CDS-2024**")
    assert tasks_done(page) == "19/79"


@pytest.fixture
def province_work(db):
    """One task of a plan for this year, given to a province whose focal point owns it."""
    today = timezone.localdate()
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    focal_point = with_password(member(province, MembershipRole.FOCAL_POINT, "focal"))
    plan = PlanFactory(code=f"KH-{today.year}", year=today.year)
    task = TaskFactory(plan=plan, title="Ban hành kế hoạch triển khai", due_on=today + timedelta(days=20))
    assignment = assignment_create(task=task, agency=province, role=AssignmentRole.LEAD, owner=focal_point)
    return assignment


def test_a_report_accepted_by_committee_staff_moves_the_done_count_by_one(new_page, province_work):
    staff = with_password(committee_staff("staff"), staff_status=True)
    plan = province_work.task.plan
    staff_page = new_page()
    log_in(staff_page, staff.username)
    staff_page.goto(f"/?plan={plan.code}")
    assert tasks_done(staff_page) == "0/1"

    focal_page = new_page()
    log_in(focal_page, "focal")
    focal_page.goto("/my/")
    card = focal_page.locator(f"#assignment-{province_work.pk}")
    card.get_by_text("Báo cáo hoàn thành").click()
    card.get_by_label("Ghi chú").first.fill("Đã ban hành Kế hoạch số 12/KH-UBND")
    card.get_by_role("button", name="Gửi báo cáo").click()
    focal_page.wait_for_load_state()
    assert "chờ Tổ giúp việc xác nhận" in focal_page.content()

    staff_page.goto("/admin/tasks_app/assignment/")
    staff_page.locator(f'input[name="_selected_action"][value="{province_work.pk}"]').check()
    staff_page.locator('select[name="action"]').select_option("accept")
    staff_page.locator('button[name="index"]').click()
    staff_page.get_by_role("button", name="Xác nhận").click()
    staff_page.wait_for_load_state()
    assert "Xác nhận hoàn thành" in staff_page.content()
    province_work.refresh_from_db()
    assert province_work.status == Status.DONE

    staff_page.goto(f"/?plan={plan.code}")
    assert tasks_done(staff_page) == "1/1"


def test_a_focal_point_cannot_see_another_agencys_assignments(new_page, province_work):
    other = AgencyFactory(name="Bộ Khác")
    with_password(member(other, MembershipRole.FOCAL_POINT, "other.focal"))
    page = new_page()
    log_in(page, "other.focal")

    page.goto("/my/")
    assert "Ban hành kế hoạch triển khai" not in page.content()
    response = page.request.get(f"/api/v1/assignments/{province_work.pk}/")
    assert response.status == 404
    page.goto(f"/?plan={province_work.task.plan.code}")
    assert "Thử Nghiệm" not in page.content()
    posted = page.request.post(f"/my/{province_work.pk}/start/", headers={"X-CSRFToken": csrf_token(page)})
    assert posted.status == 404


def csrf_token(page) -> str:
    return next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
