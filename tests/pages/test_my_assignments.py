"""The focal point's page, through Django's test client: what they see, and each form
going through the same service as the API."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks_app.models import AssignmentRole, ExtensionRequest, Status, StatusEvent
from tasks_app.services import assignment_create, assignment_transition
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
TODAY = date(2024, 6, 20)


@pytest.fixture
def page_client(client, focal_point):
    client.force_login(focal_point)
    return client


@pytest.fixture
def worklist(agency, focal_point):
    """Overdue, due in two days, on track, no deadline, and done."""
    with at(date(2024, 1, 15)):
        made = {
            name: assignment_create(
                task=TaskFactory(due_on=due, title=f"Việc {name}"),
                agency=agency,
                role=AssignmentRole.LEAD,
                owner=focal_point,
            )
            for name, due in [
                ("overdue", TODAY - timedelta(days=5)),
                ("soon", TODAY + timedelta(days=2)),
                ("later", TODAY + timedelta(days=30)),
                ("always", None),
                ("finished", TODAY + timedelta(days=10)),
            ]
        }
    made["finished"].status, made["finished"].completed_on = Status.DONE, date(2024, 3, 1)
    made["finished"].save()
    return made


def get_page(client):
    with at(TODAY):
        return client.get(reverse("my_assignments"))


def error_messages(response):
    """The error banners above the cards, as the focal point reads them."""
    return re.findall(r'<li class="message error">(.*?)</li>', response.content.decode(), re.S)


def act(client, assignment, name, **data):
    with at(TODAY):
        return client.post(reverse("assignment_act", args=[assignment.pk, name]), data, follow=True)


def test_work_is_grouped_most_urgent_first_with_a_text_label_beside_each_colour(page_client, worklist):
    page = get_page(page_client).content.decode()

    order = [page.index(f"Việc {name}") for name in ("overdue", "soon", "later", "finished")]
    assert order == sorted(order)
    assert 'class="card overdue"' in page
    assert 'class="tag overdue">Quá hạn<' in page
    assert 'class="tag due_soon">Sắp đến hạn<' in page
    assert 'class="tag no_deadline">Không thời hạn<' in page
    assert "quá hạn 5 ngày" in page


def test_another_agencys_work_is_not_shown_nor_reachable(page_client, other_agency, other_focal_point):
    with at(date(2024, 1, 15)):
        theirs = assignment_create(task=TaskFactory(title="Việc của cơ quan khác"), agency=other_agency, role="lead")

    assert "Việc của cơ quan khác" not in get_page(page_client).content.decode()
    response = act(page_client, theirs, "start")
    assert response.status_code == 404
    assert not StatusEvent.objects.filter(assignment=theirs, kind="status").exists()


def test_starting_and_updating_progress(page_client, worklist):
    later = worklist["later"]

    page = act(page_client, later, "start").content.decode()
    assert "đã bắt đầu thực hiện" in page
    act(page_client, later, "progress", progress="40", note="Đã xong phần khảo sát")

    later.refresh_from_db()
    assert (later.status, later.progress) == (Status.IN_PROGRESS, 40)
    assert StatusEvent.objects.filter(assignment=later, note="Đã xong phần khảo sát").exists()


def test_reporting_done_with_a_note_a_link_and_a_file(page_client, worklist, client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    soon = worklist["soon"]
    evidence = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minh chung", content_type="application/pdf")

    act(
        page_client,
        soon,
        "report_done",
        note="Đã ban hành kế hoạch",
        evidence_url="https://vanban.example.gov.vn/kh-123",
        evidence_file=evidence,
    )

    soon.refresh_from_db()
    assert soon.status == Status.REPORTED
    report = StatusEvent.objects.get(assignment=soon, action="report_done")
    assert (report.note, report.evidence_url) == ("Đã ban hành kế hoạch", "https://vanban.example.gov.vn/kh-123")
    download = reverse("evidence_download", args=[report.pk])
    assert download in get_page(page_client).content.decode()
    client.force_login(staff)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 minh chung"


def test_evidence_of_another_agency_is_not_served(client, worklist, focal_point, other_focal_point, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(focal_point)
    act(client, worklist["soon"], "report_done", evidence_file=SimpleUploadedFile("a.pdf", b"x"))
    report = StatusEvent.objects.get(assignment=worklist["soon"], action="report_done")

    client.force_login(other_focal_point)

    assert client.get(reverse("evidence_download", args=[report.pk])).status_code == 404


def test_a_refusal_is_a_clear_message_and_changes_nothing(page_client, worklist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    finished = worklist["finished"]

    page = act(page_client, finished, "report_done", note="lần nữa")
    bad_file = act(page_client, worklist["later"], "report_done", evidence_file=SimpleUploadedFile("virus.exe", b"MZ"))
    no_reason = act(page_client, worklist["later"], "extension", kind="extend", requested_due_on="2024-12-31")

    assert error_messages(page) == ["Không thể “Báo cáo hoàn thành” khi nhiệm vụ đang ở trạng thái “Hoàn thành”."]
    [file_refusal] = error_messages(bad_file)
    assert "“exe”" in file_refusal
    # Every open card shows a "Lý do" field: the refusal is the message naming it.
    assert error_messages(no_reason) == ["Lý do: Trường này là bắt buộc."]
    assert not ExtensionRequest.objects.exists()
    assert not StatusEvent.objects.filter(action="report_done").exists()


def test_requesting_an_extension(page_client, worklist):
    act(page_client, worklist["later"], "extension", kind="extend", requested_due_on="2024-12-31", reason="Chờ vốn")

    request = ExtensionRequest.objects.get()
    assert (request.assignment, request.requested_due_on) == (worklist["later"], date(2024, 12, 31))
    assert "Đã có một đề nghị đang chờ" in get_page(page_client).content.decode()


def test_the_page_makes_no_query_per_assignment(page_client, worklist, agency, django_assert_max_num_queries):
    with at(date(2024, 1, 15)):
        for _ in range(20):
            assignment_create(task=TaskFactory(), agency=agency, role=AssignmentRole.LEAD)

    with django_assert_max_num_queries(10):
        response = get_page(page_client)
    assert response.content.decode().count('<article class="card') == 25


def test_work_reported_on_time_shows_as_waiting_for_review_not_overdue(page_client, worklist, focal_point):
    overdue = worklist["overdue"]
    with at(overdue.due_on - timedelta(days=1)):
        assignment_transition(assignment=overdue, action=Action.REPORT_DONE, actor=focal_point)

    page = get_page(page_client).content.decode()

    card = page[page.index(f'id="assignment-{overdue.pk}"') :]
    card = card[: card.index("</article>")]
    assert 'class="tag awaiting_review">Chờ xác nhận<' in card
    assert "Quá hạn" not in card
    assert "quá hạn" not in card
    assert 'id="section-awaiting_review"' in page
    assert 'id="section-overdue">\n    Quá hạn\n    (0)' in page
