"""The focal point's page, through Django's test client: what they see, and each form
going through the same service as the API."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tasks_app.models import AssignmentRole, ExtensionRequest, Status, StatusEvent
from tasks_app.services import assignment_create, assignment_transition
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import PlanFactory, TaskFactory

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


def test_requesting_an_extension(page_client, worklist):
    act(page_client, worklist["later"], "extension", kind="extend", requested_due_on="2024-12-31", reason="Chờ vốn")

    request = ExtensionRequest.objects.get()
    assert (request.assignment, request.requested_due_on) == (worklist["later"], date(2024, 12, 31))
    assert "Đã có một đề nghị đang chờ" in get_page(page_client).content.decode()


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
    assert 'id="section-awaiting_review">Đã báo cáo, chờ xác nhận (1)<' in page
    assert 'id="section-overdue"' not in page


def card_html(page: str, assignment) -> str:
    card = page[page.index(f'id="assignment-{assignment.pk}"') :]
    return card[: card.index("</article>")]


def cards_shown(response) -> list[int]:
    found = re.findall(r'<article class="card [a-z_]+" id="assignment-(\d+)">', response.content.decode())
    return [int(pk) for pk in found]


def post(client, assignment, name, query="", **data):
    """A card's form, sent as the browser sends it: the list's filters ride in its address."""
    with at(TODAY):
        return client.post(reverse("assignment_act", args=[assignment.pk, name]) + query, data)


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', page, re.S)
    return re.sub(r"<[^>]+>", "", found[1]).strip() if found else ""


def by_api(user, method, path, body):
    client = APIClient()
    client.force_authenticate(user)
    with at(TODAY):
        return getattr(client, method)(f"/api/v1/assignments/{path}/", body, format="json")


class TestFindingWork:
    @pytest.fixture
    def plans(self, agency, focal_point):
        """30 assignments of one plan, due in a month (the first started), and 3 overdue of another."""
        da06, cds = PlanFactory(code="DA06-TEST"), PlanFactory(code="CDS-TEST")

        def given(plan, number, title, due_on):
            task = TaskFactory(plan=plan, number=number, title=title, due_on=due_on)
            return assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD)

        with at(date(2024, 1, 15)):
            month = TODAY + timedelta(days=30)
            later = [given(da06, n, f"Kết nối dữ liệu dân cư, đợt {n}", month) for n in range(1, 31)]
            overdue = [given(cds, n, f"Chữ ký số, đợt {n}", TODAY - timedelta(days=n)) for n in range(1, 4)]
            assignment_transition(assignment=later[0], action=Action.START, actor=focal_point)
        return later, overdue

    def get(self, client, **query):
        with at(TODAY):
            return client.get(reverse("my_assignments"), query)

    def test_a_plan_a_status_or_a_group_narrows_the_cards(self, page_client, plans):
        later, overdue = plans

        assert sorted(cards_shown(self.get(page_client, plan="CDS-TEST"))) == sorted(a.pk for a in overdue)
        assert cards_shown(self.get(page_client, status="in_progress")) == [later[0].pk]
        assert sorted(cards_shown(self.get(page_client, group="overdue"))) == sorted(a.pk for a in overdue)
        assert cards_shown(self.get(page_client, group="overdue", plan="DA06-TEST")) == []

    def test_the_search_finds_a_title_or_a_task_number(self, page_client, plans):
        later, overdue = plans

        assert sorted(cards_shown(self.get(page_client, q="chữ ký số"))) == sorted(a.pk for a in overdue)
        assert cards_shown(self.get(page_client, q="#17")) == [later[16].pk]
        assert cards_shown(self.get(page_client, q="đợt 25")) == [later[24].pk]
        assert "Không có phân công nào phù hợp với lựa chọn." in self.get(page_client, q="không có").content.decode()

    def test_the_groups_say_how_many_each_holds_under_the_other_choices(self, page_client, plans):
        page = self.get(page_client, plan="DA06-TEST").content.decode()

        assert '<option value="overdue">Quá hạn (0)</option>' in page
        assert '<option value="open">Trong hạn hoặc không thời hạn (30)</option>' in page
        assert 'id="section-open">Trong hạn hoặc không thời hạn (30)<' in page

    def test_pages_of_25_with_the_total_and_links_that_keep_the_choices(self, page_client, plans):
        first = self.get(page_client, status="not_started")
        second = self.get(page_client, status="not_started", page="2")

        assert len(cards_shown(first)) == 25
        assert "1–25 trong 32 phân công" in first.content.decode()
        assert 'href="/my/?status=not_started&amp;page=2#worklist" rel="next"' in first.content.decode()
        assert len(cards_shown(second)) == 7
        assert "26–32 trong 32 phân công" in second.content.decode()
        assert not set(cards_shown(first)) & set(cards_shown(second))
        assert 'href="/my/?status=not_started&amp;page=1#worklist" rel="prev"' in second.content.decode()

    @pytest.mark.parametrize(
        ("query", "field", "message"),
        [
            ({"status": "xong"}, "status", "Không có trạng thái này."),
            ({"page": "0"}, "page", "Trang phải từ 1 trở lên."),
            ({"plan": "KHONG-CO"}, "plan", "Không có kế hoạch với mã này."),
        ],
    )
    def test_a_bad_choice_is_400_with_its_message(self, page_client, plans, query, field, message):
        response = self.get(page_client, **query)

        assert response.status_code == 400
        assert message in response.content.decode()
        assert cards_shown(response) == []


class TestWhereTheOutcomeShows:
    def test_a_success_returns_to_the_card_on_the_same_list_with_the_message_inside_it(self, page_client, worklist):
        later = worklist["later"]

        response = post(page_client, later, "start", query="?group=open&q=Vi%E1%BB%87c")

        assert response.status_code == 302
        assert response["Location"] == f"/my/?group=open&q=Vi%E1%BB%87c#assignment-{later.pk}"
        with at(TODAY):
            page = page_client.get(response["Location"]).content.decode()
        assert "đã bắt đầu thực hiện" in card_html(page, later)
        assert '<ul class="messages"' not in page

    def test_a_refused_report_comes_back_open_in_its_card_with_what_was_typed(
        self, page_client, worklist, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        soon = worklist["soon"]
        note = "Đã ban hành Kế hoạch số 12/KH-UBND"

        response = post(
            page_client,
            soon,
            "report_done",
            query="?group=due_soon",
            note=note,
            evidence_url="https://vanban.example.gov.vn/kh-12",
            evidence_file=SimpleUploadedFile("virus.exe", b"MZ"),
        )

        assert response.status_code == 400
        page = response.content.decode()
        card = card_html(page, soon)
        assert f'<details id="act-{soon.pk}-report_done" open>' in card
        assert f">\n{note}</textarea>" in card
        assert 'value="https://vanban.example.gov.vn/kh-12"' in card
        assert "“exe”" in field_error(card, f"a{soon.pk}_report_done_evidence_file")
        assert f'href="#a{soon.pk}_report_done_evidence_file"' in card
        assert 'id="error-summary"' in card
        # The list is the one the form was sent from.
        assert cards_shown(response) == [soon.pk]
        assert '<option value="due_soon" selected>' in page
        soon.refresh_from_db()
        assert soon.status == Status.NOT_STARTED
        assert not StatusEvent.objects.filter(action="report_done").exists()

    def test_a_malformed_link_is_refused_beside_it_with_the_note_kept(self, page_client, worklist):
        soon = worklist["soon"]

        response = post(page_client, soon, "report_done", note="Đã xong", evidence_url="không phải đường dẫn")

        assert response.status_code == 400
        card = card_html(response.content.decode(), soon)
        assert field_error(card, f"a{soon.pk}_report_done_evidence_url")
        assert ">\nĐã xong</textarea>" in card
        assert not StatusEvent.objects.filter(action="report_done").exists()

    def test_a_refusal_of_a_form_the_card_no_longer_shows_is_said_above_the_list(self, page_client, worklist):
        response = post(page_client, worklist["finished"], "report_done", note="lần nữa")

        assert response.status_code == 409
        summary = response.content.decode().split('id="error-summary"')[1].split("</div>")[0]
        assert "Không thể “Báo cáo hoàn thành” khi nhiệm vụ đang ở trạng thái “Hoàn thành”." in summary
        assert not StatusEvent.objects.filter(action="report_done").exists()

    def test_a_missing_reason_is_said_beside_the_reason(self, page_client, worklist):
        later = worklist["later"]

        response = post(page_client, later, "extension", kind="extend", requested_due_on="2024-12-31")

        assert response.status_code == 400
        assert field_error(response.content.decode(), f"a{later.pk}_extension_reason") == "Trường này là bắt buộc."
        assert not ExtensionRequest.objects.exists()


class TestProgress:
    def test_work_not_started_offers_no_progress_and_refuses_it_on_the_page_and_the_api(
        self, page_client, worklist, focal_point
    ):
        later = worklist["later"]

        assert f'id="act-{later.pk}-progress"' not in card_html(get_page(page_client).content.decode(), later)
        page = post(page_client, later, "progress", progress="40")
        api = by_api(focal_point, "patch", f"{later.pk}/progress", {"progress": 40})

        assert page.status_code == api.status_code == 409
        assert "hãy “Bắt đầu thực hiện” trước khi cập nhật tiến độ" in page.content.decode()
        assert "hãy “Bắt đầu thực hiện” trước khi cập nhật tiến độ" in api.json()["detail"]
        later.refresh_from_db()
        assert later.progress == 0
        assert not StatusEvent.objects.filter(assignment=later, kind="progress").exists()

    def test_once_started_the_card_offers_progress(self, page_client, worklist):
        later = worklist["later"]
        post(page_client, later, "start")

        assert f'id="act-{later.pk}-progress"' in card_html(get_page(page_client).content.decode(), later)

    def test_100_percent_is_a_report_not_a_progress_on_the_page_and_the_api(self, page_client, worklist, focal_point):
        later = worklist["later"]
        post(page_client, later, "start")

        page = post(page_client, later, "progress", progress="100", note="Xong rồi")
        api = by_api(focal_point, "patch", f"{later.pk}/progress", {"progress": 100})

        assert page.status_code == api.status_code == 400
        assert "Báo cáo hoàn thành" in field_error(page.content.decode(), f"a{later.pk}_progress_progress")
        assert ">\nXong rồi</textarea>" in card_html(page.content.decode(), later)
        assert "Báo cáo hoàn thành" in api.json()["progress"][0]
        later.refresh_from_db()
        assert (later.status, later.progress) == (Status.IN_PROGRESS, 0)


class TestExtensionRequests:
    def test_work_without_a_deadline_is_offered_only_a_withdrawal(self, page_client, worklist):
        always = worklist["always"]

        card = card_html(get_page(page_client).content.decode(), always)

        assert "Đề nghị rút nhiệm vụ" in card
        assert f'id="a{always.pk}_extension_requested_due_on"' not in card
        assert re.findall(r'<option value="(\w+)"', card) == ["withdraw"]

    def test_a_new_deadline_for_work_without_one_is_refused_on_the_page_and_the_api(
        self, page_client, worklist, focal_point
    ):
        always = worklist["always"]
        asked = {"kind": "postpone", "requested_due_on": "2024-12-31", "reason": "Chờ vốn"}

        page = post(page_client, always, "extension", **asked)
        api = by_api(focal_point, "post", f"{always.pk}/extension-requests", asked)

        assert page.status_code == api.status_code == 400
        assert "chỉ có thể đề nghị rút nhiệm vụ" in api.json()["kind"][0]
        assert not ExtensionRequest.objects.exists()

    def test_a_withdrawal_of_work_without_a_deadline_is_sent(self, page_client, worklist):
        post(page_client, worklist["always"], "extension", kind="withdraw", reason="Không còn phù hợp")

        request = ExtensionRequest.objects.get()
        assert (request.assignment, request.kind, request.requested_due_on) == (worklist["always"], "withdraw", None)

    def test_a_date_already_past_is_refused_beside_it_on_the_page_and_the_api(self, page_client, worklist, focal_point):
        overdue = worklist["overdue"]  # due five days ago
        asked = {"kind": "postpone", "requested_due_on": (TODAY - timedelta(days=1)).isoformat(), "reason": "Chờ vốn"}

        page = post(page_client, overdue, "extension", **asked)
        api = by_api(focal_point, "post", f"{overdue.pk}/extension-requests", asked)

        assert page.status_code == api.status_code == 400
        message = "Thời hạn đề nghị đã qua: chọn một ngày từ hôm nay (20/06/2024) trở đi."
        assert field_error(page.content.decode(), f"a{overdue.pk}_extension_requested_due_on") == message
        assert ">\nChờ vốn</textarea>" in card_html(page.content.decode(), overdue)
        assert api.json()["requested_due_on"] == [message]
        assert not ExtensionRequest.objects.exists()

    def test_today_is_the_earliest_date_that_may_be_asked(self, worklist, focal_point):
        overdue = worklist["overdue"]
        asked = {"kind": "postpone", "requested_due_on": TODAY.isoformat(), "reason": "Chờ vốn"}

        response = by_api(focal_point, "post", f"{overdue.pk}/extension-requests", asked)

        assert response.status_code == 201
        assert ExtensionRequest.objects.get().requested_due_on == TODAY


def test_every_form_is_signed_every_field_has_an_id_of_its_own_and_every_button_names_its_task(page_client, worklist):
    page = get_page(page_client).content.decode()

    assert len(re.findall(r'<form[^>]* method="post"', page)) == page.count('name="csrfmiddlewaretoken"') > 5
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert set(re.findall(r'\sfor="([^"]+)"', page)) <= set(ids)
    for assignment in worklist.values():
        card = card_html(page, assignment)
        named = f"{assignment.task.plan.code} #{assignment.task.number}, {assignment.agency}"
        for button in re.findall(r"<(?:button|summary)[^>]*>(.*?)</(?:button|summary)>", card, re.S):
            assert f'<span class="visually-hidden"> — {named}</span>' in button


def test_a_page_of_25_cards_makes_as_many_queries_as_a_page_of_5(
    page_client, worklist, agency, focal_point, django_assert_num_queries
):
    get_page(page_client)  # the session and the user, once
    with CaptureQueriesContext(connection) as five:
        assert len(cards_shown(get_page(page_client))) == 5
    with at(date(2024, 1, 15)):
        for _ in range(40):
            more = assignment_create(task=TaskFactory(), agency=agency, role=AssignmentRole.LEAD, owner=focal_point)
            assignment_transition(assignment=more, action=Action.START, actor=focal_point)

    with django_assert_num_queries(len(five)):
        response = get_page(page_client)
    assert len(cards_shown(response)) == 25
    assert "1–25 trong 45 phân công" in response.content.decode()
