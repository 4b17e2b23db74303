"""The discussion in a real browser: a focal point asks a question on the assignment page
from a phone, committee staff find it on the page and in their notifications and answer,
and the focal point reads the answer."""

import pytest
from django.utils import timezone

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, Comment
from tasks_app.services import assignment_create
from tests.browser.conftest import accessibility_violations, ambiguous_buttons, log_in, sideways_overflow
from tests.browser.test_pages import with_password
from tests.conftest import committee_staff, member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_work(db):
    today = timezone.localdate()
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    focal_point = with_password(member(province, MembershipRole.FOCAL_POINT, "focal"))
    plan = PlanFactory(code=f"KH-{today.year}", year=today.year)
    task = TaskFactory(plan=plan, title="Số hóa hồ sơ hộ tịch", due_on=today.replace(month=12, day=31))
    return assignment_create(task=task, agency=province, role=AssignmentRole.LEAD, owner=focal_point)


def test_a_question_on_the_page_reaches_committee_staff_who_answer_it(new_page, open_work):
    with_password(committee_staff("staff"))
    question = "Xin hướng dẫn mẫu báo cáo; dự thảo ở https://vanban.example.gov.vn/du-thao-so-hoa-ho-tich-2024"

    focal = new_page(viewport=PHONE)
    log_in(focal, "focal")
    focal.goto(f"/assignments/{open_work.pk}/")
    focal.locator("#act-comment").get_by_label("Ý kiến").fill(question)
    focal.locator("#act-comment").get_by_role("button", name="Gửi ý kiến — ").click()
    focal.wait_for_load_state()
    assert "đã gửi ý kiến trao đổi" in focal.get_by_role("status").inner_text()
    assert question in focal.locator("#comment-list").inner_text()
    assert focal.locator("#comment-list").get_by_role("link", name="https://vanban.example.gov.vn/").is_visible()
    assert sideways_overflow(focal) == []
    assert ambiguous_buttons(focal) == []
    assert accessibility_violations(focal) == []

    staff = new_page()
    log_in(staff, "staff")
    staff.goto("/notifications/")
    assert "Ý kiến trao đổi mới" in staff.locator("main").inner_text()
    assert "focal: Xin hướng dẫn mẫu báo cáo" in staff.locator("main").inner_text()
    staff.get_by_role("link", name="Số hóa hồ sơ hộ tịch").first.click()
    staff.wait_for_url(f"**/assignments/{open_work.pk}/")
    assert question in staff.locator("#comment-list").inner_text()
    staff.locator("#act-comment").get_by_label("Ý kiến").fill("Dùng mẫu số 02 ban hành kèm Kế hoạch.")
    staff.locator("#act-comment").get_by_role("button", name="Gửi ý kiến — ").click()
    staff.wait_for_load_state()

    focal.goto(f"/assignments/{open_work.pk}/")
    thread = focal.locator("#comment-list").inner_text()
    assert thread.index(question) < thread.index("Dùng mẫu số 02 ban hành kèm Kế hoạch.")
    assert list(Comment.objects.values_list("author__username", flat=True)) == ["focal", "staff"]
