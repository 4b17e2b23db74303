"""The API over explanation requests: each status code, the filters, and a list whose
queries do not grow with its rows."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from tasks_app.models import AssignmentRole, ExplanationItem, ExplanationRequest, ExplanationStatus
from tasks_app.services import assignment_create, explanation_request_create
from tests.conftest import at
from tests.factories import AgencyFactory, PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/explanation-requests/"
LATE_FRIDAY = date(2024, 7, 5)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, path, body):
    with at(LATE_FRIDAY):
        return api(user).post(path, body, format="json")


@pytest.fixture
def asked(staff, agency, assignment):
    with at(LATE_FRIDAY):
        return explanation_request_create(
            agency=agency, assignments=[assignment], actor=staff, message="Đề nghị giải trình."
        )


def answer_body(assignment, **item):
    return {"items": [{"assignment": assignment.pk, "reason_kind": "technical", "reason": "Lỗi kết nối", **item}]}


class TestCreate:
    def test_staff_ask_and_get_the_request_back(self, staff, agency, assignment):
        response = post(staff, URL, {"agency": agency.code, "assignments": [assignment.pk], "message": "Giải trình"})

        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["agency"]["code"], body["status"], body["answer_due_on"], body["is_late"]) == (
            agency.code,
            "open",
            "2024-07-12",
            False,
        )
        assert [item["assignment"] for item in body["items"]] == [assignment.pk]
        assert body["items"][0]["due_on"] == "2024-06-30"
        assert [step["kind"] for step in body["steps"]] == ["requested"]

    def test_a_focal_point_may_not_ask(self, focal_point, agency, assignment):
        response = post(focal_point, URL, {"agency": agency.code, "assignments": [assignment.pk], "message": "X"})

        assert response.status_code == 403
        assert not ExplanationRequest.objects.exists()

    def test_another_agencys_work_is_refused_on_the_field(self, staff, other_agency, assignment):
        response = post(staff, URL, {"agency": other_agency.code, "assignments": [assignment.pk], "message": "X"})

        assert response.status_code == 400
        assert "không thuộc cơ quan được yêu cầu giải trình" in response.json()["assignments"][0]
        assert not ExplanationRequest.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"agency": "KHONG-CO", "assignments": [1], "message": "X"}, "agency"),
            ({"assignments": [1], "message": "X"}, "agency"),
            ({"agency": "BCA-TEST", "assignments": [999999], "message": "X"}, "assignments"),
            ({"agency": "BCA-TEST", "assignments": [], "message": "X"}, "assignments"),
            ({"agency": "BCA-TEST", "assignments": "1", "message": "X"}, "assignments"),
            ({"agency": "BCA-TEST", "assignments": [0], "message": "X"}, "assignments"),
            ({"agency": "BCA-TEST", "assignments": None, "message": " "}, "assignments"),
            ({"agency": "BCA-TEST", "assignments": ["a"], "message": "X"}, "assignments"),
            ({"agency": "BCA-TEST", "message": "X", "assignments": [1], "answer_due_on": "mai"}, "answer_due_on"),
        ],
    )
    def test_bad_input_is_a_400_on_its_field(self, staff, agency, assignment, body, field):
        response = post(staff, URL, body)

        assert response.status_code == 400
        assert field in response.json()
        assert not ExplanationRequest.objects.exists()

    def test_a_blank_message_is_refused_on_its_field(self, staff, agency, assignment):
        response = post(staff, URL, {"agency": agency.code, "assignments": [assignment.pk], "message": " "})

        assert response.status_code == 400
        assert response.json() == {"message": ["Cần nêu nội dung yêu cầu giải trình."]}


class TestReading:
    def test_the_agencys_people_read_their_own_and_others_get_404(self, asked, leader, other_focal_point):
        assert api(leader).get(f"{URL}{asked.pk}/").status_code == 200
        assert api(other_focal_point).get(f"{URL}{asked.pk}/").status_code == 404
        assert api(other_focal_point).get(URL).json()["count"] == 0

    def test_a_late_request_is_listed_as_late_and_not_as_open(self, asked, staff):
        with at(date(2024, 7, 15)):
            late = api(staff).get(URL, {"status": "late"}).json()
            still_open = api(staff).get(URL, {"status": "open"}).json()

        assert [row["id"] for row in late["results"]] == [asked.pk]
        assert late["results"][0]["is_late"] is True
        assert still_open["count"] == 0

    def test_the_list_filters_by_agency_and_plan(self, asked, staff, assignment):
        plan = assignment.task.plan.code
        assert api(staff).get(URL, {"agency": "BCA-TEST", "plan": plan}).json()["count"] == 1
        assert api(staff).get(URL, {"agency": "BYT-TEST"}).json()["count"] == 0
        assert api(staff).get(URL, {"plan": "KHAC"}).json()["count"] == 0

    def test_an_unknown_status_filter_is_a_400(self, staff):
        response = api(staff).get(URL, {"status": "closed"})

        assert response.status_code == 400
        assert "status" in response.json()

    def test_twenty_requests_are_listed_in_a_fixed_number_of_queries(self, staff, django_assert_max_num_queries):
        plan = PlanFactory()
        with at(date(2024, 1, 15)):
            for number in range(20):
                agency = AgencyFactory()
                assignments = [
                    assignment_create(
                        task=TaskFactory(plan=plan, number=number * 2 + offset + 1, due_on=date(2024, 5, 31)),
                        agency=agency,
                        role=AssignmentRole.LEAD,
                    )
                    for offset in range(2)
                ]
                with at(LATE_FRIDAY):
                    explanation_request_create(agency=agency, assignments=assignments, actor=staff, message="X")
        client = api(staff)

        with django_assert_max_num_queries(8):
            response = client.get(URL)

        assert response.json()["count"] == 20
        assert all(len(row["items"]) == 2 for row in response.json()["results"])


class TestAnswer:
    def test_the_focal_point_answers(self, asked, focal_point, assignment):
        response = post(focal_point, f"{URL}{asked.pk}/answer/", answer_body(assignment, committed_on="2024-08-31"))

        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "answered"
        assert (body["items"][0]["reason_kind_label"], body["items"][0]["committed_on"]) == ("Kỹ thuật", "2024-08-31")
        assert body["items"][0]["due_on"] == "2024-06-30"

    def test_a_leader_gets_403_and_another_agency_404(self, asked, leader, other_focal_point, assignment):
        assert post(leader, f"{URL}{asked.pk}/answer/", answer_body(assignment)).status_code == 403
        assert post(other_focal_point, f"{URL}{asked.pk}/answer/", answer_body(assignment)).status_code == 404
        assert not ExplanationItem.objects.exclude(reason_kind="").exists()

    def test_a_missing_reason_kind_is_a_400_on_the_items(self, asked, focal_point, assignment):
        response = post(focal_point, f"{URL}{asked.pk}/answer/", answer_body(assignment, reason_kind=""))

        assert response.status_code == 400
        assert "cần chọn nguyên nhân" in response.json()["items"][0]

    def test_an_unknown_reason_kind_is_a_400(self, asked, focal_point, assignment):
        response = post(focal_point, f"{URL}{asked.pk}/answer/", answer_body(assignment, reason_kind="weather"))

        assert response.status_code == 400
        assert "items" in response.json()

    def test_answering_twice_is_a_409(self, asked, focal_point, assignment):
        post(focal_point, f"{URL}{asked.pk}/answer/", answer_body(assignment))

        response = post(focal_point, f"{URL}{asked.pk}/answer/", answer_body(assignment, reason_kind="other"))

        assert response.status_code == 409
        assert ExplanationItem.objects.get().reason_kind == "technical"

    def test_a_request_id_that_is_not_a_number_is_a_400(self, focal_point, assignment):
        response = post(focal_point, f"{URL}abc/answer/", answer_body(assignment))

        assert response.status_code == 400
        assert "id" in response.json()


class TestDecide:
    @pytest.fixture
    def answered(self, asked, focal_point, assignment):
        post(focal_point, f"{URL}{asked.pk}/answer/", answer_body(assignment))
        return asked

    def test_staff_accept(self, answered, staff):
        response = post(staff, f"{URL}{answered.pk}/decide/", {"decision": "accept"})

        assert response.status_code == 200
        assert response.json()["status"] == "accepted"

    def test_asking_again_without_a_note_is_a_400_and_changes_nothing(self, answered, staff):
        response = post(staff, f"{URL}{answered.pk}/decide/", {"decision": "ask_again", "note": ""})

        assert response.status_code == 400
        assert "note" in response.json()
        answered.refresh_from_db()
        assert answered.status == ExplanationStatus.ANSWERED

    def test_asking_again_reopens(self, answered, staff):
        response = post(staff, f"{URL}{answered.pk}/decide/", {"decision": "ask_again", "note": "Nêu rõ hơn"})

        assert response.status_code == 200
        assert (response.json()["status"], response.json()["asked_again_count"]) == ("open", 1)

    def test_a_focal_point_may_not_decide(self, answered, focal_point):
        assert post(focal_point, f"{URL}{answered.pk}/decide/", {"decision": "accept"}).status_code == 403

    def test_deciding_an_open_request_is_a_409(self, asked, staff):
        assert post(staff, f"{URL}{asked.pk}/decide/", {"decision": "accept"}).status_code == 409
