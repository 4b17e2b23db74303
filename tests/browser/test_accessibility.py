"""Every page, scanned by axe-core in the browser (no critical or serious violation), and
every page at a phone's width: nothing scrolls sideways except a table in its own box."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import MembershipRole
from reports.periods import ad_hoc_period
from reports.selectors import last_cut_off
from reports.services import report_issue
from tasks_app.models import AssignmentRole, ExtensionKind, ReasonKind
from tasks_app.services import (
    ExplanationAnswer,
    assignment_create,
    assignment_transition,
    explanation_request_answer,
    explanation_request_create,
    extension_request_create,
    obstacle_record,
)
from tasks_app.workflow import Action
from tests.browser.conftest import ARTIFACTS, accessibility_violations, ambiguous_buttons, log_in, sideways_overflow
from tests.browser.test_pages import with_password
from tests.conftest import committee_staff, member, transactional
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = transactional

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def province_work(db):
    """A province's work of this year in every state a page shows: overdue, due soon, in
    progress, reported with evidence, done, cancelled, one without a deadline, a pending
    extension request, an explanation answered and one waiting for its answer, an obstacle
    addressed to a ministry; with its focal point, committee staff and an administrator."""
    today = timezone.localdate()
    province = AgencyFactory(name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm")
    ministry = AgencyFactory(name="Bộ Thử Nghiệm", short_name="Bộ Thử Nghiệm", kind="ministry")
    focal_point = with_password(member(province, MembershipRole.FOCAL_POINT, "focal"))
    staff = with_password(committee_staff("staff"))
    admin = with_password(committee_staff("admin"), staff_status=True)
    admin.is_superuser = True
    admin.save()
    plan = PlanFactory(code=f"KH-{today.year}", year=today.year)

    def work(title, due_in_days, *acts):
        due_on = today + timedelta(days=due_in_days) if due_in_days is not None else None
        task = TaskFactory(plan=plan, title=title, due_on=due_on)
        assignment_create(task=task, agency=ministry, role=AssignmentRole.SUPPORT)
        assignment = assignment_create(task=task, agency=province, role=AssignmentRole.LEAD, owner=focal_point)
        for act, actor, extra in acts:
            assignment = assignment_transition(assignment=assignment, action=act, actor=actor, **extra)
        return assignment

    report = (
        Action.REPORT_DONE,
        focal_point,
        {"note": "Đã ban hành", "evidence_url": "https://vanban.example.gov.vn/1"},
    )
    overdue = work("Kết nối cơ sở dữ liệu dân cư", -12, (Action.START, focal_point, {}))
    work("Số hóa hồ sơ hộ tịch", 3)
    work("Triển khai dịch vụ công trực tuyến", 40, (Action.START, focal_point, {}))
    reported = work("Ban hành kế hoạch triển khai", -2, report)
    work("Tập huấn cán bộ", -30, report, (Action.ACCEPT, staff, {"note": "Đủ minh chứng"}))
    work("Thí điểm ví điện tử", 10, (Action.CANCEL, staff, {"note": "Không còn phù hợp"}))
    work("Duy trì cổng thông tin", None)
    extension_request_create(
        assignment=overdue,
        kind=ExtensionKind.EXTEND,
        reason="Chờ kinh phí",
        requested_due_on=today + timedelta(days=30),
        actor=focal_point,
    )
    answered = explanation_request_create(
        agency=province, assignments=[overdue], message="Đề nghị giải trình lý do chậm.", actor=staff
    )
    explanation_request_answer(
        request=answered,
        answers=[ExplanationAnswer(assignment=overdue.pk, reason_kind=ReasonKind.FUNDING, reason="Chờ kinh phí")],
        actor=focal_point,
    )
    explanation_request_create(
        agency=province,
        assignments=[work("Cập nhật dữ liệu hộ tịch", -5)],
        message="Đề nghị giải trình.",
        actor=staff,
    )
    obstacle_record(
        assignment=overdue, kind="obstacle", text="Chưa có hướng dẫn kết nối", addressee=ministry, actor=focal_point
    )
    issued = report_issue(plan=plan, period=ad_hoc_period(today - timedelta(days=1)), actor=staff)
    return {"overdue": overdue, "reported": reported, "plan": plan, "report": issued}


def pages_of(work) -> dict[str, list[str]]:
    """Who opens which pages: every page a person of each role uses."""
    plan, overdue, reported = work["plan"].code, work["overdue"].pk, work["reported"].pk
    report, today = work["report"].pk, timezone.localdate()
    cut_off = last_cut_off(before=today)
    return {
        "": ["/accounts/login/", "/accounts/password_reset/", "/khong-co-trang-nay/"],
        "focal": [
            f"/?plan={plan}",
            "/my/",
            f"/assignments/{overdue}/",
            f"/assignments/{reported}/",
            "/notifications/",
            "/explanations/",
            "/calendar/",
            "/accounts/two-factor/",
            "/accounts/tokens/",
            "/obstacles/?box=ours",
            "/reports/",
            f"/reports/{report}/",
        ],
        "staff": [
            f"/?plan={plan}",
            f"/?plan={plan}&as_of={timezone.localdate() - timedelta(days=1):%Y-%m-%d}",
            f"/assignments/{overdue}/",
            f"/assignments/{reported}/",
            "/notifications/",
            "/review/",
            f"/review/?plan={plan}",
            "/extensions/",
            "/extensions/?status=decided",
            "/explanations/",
            "/obstacles/",
            "/reports/",
            f"/reports/{report}/",
            f"/reports/draft/{plan}/month/{cut_off.year}/{cut_off.month}/",
            "/reports/ad-hoc/",
            f"/reports/ad-hoc/?plan={plan}&cut_off={today - timedelta(days=2):%Y-%m-%d}",
        ],
        "admin": [
            "/admin/",
            "/admin/tasks_app/assignment/",
            f"/admin/tasks_app/assignment/{reported}/change/",
            "/admin/tasks_app/extensionrequest/",
        ],
    }


def test_every_page_is_accessible_and_fits_a_phone(new_page, province_work):
    """One pass over the pages: axe-core and the buttons' names at a desktop's width, then
    the same page at a phone's width, with the focal point's dashboard and /my/ photographed."""
    ARTIFACTS.mkdir(exist_ok=True)
    photographed = {f"/?plan={province_work['plan'].code}": "dashboard", "/my/": "my"}
    found = {}
    for username, urls in pages_of(province_work).items():
        page = new_page()
        if username:
            log_in(page, username)
        for url in urls:
            page.set_viewport_size(DESKTOP)
            page.goto(url)
            problems = accessibility_violations(page)
            if not url.startswith("/admin/"):
                problems += [f"a button that does not say what it acts on: {name}" for name in ambiguous_buttons(page)]
            page.set_viewport_size(PHONE)
            problems += [f"sticks out at 390 px: {element}" for element in sideways_overflow(page)]
            if username == "focal" and url in photographed:
                page.screenshot(path=ARTIFACTS / f"phone-390-{photographed[url]}.png", full_page=True)
            if problems:
                found[f"{username or 'anonymous'} {url}"] = problems

    assert found == {}
