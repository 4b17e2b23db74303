"""The assignment page, through Django's test client: what each viewer sees, the forms of
what they may do now, and the links from e-mails, notifications and lists that lead here."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.services import digests_send, reminders_scan
from tasks_app.models import AssignmentRole, ExtensionKind, Status, StatusEvent
from tasks_app.services import (
    assignment_create,
    assignment_transition,
    assignment_update_progress,
    extension_request_create,
    extension_request_decide,
)
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
TODAY = date(2024, 7, 10)


def page_url(assignment) -> str:
    return reverse("assignment_detail", args=[assignment.pk])


def get(client, assignment):
    with at(TODAY):
        return client.get(page_url(assignment))


def post(client, assignment, act, **data):
    with at(TODAY):
        return client.post(reverse("assignment_detail_act", args=[assignment.pk, act]), data, follow=True)


def text(response) -> str:
    """The page as a reader sees it: tags gone, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def reported(assignment, agency, other_agency, focal_point, staff, settings, tmp_path):
    """Started, 40 % along, given two more months, then reported done with a note, a link
    and a file; another agency supports the same task."""
    settings.MEDIA_ROOT = tmp_path
    task = assignment.task
    task.group, task.expected_product = "Nhóm dịch vụ công", "Kế hoạch triển khai được ban hành"
    task.save()
    with at(date(2024, 1, 15)):
        assignment_create(task=task, agency=other_agency, role=AssignmentRole.SUPPORT)
    focal_point.first_name, focal_point.last_name = "Nguyễn Văn", "A"
    focal_point.save()
    with at(date(2024, 3, 15), 9):
        assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
        assignment_update_progress(assignment=assignment, progress=40, actor=focal_point, note="Xong khảo sát")
        request = extension_request_create(
            assignment=assignment,
            kind=ExtensionKind.EXTEND,
            reason="Chờ văn bản hướng dẫn",
            requested_due_on=date(2024, 8, 31),
            actor=focal_point,
        )
    with at(date(2024, 4, 1)):
        extension_request_decide(request=request, approve=True, actor=staff, note="Đồng ý")
    with at(date(2024, 7, 1), 9):
        assignment_transition(
            assignment=assignment,
            action=Action.REPORT_DONE,
            actor=focal_point,
            note="Đã ban hành Kế hoạch số 12/KH",
            evidence_url="https://vanban.example.gov.vn/kh-12",
            evidence_file=SimpleUploadedFile("kh-12.pdf", b"%PDF-1.4", content_type="application/pdf"),
        )
    assignment.refresh_from_db()
    return assignment


def test_the_focal_point_sees_every_part_of_the_assignment(client, focal_point, reported, other_agency):
    client.force_login(focal_point)
    response = get(client, reported)
    page = text(response)

    assert response.status_code == 200
    task = reported.task
    for part in [
        f"{task.plan.code} #{task.number}: {task.title}",
        task.plan.title,
        "Nhóm dịch vụ công",
        "Kế hoạch triển khai được ban hành",
        f"Cơ quan {reported.agency} (Chủ trì)",
        f"{other_agency} (Phối hợp)",
        "Người phụ trách Nguyễn Văn A",
        "Trạng thái Đã báo cáo hoàn thành (chờ xác nhận)",
        "Thời hạn ban đầu 30/06/2024",
        "Thời hạn hiện tại 31/08/2024 (đã điều chỉnh từ 30/06/2024",
        "Tình trạng thời hạn Chờ xác nhận",
        "Tiến độ 40%",
        "Đã ban hành Kế hoạch số 12/KH",
        "Giãn thời hạn — đến ngày 31/08/2024: Đã chấp thuận",
        "Chờ văn bản hướng dẫn",
        "staff quyết định lúc 01/04/2024 10:00: Đồng ý",
        "01/07/2024 09:00 — Nguyễn Văn A: Báo cáo hoàn thành (từ “Đang thực hiện” sang "
        "“Đã báo cáo hoàn thành (chờ xác nhận)”) — ghi chú: Đã ban hành Kế hoạch số 12/KH",
        "01/04/2024 10:00 — staff: Giãn thời hạn từ 30/06/2024 đến 31/08/2024 — ghi chú: Đồng ý",
        "15/03/2024 09:00 — Nguyễn Văn A: Cập nhật tiến độ từ 0% thành 40% — ghi chú: Xong khảo sát",
        "15/01/2024 10:00 — Hệ thống: Giao nhiệm vụ cho",
    ]:
        assert part in page
    html = response.content.decode()
    report = StatusEvent.objects.get(assignment=reported, action=Action.REPORT_DONE)
    assert 'href="https://vanban.example.gov.vn/kh-12"' in html
    assert f'href="{reverse("evidence_download", args=[report.pk])}"' in html
    # Reported, the work waits for committee staff: the agency has nothing to do now.
    assert 'id="actions"' not in html


def test_the_focal_point_of_open_work_sees_the_forms_to_start_report_update_and_ask(client, focal_point, assignment):
    client.force_login(focal_point)
    html = get(client, assignment).content.decode()

    for act in ("start", "report_done", "extension"):
        assert f'id="act-{act}"' in html
    assert 'name="evidence_url"' in html
    assert 'name="evidence_file"' in html
    assert 'id="act-accept"' not in html
    # Progress is for work under way: once started, the page offers it.
    assert 'id="act-progress"' not in html
    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    assert 'id="act-progress"' in get(client, assignment).content.decode()


def test_committee_staff_see_accept_return_and_cancel_on_a_reported_assignment(client, staff, reported):
    client.force_login(staff)
    html = get(client, reported).content.decode()

    for act in ("accept", "return", "cancel"):
        assert f'id="act-{act}"' in html
    assert 'id="act-report_done"' not in html
    assert f"Xác nhận hoàn thành — {reported.task.plan.code} #{reported.task.number}, {reported.agency}" in text(
        get(client, reported)
    )


def test_accepting_through_the_page_marks_the_work_done_and_says_so(client, staff, reported):
    client.force_login(staff)

    response = post(client, reported, "accept", note="Đủ minh chứng")

    assert response.redirect_chain == [(page_url(reported), 302)]
    reported.refresh_from_db()
    assert reported.status == Status.DONE
    assert StatusEvent.objects.filter(assignment=reported, action=Action.ACCEPT, actor=staff).exists()
    page = text(response)
    assert f"{reported.task.plan.code} #{reported.task.number}: đã xác nhận hoàn thành." in page
    assert "Trạng thái Hoàn thành" in page
    assert "staff: Xác nhận hoàn thành (từ “Đã báo cáo hoàn thành (chờ xác nhận)” sang “Hoàn thành”)" in page


def test_the_agencys_leader_reads_the_page_and_is_offered_nothing(client, leader, assignment):
    client.force_login(leader)
    response = get(client, assignment)

    assert response.status_code == 200
    assert assignment.task.title in text(response)
    assert 'id="actions"' not in response.content.decode()


def test_another_agencys_focal_point_gets_not_found(client, other_focal_point, assignment):
    client.force_login(other_focal_point)

    assert get(client, assignment).status_code == 404
    assert post(client, assignment, "start").status_code == 404
    assert not StatusEvent.objects.filter(assignment=assignment, kind="status").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, assignment):
    response = get(client, assignment)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={page_url(assignment)}"


def test_a_refused_report_keeps_what_was_typed_and_shows_the_error_beside_its_field(client, focal_point, assignment):
    client.force_login(focal_point)

    response = post(
        client, assignment, "report_done", note="Đã ban hành Kế hoạch số 12/KH", evidence_url="ftp://tep.example/kh"
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r">\s*Đã ban hành Kế hoạch số 12/KH</textarea>", html)
    assert 'value="ftp://tep.example/kh"' in html
    assert re.search(
        r'<ul class="errorlist" id="report_done_evidence_url_error"><li>Đường dẫn minh chứng không hợp lệ.</li>', html
    )
    assert '<a href="#report_done_evidence_url">Đường dẫn minh chứng không hợp lệ.</a>' in html
    assert "Có lỗi cần sửa" in html
    assignment.refresh_from_db()
    assert assignment.status == Status.NOT_STARTED


def test_returning_a_report_without_a_reason_is_refused_beside_the_note(client, staff, reported):
    client.force_login(staff)

    response = post(client, reported, "return", note="  ")

    assert response.status_code == 400
    assert re.search(r'id="return_note_error"><li>Cần nêu lý do.</li>', response.content.decode())
    # The field names its error, so that a screen reader reads it with the field.
    assert re.search(r'<textarea[^>]*aria-describedby="return_note_error"', response.content.decode())
    reported.refresh_from_db()
    assert reported.status == Status.REPORTED


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_history(
    client, focal_point, assignment, django_assert_max_num_queries
):
    client.force_login(focal_point)
    with at(date(2024, 3, 1)):
        assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
        assignment_update_progress(assignment=assignment, progress=10, actor=focal_point)
    get(client, assignment)  # the session and the language are read once and cached
    with django_assert_max_num_queries(20) as short:
        get(client, assignment)
    with at(date(2024, 3, 2)):
        for progress in range(11, 41):
            assignment_update_progress(assignment=assignment, progress=progress, actor=focal_point, note=str(progress))
    with django_assert_max_num_queries(len(short.captured_queries)):
        assert "Cập nhật tiến độ từ 39% thành 40%" in text(get(client, assignment))


def test_the_digest_links_to_the_page_which_opens_for_its_recipient_only(
    client, focal_point, other_focal_point, agency
):
    monday = date(2024, 7, 1)
    with at(date(2024, 1, 15)):
        late = assignment_create(
            task=TaskFactory(due_on=monday - timedelta(days=1)), agency=agency, role="lead", owner=focal_point
        )
    with at(monday, 8):
        reminders_scan(on=monday)
        digests_send(recipient_ids=[focal_point.pk])

    [message] = mail.outbox
    # The assignment's link; the other one, at the end of every e-mail, is to the tracker itself.
    [link] = [href for href in re.findall(r'href="([^"]+)"', message.alternatives[0][0]) if "/assignments/" in href]
    assert link == f"{settings.SITE_URL}{page_url(late)}"
    assert link in message.body
    path = link.removeprefix(settings.SITE_URL)
    client.force_login(focal_point)
    assert client.get(path).status_code == 200
    client.force_login(other_focal_point)
    assert client.get(path).status_code == 404


def test_each_notification_links_to_its_assignment_page_with_the_task_title_in_one_query(
    client, focal_point, staff, reported, agency, django_assert_max_num_queries
):
    assignment_transition(assignment=reported, action=Action.RETURN, actor=staff, note="Thiếu phụ lục")
    client.force_login(focal_point)
    client.get(reverse("notifications"))  # the session and the language are read once and cached
    with django_assert_max_num_queries(20) as one:
        html = client.get(reverse("notifications")).content.decode()

    task = reported.task
    assert f'<a href="{page_url(reported)}">{task.plan.code} #{task.number}: {task.title}</a>' in html
    more = []
    for _ in range(5):
        with at(date(2024, 1, 15)):
            more.append(assignment_create(task=TaskFactory(), agency=agency, role="lead", owner=focal_point))
        assignment_transition(assignment=more[-1], action=Action.REPORT_DONE, actor=focal_point)
        assignment_transition(assignment=more[-1], action=Action.RETURN, actor=staff, note="Thiếu phụ lục")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(reverse("notifications")).content.decode()
    for assignment in more:
        assert f'<a href="{page_url(assignment)}">' in html


def test_the_overdue_list_the_cards_the_admin_and_the_outbox_link_to_the_page(client, staff, focal_point, assignment):
    staff.is_staff = True
    staff.save()
    link = f'href="{page_url(assignment)}"'
    with at(TODAY):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

    client.force_login(staff)
    with at(TODAY):
        dashboard = client.get(reverse("dashboard"), {"plan": assignment.task.plan.code})
        admin_list = client.get(reverse("admin:tasks_app_assignment_changelist"))
        admin_page = client.get(reverse("admin:tasks_app_assignment_change", args=[assignment.pk]))
        outbox = client.get(reverse("admin:notifications_notification_changelist"))
    client.force_login(focal_point)
    with at(TODAY):
        cards = client.get(reverse("my_assignments"))

    for response in (dashboard, admin_list, admin_page, outbox, cards):
        assert link in response.content.decode()


def test_the_page_and_its_history_read_in_english_when_asked(client, focal_point, assignment):
    client.force_login(focal_point)
    with at(TODAY):
        page = text(client.get(page_url(assignment), HTTP_ACCEPT_LANGUAGE="en"))

    assert "Latest completion report" in page
    assert f"15/01/2024 10:00 — System: Task given to {assignment.agency}" in page


@pytest.fixture
def asked(assignment, focal_point):
    with at(date(2024, 6, 1)):
        return extension_request_create(
            assignment=assignment,
            kind=ExtensionKind.POSTPONE,
            reason="Chờ kinh phí",
            requested_due_on=date(2024, 9, 30),
            actor=focal_point,
        )


def test_committee_staff_decide_a_pending_extension_request_on_the_page(client, staff, assignment, asked):
    client.force_login(staff)
    assert 'id="act-extension_decide"' in get(client, assignment).content.decode()

    refused = post(client, assignment, "extension_decide", request=asked.pk, approve="no", note="")
    approved = post(client, assignment, "extension_decide", request=asked.pk, approve="yes", note="Đồng ý lùi")

    assert refused.status_code == 400
    assert re.search(r'id="extension_decide_note_error"><li>Cần nêu lý do.</li>', refused.content.decode())
    assert approved.redirect_chain == [(page_url(assignment), 302)]
    assignment.refresh_from_db()
    assert assignment.due_on == date(2024, 9, 30)
    page = text(approved)
    assert "đã quyết định đề nghị điều chỉnh thời hạn" in page
    assert "Lùi thời hạn — đến ngày 30/09/2024: Đã chấp thuận" in page
    assert "Lùi thời hạn từ 30/06/2024 đến 30/09/2024 — ghi chú: Đồng ý lùi" in page
    assert 'id="act-extension_decide"' not in approved.content.decode()


def test_work_reported_on_time_and_waiting_reads_waiting_for_review_not_overdue(client, focal_point, assignment):
    client.force_login(focal_point)
    assignment.due_on = TODAY - timedelta(days=5)
    assignment.save()
    with at(TODAY - timedelta(days=6)):
        assignment_transition(assignment=assignment, action=Action.REPORT_DONE, actor=focal_point)

    timeliness = re.search(r'<dd id="timeliness">(.*?)</dd>', get(client, assignment).content.decode(), re.S)[1]

    assert timeliness == "Chờ xác nhận"
