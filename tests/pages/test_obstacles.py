"""Difficulties, obstacles and proposals on the pages: raised from the assignment page,
answered from /obstacles/ by the addressee, closed by the author's side; the staff's list
filtered, sorted, paged and downloaded; refused forms keep what was typed."""

import io
import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tasks_app.models import AssignmentRole, Obstacle, ObstacleStatus
from tasks_app.services import assignment_create, obstacle_answer, obstacle_record
from tests.conftest import at, member
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db
DAY = date(2024, 3, 4)
LIST = "/obstacles/"


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def get(client, path=LIST, **query):
    with at(DAY):
        return client.get(path, query)


def post(client, path, **data):
    with at(DAY):
        return client.post(path, data, follow=True)


def raise_one(focal_point, assignment, addressee, kind="obstacle", text="Chưa có hướng dẫn kết nối."):
    with at(DAY):
        return obstacle_record(assignment=assignment, kind=kind, text=text, addressee=addressee, actor=focal_point)


@pytest.fixture
def raised(focal_point, assignment, other_agency):
    return raise_one(focal_point, assignment, other_agency)


class TestOnTheAssignmentPage:
    def test_the_focal_point_raises_one_addressed_to_a_ministry(self, client, focal_point, assignment, other_agency):
        client.force_login(focal_point)
        page = get(client, reverse("assignment_detail", args=[assignment.pk])).content.decode()
        assert 'id="obstacle-form"' in page
        assert f'<option value="{other_agency.code}">' in page
        assert f'<option value="{assignment.agency.code}">' not in page

        response = post(
            client,
            reverse("assignment_detail_act", args=[assignment.pk, "obstacle"]),
            kind="proposal",
            text="Đề nghị Bộ Y tế ban hành hướng dẫn.",
            addressee=other_agency.code,
        )

        assert response.status_code == 200
        shown = text(response)
        assert "đã gửi khó khăn, vướng mắc, kiến nghị" in shown
        assert "Kiến nghị: " in shown
        assert "Đề nghị Bộ Y tế ban hành hướng dẫn." in shown
        obstacle = Obstacle.objects.get()
        assert (obstacle.addressee, obstacle.kind) == (other_agency, "proposal")
        history = response.content.decode().split('id="history"')[1]
        assert f'href="#obstacle-{obstacle.pk}">Nêu khó khăn, vướng mắc, kiến nghị (Kiến nghị, gửi ' in history

    def test_a_refused_item_keeps_the_typed_text_and_shows_the_error_beside_its_field(
        self, client, focal_point, assignment
    ):
        client.force_login(focal_point)

        response = post(
            client, reverse("assignment_detail_act", args=[assignment.pk, "obstacle"]), kind="obstacle", text="Chờ"
        )

        assert response.status_code == 400
        html = response.content.decode()
        assert re.search(r">\s*Chờ</textarea>", html)
        assert 'id="obstacle_addressee_error"' in html
        assert '<a href="#obstacle_addressee">' in html
        assert not Obstacle.objects.exists()

    def test_the_leader_and_staff_read_the_section_without_the_form(self, client, leader, staff, raised, assignment):
        for user in (leader, staff):
            client.force_login(user)
            page = get(client, reverse("assignment_detail", args=[assignment.pk])).content.decode()
            assert 'id="obstacle-form"' not in page
            assert f'id="obstacle-{raised.pk}"' in page

    def test_the_author_resolves_it_on_the_page_and_a_refusal_keeps_the_form(
        self, client, focal_point, other_focal_point, raised, assignment
    ):
        obstacle_answer(obstacle=raised, text="Đã có hướng dẫn số 12.", actor=other_focal_point)
        client.force_login(focal_point)
        path = reverse("assignment_obstacle_step", args=[assignment.pk, raised.pk, "resolve"])

        refused = post(client, path, resolution="declined", note=" ")
        assert refused.status_code == 400
        assert f'id="o{raised.pk}_resolve_note_error"' in refused.content.decode()

        response = post(client, path, resolution="resolved", note="Đã kết nối.")
        assert response.status_code == 200
        assert "đã kết thúc (“Đã giải quyết”)" in text(response)
        raised.refresh_from_db()
        assert raised.status == ObstacleStatus.RESOLVED

    def test_an_item_of_another_assignment_is_a_404_there(self, client, focal_point, raised, agency):
        with at(date(2024, 1, 15)):
            other = assignment_create(task=TaskFactory(), agency=agency, role=AssignmentRole.LEAD)
        client.force_login(focal_point)

        response = post(
            client, reverse("assignment_obstacle_step", args=[other.pk, raised.pk, "resolve"]), resolution="resolved"
        )

        assert response.status_code == 404

    def test_the_page_reads_the_items_in_a_fixed_number_of_queries(
        self, client, focal_point, assignment, other_agency, raised, django_assert_max_num_queries
    ):
        client.force_login(focal_point)
        page = reverse("assignment_detail", args=[assignment.pk])
        get(client, page)
        with django_assert_max_num_queries(30) as one:
            get(client, page)
        for number in range(5):
            raise_one(focal_point, assignment, None, text=f"Đề xuất {number}")
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert "Đề xuất 4" in text(get(client, page))


class TestTheObstaclesPage:
    def test_the_addressee_answers_from_the_list_of_items_addressed_to_it(
        self, client, other_focal_point, raised, assignment
    ):
        client.force_login(other_focal_point)
        page = get(client)
        assert f'id="obstacle-{raised.pk}-answer"' in page.content.decode()
        # The addressee does not see the assignment's page: the item names it without a link.
        assert reverse("assignment_detail", args=[assignment.pk]) not in page.content.decode()

        response = post(client, reverse("obstacle_step", args=[raised.pk, "answer"]), text="Đã ban hành hướng dẫn.")

        assert response.status_code == 200
        assert "đã gửi trả lời" in text(response)
        raised.refresh_from_db()
        assert (raised.status, raised.answer) == (ObstacleStatus.ANSWERED, "Đã ban hành hướng dẫn.")

    def test_a_blank_answer_is_refused_with_the_error_beside_the_field(self, client, other_focal_point, raised):
        client.force_login(other_focal_point)

        response = post(client, reverse("obstacle_step", args=[raised.pk, "answer"]), text=" ")

        assert response.status_code == 400
        assert f'id="o{raised.pk}_answer_text_error"' in response.content.decode()
        assert f'<a href="#o{raised.pk}_answer_text">' in response.content.decode()

    def test_a_second_answer_is_a_409_shown_on_the_form(self, client, other_focal_point, raised):
        obstacle_answer(obstacle=raised, text="Lần một", actor=other_focal_point)
        client.force_login(other_focal_point)

        response = post(client, reverse("obstacle_step", args=[raised.pk, "answer"]), text="Lần hai")

        assert response.status_code == 409
        assert "Không thể trả lời khi kiến nghị đang ở trạng thái “Đã trả lời”." in text(response)
        raised.refresh_from_db()
        assert raised.answer == "Lần một"

    def test_the_author_finds_it_under_the_items_its_agency_raised(self, client, focal_point, raised):
        client.force_login(focal_point)

        assert f'id="obstacle-{raised.pk}"' not in get(client).content.decode()
        ours = get(client, box="ours").content.decode()
        assert f'id="obstacle-{raised.pk}"' in ours
        assert f'id="obstacle-{raised.pk}-resolve"' in ours

    def test_someone_of_no_agency_gets_403_and_a_bystander_404_on_a_step(self, client, raised):
        nobody = member(AgencyFactory(), "focal_point", "bystander")
        client.force_login(member(AgencyFactory(is_active=False), "focal_point", "former"))
        assert get(client).status_code == 403
        client.force_login(nobody)

        assert "Không có kiến nghị nào." in text(get(client))
        assert post(client, reverse("obstacle_step", args=[raised.pk, "answer"]), text="X").status_code == 404

    def test_staff_see_open_items_oldest_first_or_by_addressee_and_filter_them(
        self, client, staff, focal_point, assignment, other_agency, raised
    ):
        with at(date(2024, 3, 8)):
            newer = obstacle_record(
                assignment=assignment, kind="proposal", text="Đề xuất", addressee=None, actor=focal_point
            )
        client.force_login(staff)

        def order(**query):
            html = get(client, **query).content.decode()
            return [int(pk) for pk in re.findall(r'<article class="card obstacle \w+" id="obstacle-(\d+)"', html)]

        assert order() == [raised.pk, newer.pk]
        assert order(order="addressee") == [newer.pk, raised.pk]
        assert order(addressee="committee") == [newer.pk]
        assert order(kind="obstacle", addressee=other_agency.code, agency=assignment.agency.code) == [raised.pk]
        assert order(plan=assignment.task.plan.code, status="open") == [raised.pk, newer.pk]
        assert order(status="resolved") == []
        assert "Tổng số: 2 kiến nghị." in text(get(client))
        assert 'id="nav-obstacles"' in get(client).content.decode()

    def test_a_bad_filter_is_a_400_that_says_which(self, client, staff):
        client.force_login(staff)

        response = get(client, kind="complaint", addressee="KHONG-CO")

        assert response.status_code == 400
        assert "Loại: Không có loại này." in text(response)
        assert "Nơi nhận: Không có cơ quan này." in text(response)

    def test_the_filtered_list_downloads_as_a_spreadsheet_with_real_dates_and_a_frozen_header(
        self, client, staff, focal_point, assignment, raised
    ):
        raise_one(focal_point, assignment, None, kind="proposal", text="=HYPERLINK(1)")
        client.force_login(staff)

        response = get(client, addressee="committee", format="xlsx")

        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="kho-khan-vuong-mac-20240304.xlsx"'
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.freeze_panes == "A4"
        headers = [cell.value for cell in sheet[3]]
        [row] = [[cell.value for cell in line] for line in sheet.iter_rows(min_row=4)]
        values = dict(zip(headers, row, strict=True))
        assert (values["Mã cơ quan nêu"], values["Mã nơi nhận"], values["Loại"]) == (
            "BCA-TEST",
            "committee",
            "Kiến nghị",
        )
        assert values["Nội dung"] == "=HYPERLINK(1)", "shown as typed, a text cell"
        content = sheet.cell(row=4, column=headers.index("Nội dung") + 1)
        assert (content.data_type, content.quotePrefix) == ("s", True)
        assert values["Ngày nêu"].date() == DAY
        assert sheet["A4"].data_type == "s"

    def test_the_list_is_paged_with_its_total_in_a_fixed_number_of_queries(
        self, client, staff, django_assert_max_num_queries
    ):
        plan = PlanFactory()
        ministry = AgencyFactory()
        answerer = member(ministry, "focal_point", "ministry")

        def add(n):
            for number in range(n):
                agency = AgencyFactory()
                author = member(agency, "focal_point", f"author{agency.pk}")
                with at(date(2024, 1, 15)):
                    work = assignment_create(task=TaskFactory(plan=plan), agency=agency, role=AssignmentRole.LEAD)
                obstacle = raise_one(author, work, ministry, text=f"Vướng {number}")
                obstacle_answer(obstacle=obstacle, text="Trả lời", actor=answerer)

        add(2)
        client.force_login(staff)
        get(client)
        with django_assert_max_num_queries(30) as few:
            get(client)
        add(50)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = get(client)

        assert "Kiến nghị 1–50 trong tổng số 52." in text(response)
        assert 'rel="next"' in response.content.decode()
