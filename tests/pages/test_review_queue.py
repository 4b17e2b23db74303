"""Committee staff's review queue, through Django's test client: the waiting reports with
their evidence, the filters, accepting or returning one report or a selection, and the
waiting count in the header."""

import re
from datetime import date
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import MembershipRole, Region
from tasks_app.models import Assignment, AssignmentRole, Status, StatusEvent
from tasks_app.services import assignment_create, assignment_transition
from tasks_app.workflow import Action
from tests.conftest import at, member
from tests.factories import MembershipFactory, PlanFactory, ProvinceFactory, TaskFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("review_queue")


def text(response) -> str:
    """The page as a reader sees it: tags gone, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def queue_ids(response) -> list[int]:
    return [
        int(pk) for pk in re.findall(r'<li class="card awaiting_review" id="report-(\d+)"', response.content.decode())
    ]


@pytest.fixture
def report(agency, focal_point):
    """Reported work: a task of `plan` due 30/06/2024 given to `in_agency`, reported by `by` on `on`."""

    def report(*, on, in_agency=agency, by=focal_point, plan=None, title=None, **evidence):
        task = TaskFactory(**{k: v for k, v in {"plan": plan, "title": title}.items() if v is not None})
        with at(date(2024, 1, 15)):
            assignment = assignment_create(task=task, agency=in_agency, role=AssignmentRole.LEAD)
        with at(on):
            assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=by, **evidence)
        return assignment

    return report


@pytest.fixture
def province():
    return ProvinceFactory(code="HNI-TEST", name="Hà Nội (thử nghiệm)", region=Region.RED_RIVER_DELTA)


@pytest.fixture
def province_focal(province):
    return member(province, MembershipRole.FOCAL_POINT, "hn.focal")


def decide(client, assignment, act, note="", query=""):
    return client.post(f"{reverse('review_decide', args=[assignment.pk])}{query}", {"act": act, "note": note})


def test_staff_see_only_the_waiting_reports_oldest_first_with_note_and_evidence(
    client, staff, report, assignment, focal_point, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    later = report(on=date(2024, 7, 5), note="Báo cáo muộn")
    earlier = report(
        on=date(2024, 6, 20),
        note="Đã ban hành Kế hoạch số 12/KH",
        evidence_url="https://vanban.example.gov.vn/kh-12",
        evidence_file=SimpleUploadedFile("ke-hoach-12.pdf", b"%PDF-1.4 minh chung"),
    )
    accepted = report(on=date(2024, 6, 1))
    assignment_transition(assignment=accepted, action=Action.ACCEPT, actor=staff)
    # `assignment` was never reported: not in the queue.
    client.force_login(staff)

    response = client.get(QUEUE)

    assert response.status_code == 200
    assert queue_ids(response) == [earlier.pk, later.pk]
    page = text(response)
    assert "2 báo cáo chờ xác nhận" in page
    assert "Đã ban hành Kế hoạch số 12/KH" in page
    assert "Báo cáo muộn" in page
    assert page.index("Báo cáo đúng hạn") < page.index("Báo cáo sau thời hạn")
    assert f"{focal_point.get_username()}, lúc 20/06/2024 10:00" in page
    html = response.content.decode()
    assert '<a href="https://vanban.example.gov.vn/kh-12" rel="noopener noreferrer">' in html
    event = StatusEvent.objects.get(assignment=earlier, action=Action.REPORT_DONE)
    assert f'<a href="{reverse("evidence_download", args=[event.pk])}">Tệp minh chứng: ke-hoach-12.pdf</a>' in html
    assert f'href="{reverse("assignment_detail", args=[earlier.pk])}"' in html


def test_a_focal_point_is_refused_and_someone_logged_out_is_sent_to_log_in(client, focal_point, report):
    waiting = report(on=date(2024, 6, 20))
    assert client.get(QUEUE).status_code == 302
    client.force_login(focal_point)

    response = client.get(QUEUE)

    assert response.status_code == 403
    assert "Trang này chỉ dành cho Tổ giúp việc." in text(response)
    assert decide(client, waiting, "accept").status_code == 403
    assert client.post(reverse("review_selection"), {"act": "accept", "selected": [waiting.pk]}).status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == Status.REPORTED


def test_the_filters_select_the_rows_of_a_plan_a_kind_a_region_and_an_agency(
    client, staff, report, agency, province, province_focal
):
    da06 = PlanFactory(code="DA06-2024")
    ministry_da06 = report(on=date(2024, 6, 1), plan=da06)
    province_da06 = report(on=date(2024, 6, 2), plan=da06, in_agency=province, by=province_focal)
    province_other = report(on=date(2024, 6, 3), in_agency=province, by=province_focal)
    client.force_login(staff)

    def rows(**query):
        response = client.get(QUEUE, query)
        assert response.status_code == 200
        return queue_ids(response)

    assert rows() == [ministry_da06.pk, province_da06.pk, province_other.pk]
    assert rows(plan="DA06-2024") == [ministry_da06.pk, province_da06.pk]
    assert rows(kind="province") == [province_da06.pk, province_other.pk]
    assert rows(region=Region.RED_RIVER_DELTA) == [province_da06.pk, province_other.pk]
    assert rows(agency=agency.code) == [ministry_da06.pk]
    assert rows(plan="DA06-2024", kind="province") == [province_da06.pk]
    refused = client.get(QUEUE, {"plan": "KHONG-CO"})
    assert refused.status_code == 400
    assert "Không có kế hoạch với mã này." in text(refused)


def test_the_page_runs_a_fixed_number_of_queries_and_shows_fifty_with_the_total(
    client, staff, report, django_assert_max_num_queries, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    plan = PlanFactory(code="DA06-2024")
    for day in range(1, 4):
        report(on=date(2024, 6, day), plan=plan, evidence_url="https://vanban.example.gov.vn/a")
    client.force_login(staff)
    client.get(QUEUE)  # the session and the user's roles, read on every page, are not the list's
    with django_assert_max_num_queries(20) as few:
        assert len(queue_ids(client.get(QUEUE, {"plan": "DA06-2024"}))) == 3
    for n in range(52):
        report(
            on=date(2024, 6, 1 + n % 28),
            plan=plan,
            evidence_file=SimpleUploadedFile(f"bao-cao-{n}.pdf", b"%PDF-1.4"),
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(QUEUE, {"plan": "DA06-2024"})

    assert len(queue_ids(response)) == 50
    page = text(response)
    assert "55 báo cáo chờ xác nhận" in page
    assert "Trang 1/2" in page
    assert 'href="?plan=DA06-2024&amp;page=2"' in response.content.decode()
    assert len(queue_ids(client.get(QUEUE, {"plan": "DA06-2024", "page": 2}))) == 5


def test_accepting_one_report_takes_it_off_the_queue_with_a_message_and_keeps_the_filters(
    client, staff, report, province, province_focal
):
    waiting = report(on=date(2024, 6, 20), in_agency=province, by=province_focal)
    other = report(on=date(2024, 6, 21), in_agency=province, by=province_focal)
    client.force_login(staff)

    response = decide(client, waiting, "accept", note="Đủ minh chứng", query="?kind=province&page=1")

    assert response.status_code == 302
    assert response.url == f"{QUEUE}?kind=province&page=1"
    waiting.refresh_from_db()
    assert waiting.status == Status.DONE
    assert waiting.completed_on == date(2024, 6, 20)
    assert StatusEvent.objects.get(assignment=waiting, action=Action.ACCEPT).note == "Đủ minh chứng"
    page = client.get(response.url)
    assert queue_ids(page) == [other.pk]
    assert f"{waiting.task.plan.code} #{waiting.task.number}: đã xác nhận hoàn thành." in text(page)


def test_returning_without_a_reason_is_refused_beside_the_field_and_changes_nothing(client, staff, report):
    waiting = report(on=date(2024, 6, 20))
    client.force_login(staff)

    response = decide(client, waiting, "return", note="   ", query="?plan=" + waiting.task.plan.code)

    assert response.status_code == 400
    waiting.refresh_from_db()
    assert waiting.status == Status.REPORTED
    assert not StatusEvent.objects.filter(assignment=waiting, action=Action.RETURN).exists()
    html = response.content.decode()
    field = f"review-{waiting.pk}_note"
    assert re.search(rf'<ul class="errorlist" id="{field}_error"><li>[^<]*Cần nêu lý do.</li></ul>', html)
    assert f'<a href="#{field}">' in html  # the error summary leads to the field
    assert queue_ids(response) == [waiting.pk]


def test_a_decision_the_queue_does_not_offer_is_refused_and_changes_nothing(client, staff, report):
    waiting = report(on=date(2024, 6, 20))
    client.force_login(staff)

    response = decide(client, waiting, "cancel", note="Dừng")

    assert response.status_code == 400
    assert "Chọn xác nhận hoặc trả lại báo cáo." in text(response)
    waiting.refresh_from_db()
    assert waiting.status == Status.REPORTED


def test_a_refused_decision_keeps_what_was_typed(client, staff, agency, report):
    """Nobody accepts their own report: a staff member who is also the agency's focal point."""
    MembershipFactory(agency=agency, role=MembershipRole.FOCAL_POINT, user=staff)
    own = report(on=date(2024, 6, 20), by=staff)
    client.force_login(staff)

    response = decide(client, own, "accept", note="Tôi đã kiểm tra kỹ")

    assert response.status_code == 403
    assert "Không thể tự xác nhận báo cáo hoàn thành của chính mình." in text(response)
    assert re.search(
        rf'<textarea[^>]*id="review-{own.pk}_note"[^>]*>\s*Tôi đã kiểm tra kỹ</textarea>', response.content.decode()
    )
    own.refresh_from_db()
    assert own.status == Status.REPORTED


def test_a_selection_is_accepted_together(client, staff, report):
    first, second, left = (report(on=date(2024, 6, day)) for day in (1, 2, 3))
    client.force_login(staff)

    response = client.post(
        f"{reverse('review_selection')}?plan={first.task.plan.code}",
        {"act": "accept", "selected": [first.pk, second.pk], "note": "Đạt yêu cầu"},
    )

    assert response.status_code == 302
    assert response.url == f"{QUEUE}?plan={first.task.plan.code}"
    assert {a.pk: a.status for a in (first, second, left) if not a.refresh_from_db()} == {
        first.pk: Status.DONE,
        second.pk: Status.DONE,
        left.pk: Status.REPORTED,
    }
    assert set(StatusEvent.objects.filter(action=Action.ACCEPT).values_list("note", flat=True)) == {"Đạt yêu cầu"}
    page = text(client.get(QUEUE))
    assert "Đã xác nhận hoàn thành 2 báo cáo:" in page


def test_in_a_selection_the_staff_members_own_report_is_refused_by_name_and_the_others_are_done(
    client, staff, agency, report
):
    MembershipFactory(agency=agency, role=MembershipRole.FOCAL_POINT, user=staff)
    others = [report(on=date(2024, 6, 1)), report(on=date(2024, 6, 2))]
    own = report(on=date(2024, 6, 3), by=staff)
    client.force_login(staff)

    response = client.post(
        reverse("review_selection"), {"act": "accept", "selected": [a.pk for a in (*others, own)]}, follow=True
    )

    assert response.status_code == 200
    for assignment in others:
        assignment.refresh_from_db()
        assert assignment.status == Status.DONE
    own.refresh_from_db()
    assert own.status == Status.REPORTED
    page = text(response)
    assert "Đã xác nhận hoàn thành 2 báo cáo:" in page
    assert (
        f"Không thực hiện được với {own.task.plan.code} #{own.task.number}, {agency}: "
        "Không thể tự xác nhận báo cáo hoàn thành của chính mình."
    ) in page
    assert queue_ids(response) == [own.pk]


def test_returning_a_selection_needs_a_reason_and_keeps_the_ticks(client, staff, report):
    first, second = report(on=date(2024, 6, 1)), report(on=date(2024, 6, 2))
    client.force_login(staff)

    response = client.post(reverse("review_selection"), {"act": "return", "selected": [first.pk, second.pk]})

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<ul class="errorlist" id="selection_note_error"><li>Cần nêu lý do.</li></ul>', html)
    assert all(f'id="select-{a.pk}" checked' in html for a in (first, second))
    assert not StatusEvent.objects.filter(action=Action.RETURN).exists()

    returned = client.post(
        reverse("review_selection"), {"act": "return", "selected": [first.pk, second.pk], "note": "Thiếu minh chứng"}
    )

    assert returned.status_code == 302
    assert set(StatusEvent.objects.filter(action=Action.RETURN).values_list("assignment", "note")) == {
        (first.pk, "Thiếu minh chứng"),
        (second.pk, "Thiếu minh chứng"),
    }


def test_a_selection_costs_the_same_few_queries_for_each_report(client, staff, report):
    """Each report goes through assignment_transition on its own (one write path, one
    refusal per report): a selection costs a fixed number of queries per report, never
    one that grows with the size of the queue or the history."""
    reports = [report(on=date(2024, 6, 1 + n)) for n in range(7)]
    client.force_login(staff)
    client.get(QUEUE)

    def queries(selection) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                reverse("review_selection"), {"act": "accept", "selected": [a.pk for a in selection]}
            )
        assert response.status_code == 302
        return len(captured.captured_queries)

    one, two, four = queries(reports[:1]), queries(reports[1:3]), queries(reports[3:7])

    per_report = two - one
    assert per_report <= 15
    assert four - two == 2 * per_report
    assert Assignment.objects.filter(status=Status.DONE).count() == 7


def test_the_header_shows_staff_the_waiting_count_and_nobody_else(client, staff, focal_point, report):
    report(on=date(2024, 6, 1))
    report(on=date(2024, 6, 2))
    client.force_login(staff)

    html = client.get(reverse("notifications")).content.decode()

    badge = (
        '<span class="badge"><span aria-hidden="true">2</span>'
        '<span class="visually-hidden">2 báo cáo chờ xác nhận</span></span>'
    )
    assert re.search(rf'<a href="{QUEUE}" id="nav-review-queue">Chờ xác nhận\s*{badge}', html)
    client.force_login(focal_point)
    assert "nav-review-queue" not in client.get(reverse("notifications")).content.decode()


def test_a_report_a_colleague_already_decided_is_refused_with_the_reason(client, staff, other_staff, report):
    waiting = report(on=date(2024, 6, 20))
    assignment_transition(assignment=waiting, action=Action.ACCEPT, actor=other_staff)
    client.force_login(staff)

    response = decide(client, waiting, "return", note="Thiếu minh chứng")

    assert response.status_code == 409
    assert "Không thể “Trả lại báo cáo” khi nhiệm vụ đang ở trạng thái “Hoàn thành”." in text(response)
    waiting.refresh_from_db()
    assert waiting.status == Status.DONE


def test_the_dashboard_leads_staff_to_the_plans_queue(client, staff, focal_point, report):
    waiting = report(on=date(2024, 6, 20))
    link = f'href="{QUEUE}?plan={waiting.task.plan.code}"'
    client.force_login(staff)

    assert link in client.get(reverse("dashboard"), {"plan": waiting.task.plan.code}).content.decode()
    client.force_login(focal_point)
    assert link not in client.get(reverse("dashboard"), {"plan": waiting.task.plan.code}).content.decode()
