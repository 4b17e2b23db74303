"""The API over difficulties, obstacles and proposals: each status code, the filters, and
a list whose queries do not grow with its rows."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from tasks_app.models import AssignmentRole, Obstacle, ObstacleStatus, ObstacleStep
from tasks_app.services import assignment_create, obstacle_answer, obstacle_record
from tests.conftest import at, member
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/obstacles/"
DAY = date(2024, 3, 4)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, path, body):
    with at(DAY):
        return api(user).post(path, body, format="json")


def body(on, **fields):
    return {"assignment": on.pk, "kind": "obstacle", "text": "Chưa có hướng dẫn", "addressee": "BYT-TEST"} | fields


@pytest.fixture
def raised(focal_point, assignment, other_agency):
    with at(DAY):
        return obstacle_record(
            assignment=assignment, kind="obstacle", text="Chưa có hướng dẫn", addressee=other_agency, actor=focal_point
        )


class TestCreate:
    def test_the_focal_point_raises_one_and_gets_it_back(self, focal_point, assignment, other_agency):
        response = post(focal_point, URL, body(assignment))

        assert response.status_code == 201, response.content
        got = response.json()
        assert (got["assignment"], got["kind_label"], got["addressee"], got["addressee_name"], got["status"]) == (
            assignment.pk,
            "Vướng mắc",
            "BYT-TEST",
            other_agency.name,
            "open",
        )
        assert (got["agency"]["code"], got["task"]["number"], got["age_days"]) == (
            "BCA-TEST",
            assignment.task.number,
            0,
        )
        assert [step["kind"] for step in got["steps"]] == ["recorded"]
        assert got["allowed_actions"] == ["resolve"]

    def test_one_addressed_to_the_committee(self, focal_point, assignment):
        response = post(focal_point, URL, body(assignment, addressee="committee", kind="proposal"))

        assert response.status_code == 201
        assert (response.json()["addressee"], response.json()["kind"]) == ("committee", "proposal")
        assert Obstacle.objects.get().addressee is None

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"addressee": "KHONG-CO"}, "addressee"),
            ({"addressee": "BCA-TEST"}, "addressee"),
            ({"addressee": None}, "addressee"),
            ({"kind": "complaint"}, "kind"),
            ({"text": " "}, "text"),
            ({"text": "x" * 5001}, "text"),
            ({"assignment": "abc"}, "assignment"),
            ({"assignment": 0}, "assignment"),
            ({"assignment": 999999}, "assignment"),
        ],
    )
    def test_bad_input_is_a_400_on_its_field_in_vietnamese(self, focal_point, assignment, other_agency, fields, field):
        response = post(focal_point, URL, body(assignment, **fields))

        assert response.status_code == 400
        assert field in response.json()
        assert not Obstacle.objects.exists()

    def test_the_messages_are_vietnamese(self, focal_point, assignment, other_agency):
        assert post(focal_point, URL, body(assignment, text=" ")).json() == {
            "text": ["Cần nêu nội dung khó khăn, vướng mắc, kiến nghị."]
        }
        assert (
            "Không có cơ quan với mã" in post(focal_point, URL, body(assignment, addressee="X")).json()["addressee"][0]
        )

    def test_a_leader_gets_403_and_another_agency_400_as_for_work_that_does_not_exist(
        self, leader, other_focal_point, assignment, other_agency
    ):
        assert post(leader, URL, body(assignment)).status_code == 403
        refused = post(other_focal_point, URL, body(assignment, addressee="committee"))
        assert refused.status_code == 400
        assert refused.json() == {"assignment": [f"Không có phân công mã số {assignment.pk}."]}
        assert not Obstacle.objects.exists()

    def test_finished_work_is_a_409(self, focal_point, staff, assignment, other_agency):
        api(staff).post(f"/api/v1/assignments/{assignment.pk}/transition/", {"action": "cancel", "note": "Dừng"})

        assert post(focal_point, URL, body(assignment)).status_code == 409
        assert not Obstacle.objects.exists()


class TestReading:
    def test_both_sides_read_it_and_others_get_404(self, raised, leader, other_focal_point):
        bystander = member(AgencyFactory(), "focal_point", "bystander")

        assert api(leader).get(f"{URL}{raised.pk}/").status_code == 200
        assert api(other_focal_point).get(f"{URL}{raised.pk}/").json()["allowed_actions"] == ["answer"]
        assert api(bystander).get(f"{URL}{raised.pk}/").status_code == 404
        assert api(bystander).get(URL).json()["count"] == 0

    def test_the_list_filters(self, raised, staff, focal_point, assignment):
        with at(DAY):
            obstacle_record(assignment=assignment, kind="proposal", text="Đề xuất", addressee=None, actor=focal_point)
        client = api(staff)

        def ids(**query):
            return [row["kind"] for row in client.get(URL, query).json()["results"]]

        plan = assignment.task.plan.code
        assert ids() == ["obstacle", "proposal"]
        assert ids(addressee="committee") == ["proposal"]
        assert ids(addressee="BYT-TEST", kind="obstacle", status="open", agency="BCA-TEST", plan=plan) == ["obstacle"]
        assert ids(plan="KHAC") == ids(agency="BYT-TEST") == ids(status="resolved") == []

    @pytest.mark.parametrize("query", [{"status": "closed"}, {"kind": "x"}, {"plan": "x" * 31}])
    def test_a_bad_filter_is_a_400(self, staff, query):
        response = api(staff).get(URL, query)

        assert response.status_code == 400
        assert set(query) <= set(response.json())

    def test_twenty_items_are_listed_in_a_fixed_number_of_queries(self, staff, django_assert_max_num_queries):
        plan = PlanFactory()
        for number in range(20):
            agency = AgencyFactory()
            author = member(agency, "focal_point", f"author{number}")
            with at(date(2024, 1, 15)):
                assignment = assignment_create(
                    task=TaskFactory(plan=plan, number=number + 1), agency=agency, role=AssignmentRole.LEAD
                )
            with at(DAY):
                obstacle = obstacle_record(
                    assignment=assignment, kind="difficulty", text="Khó", addressee=None, actor=author
                )
            obstacle_answer(obstacle=obstacle, text="Trả lời", actor=staff)
        client = api(staff)

        with django_assert_max_num_queries(8):
            response = client.get(URL)

        assert response.json()["count"] == 20
        assert all(len(row["steps"]) == 2 for row in response.json()["results"])


class TestAnswer:
    def test_the_addressee_answers(self, raised, other_focal_point):
        response = post(other_focal_point, f"{URL}{raised.pk}/answer/", {"text": "Đã có hướng dẫn số 12"})

        assert response.status_code == 200, response.content
        assert (response.json()["status"], response.json()["answer"], response.json()["answered_by"]) == (
            "answered",
            "Đã có hướng dẫn số 12",
            "other.focal",
        )

    def test_the_author_gets_403_a_bystander_404(self, raised, focal_point):
        bystander = member(AgencyFactory(), "focal_point", "bystander")

        assert post(focal_point, f"{URL}{raised.pk}/answer/", {"text": "Tự trả lời"}).status_code == 403
        assert post(bystander, f"{URL}{raised.pk}/answer/", {"text": "Trả lời"}).status_code == 404
        assert ObstacleStep.objects.count() == 1

    def test_a_blank_answer_is_a_400_and_a_second_answer_a_409(self, raised, other_focal_point):
        blank = post(other_focal_point, f"{URL}{raised.pk}/answer/", {"text": ""})
        post(other_focal_point, f"{URL}{raised.pk}/answer/", {"text": "Lần một"})
        again = post(other_focal_point, f"{URL}{raised.pk}/answer/", {"text": "Lần hai"})

        assert (blank.status_code, blank.json()) == (400, {"text": ["Cần nhập nội dung trả lời."]})
        assert again.status_code == 409
        raised.refresh_from_db()
        assert raised.answer == "Lần một"

    def test_an_id_that_is_not_a_number_is_a_400(self, other_focal_point):
        response = post(other_focal_point, f"{URL}abc/answer/", {"text": "Trả lời"})

        assert response.status_code == 400
        assert "id" in response.json()


class TestResolve:
    @pytest.fixture
    def answered(self, raised, other_focal_point):
        return obstacle_answer(obstacle=raised, text="Đã hướng dẫn", actor=other_focal_point)

    def test_the_author_resolves(self, answered, focal_point):
        response = post(focal_point, f"{URL}{answered.pk}/resolve/", {"resolution": "resolved"})

        assert response.status_code == 200
        assert (response.json()["status"], response.json()["allowed_actions"]) == ("resolved", [])

    def test_declining_without_a_reason_is_a_400_and_changes_nothing(self, answered, focal_point):
        response = post(focal_point, f"{URL}{answered.pk}/resolve/", {"resolution": "declined", "note": ""})

        assert (response.status_code, response.json()) == (400, {"note": ["Cần nêu lý do không giải quyết được."]})
        answered.refresh_from_db()
        assert answered.status == ObstacleStatus.ANSWERED

    def test_the_addressee_gets_403(self, answered, other_focal_point):
        assert post(other_focal_point, f"{URL}{answered.pk}/resolve/", {"resolution": "resolved"}).status_code == 403

    def test_declining_an_unanswered_item_or_closing_a_closed_one_is_a_409(self, raised, focal_point):
        assert post(
            focal_point, f"{URL}{raised.pk}/resolve/", {"resolution": "declined", "note": "Không"}
        ).status_code == (409)
        assert post(focal_point, f"{URL}{raised.pk}/resolve/", {"resolution": "resolved"}).status_code == 200
        assert post(focal_point, f"{URL}{raised.pk}/resolve/", {"resolution": "resolved"}).status_code == 409

    def test_an_unknown_resolution_is_a_400(self, answered, focal_point):
        response = post(focal_point, f"{URL}{answered.pk}/resolve/", {"resolution": "maybe"})

        assert response.status_code == 400
        assert "resolution" in response.json()
