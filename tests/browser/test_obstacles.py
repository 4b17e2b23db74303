"""Difficulties, obstacles and proposals in a real browser: a province's focal point raises
one on its work addressed to a ministry, the ministry's focal point answers it from
/obstacles/ on a phone, and the author resolves it."""

import pytest

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole, Obstacle, ObstacleStatus
from tasks_app.services import assignment_create
from tests.browser.conftest import log_in
from tests.browser.test_pages import with_password
from tests.conftest import member, transactional
from tests.factories import AgencyFactory, TaskFactory

pytestmark = transactional


@pytest.fixture
def work(db):
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm", kind="province", region="southeast")
    ministry = AgencyFactory(code="BTN", name="Bộ Thử Nghiệm", kind="ministry")
    with_password(member(province, MembershipRole.FOCAL_POINT, "focal"))
    with_password(member(ministry, MembershipRole.FOCAL_POINT, "ministry"))
    task = TaskFactory(title="Kết nối dữ liệu dân cư", due_on=None)
    return assignment_create(task=task, agency=province, role=AssignmentRole.LEAD)


def test_raised_on_the_assignment_answered_by_the_ministry_and_resolved_by_the_author(new_page, work):
    focal = new_page()
    log_in(focal, "focal")
    focal.goto(f"/assignments/{work.pk}/")
    form = focal.locator("#obstacle-form")
    form.get_by_label("Vướng mắc").check()
    form.get_by_label("Nội dung").fill("Chưa có hướng dẫn kỹ thuật kết nối.")
    form.get_by_label("Gửi đến").select_option(label="Bộ Thử Nghiệm")
    form.get_by_role("button", name="Gửi khó khăn, vướng mắc, kiến nghị — ").click()
    focal.wait_for_load_state()
    assert "nơi nhận đã được báo" in focal.get_by_role("status").inner_text()
    assert "Bộ Thử Nghiệm" in focal.locator("#obstacles").inner_text()
    obstacle = Obstacle.objects.get()

    ministry = new_page(viewport={"width": 390, "height": 844})
    log_in(ministry, "ministry")
    ministry.get_by_role("link", name="Khó khăn, vướng mắc").click()
    item = ministry.locator(f"#obstacle-{obstacle.pk}")
    assert "Chưa có hướng dẫn kỹ thuật kết nối." in item.inner_text()
    item.get_by_label("Trả lời").fill("Đã ban hành hướng dẫn số 12/HD-BTN.")
    item.get_by_role("button", name="Gửi trả lời — ").click()
    ministry.wait_for_load_state()
    assert "đã gửi trả lời" in ministry.get_by_role("status").inner_text()
    assert ministry.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    focal.goto(f"/assignments/{work.pk}/")
    mine = focal.locator(f"#obstacle-{obstacle.pk}")
    assert "Đã ban hành hướng dẫn số 12/HD-BTN." in mine.inner_text()
    mine.get_by_label("Đã giải quyết").check()
    mine.get_by_role("button", name="Ghi kết quả — ").click()
    focal.wait_for_load_state()

    assert "Đã giải quyết" in focal.locator(f"#obstacle-{obstacle.pk}").inner_text()
    assert "Kết thúc: đã giải quyết" in focal.locator("#history").inner_text()
    assert Obstacle.objects.get().status == ObstacleStatus.RESOLVED
