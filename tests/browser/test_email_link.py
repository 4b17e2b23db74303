"""A link taken from a real reminder e-mail, in a real browser: it opens the assignment page
for its recipient, through the login page when they are signed out, and is refused to a
focal point of another agency."""

import re
from datetime import date
from io import StringIO
from urllib.parse import parse_qs, urlsplit

from django.core import mail
from django.core.management import call_command

from agencies.models import MembershipRole
from tasks_app.models import AssignmentRole
from tasks_app.services import assignment_create
from tests.browser.conftest import log_in
from tests.browser.test_pages import PASSWORD, with_password
from tests.conftest import at, member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional

DUE = date(2024, 7, 1)  # a Monday: the reminders go out


def test_a_link_from_a_sent_reminder_opens_the_page_for_its_recipient_and_for_no_other_agency(
    new_page, live_server, settings
):
    settings.SITE_URL = live_server.url
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    recipient = with_password(member(province, MembershipRole.FOCAL_POINT, "focal"))
    with_password(member(AgencyFactory(name="Bộ Khác"), MembershipRole.FOCAL_POINT, "other.focal"))
    task = TaskFactory(plan=PlanFactory(code="KH-2024"), number=8, title="Số hóa hồ sơ hộ tịch", due_on=DUE)
    with at(date(2024, 1, 15)):
        assignment = assignment_create(task=task, agency=province, role=AssignmentRole.LEAD, owner=recipient)

    call_command("send_reminders", "--as-of", DUE.isoformat(), stdout=StringIO())

    (sent,) = mail.outbox
    assert sent.to == [recipient.email]
    (link,) = re.findall(r"^\s*(https?://\S+)$", sent.body.split("Truy cập Tracker 06")[0], re.M)
    assert link == f"{live_server.url}/assignments/{assignment.pk}/"

    page = new_page()
    page.goto(link)
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    assert parse_qs(urlsplit(page.url).query)["next"] == [f"/assignments/{assignment.pk}/"]
    page.get_by_label("Tên đăng nhập").fill("focal")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(link)
    assert page.get_by_role("heading", level=1).inner_text() == "KH-2024 #8: Số hóa hồ sơ hộ tịch"

    stranger = new_page()
    log_in(stranger, "other.focal")
    response = stranger.goto(link)
    assert response.status == 404
    assert stranger.get_by_role("heading", level=1).inner_text() == "Không tìm thấy trang"
    assert "Số hóa hồ sơ hộ tịch" not in stranger.content()
