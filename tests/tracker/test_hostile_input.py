"""Input that once reached the database or the stack and answered 500: each class is
refused with a 400 (or the form's own error) in Vietnamese, on every endpoint the schema
lists, and nothing changes."""

import json
from datetime import date

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from core.input_guards import JSON_MAX_DEPTH
from reports.models import Report
from reports.periods import calendar_period
from reports.services import report_issue
from tasks_app.models import Comment, Status, StatusEvent
from tasks_app.services import (
    assignment_create,
    assignment_transition,
    comment_post,
    explanation_request_create,
    extension_request_create,
    obstacle_record,
)
from tasks_app.workflow import Action
from tests.conftest import at
from tests.factories import TaskFactory

NUL = "\x00"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def world(assignment, focal_point, staff):
    with at(date(2024, 2, 1)):
        request = extension_request_create(
            assignment=assignment, kind="withdraw", reason="Không còn phù hợp", actor=focal_point
        )
    comment = comment_post(assignment=assignment, author=focal_point, text="Xin hỏi về mẫu báo cáo")
    # On work of its own, so that the assignment's status above stays as it is.
    with at(date(2024, 1, 15)):
        explained = assignment_create(task=TaskFactory(due_on=date(2024, 5, 31)), agency=assignment.agency, role="lead")
    explanation = explanation_request_create(
        agency=assignment.agency, assignments=[explained], actor=staff, message="Đề nghị giải trình"
    )
    obstacle = obstacle_record(
        assignment=assignment, kind="obstacle", text="Chưa có hướng dẫn", addressee=None, actor=focal_point
    )
    report = report_issue(plan=assignment.task.plan, period=calendar_period("month", 2024, 3), actor=staff)
    return {
        "id": assignment.pk,
        "extension": request.pk,
        "obstacle": obstacle.pk,
        "comment": comment.pk,
        "explanation": explanation.pk,
        "report": report.pk,
        "code": assignment.agency.code,
        "plan": assignment.task.plan.code,
    }


@pytest.fixture
def api(staff):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(staff)
    return client


def operations(client):
    """(method, path template, operation) for every operation the API documents."""
    schema = client.get("/api/schema/?format=json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def filled(path: str, world) -> str:
    if "extension-requests" in path:
        object_id = world["extension"]
    elif "explanation-requests" in path:
        object_id = world["explanation"]
    elif path.startswith("/api/v1/obstacles/"):
        object_id = world["obstacle"]
    elif path.startswith("/api/v1/comments/"):
        object_id = world["comment"]
    elif path.startswith("/api/v1/reports/"):
        object_id = world["report"]
    else:
        object_id = world["id"]
    return (
        path.replace("{id}", str(object_id))
        .replace("{code}", world["plan"] if path.startswith("/api/v1/plans/") else world["code"])
        .replace("{token_id}", "abc")
    )


def test_a_json_body_nested_too_deep_is_refused_on_every_write_and_changes_nothing(api, world, assignment):
    written = [(method, path) for method, path, operation in operations(api) if "requestBody" in operation]
    events_before = StatusEvent.objects.count()
    comments_before = list(Comment.objects.values_list("pk", "text"))
    reports_before = Report.objects.count()
    assert len(written) >= 5

    for method, path in written:
        response = getattr(api, method)(filled(path, world), nested(100_000), content_type="application/json")

        assert response.status_code == 400, (method, path, response.status_code)
        assert "lồng nhau quá sâu" in response.json()["detail"]
    assignment.refresh_from_db()
    assert assignment.status == Status.NOT_STARTED
    assert StatusEvent.objects.count() == events_before
    assert list(Comment.objects.values_list("pk", "text")) == comments_before
    assert Report.objects.count() == reports_before


def test_the_anonymous_token_endpoint_refuses_deep_large_and_nul_json():
    client = Client(raise_request_exception=False)

    def post(body):
        return client.post("/api/v1/auth/token/", body, content_type="application/json")

    deep = post(nested(100_000))
    just_too_deep = post(json.dumps({"username": json.loads(nested(JSON_MAX_DEPTH)), "password": "x"}))
    large = post(json.dumps({"username": "u", "password": "x" * 3_000_000}))
    nul = post(json.dumps({"username": "admin\u0000", "password": "x"}))

    assert (deep.status_code, just_too_deep.status_code, large.status_code, nul.status_code) == (400, 400, 400, 400)
    assert "tối đa 32 cấp" in deep.json()["detail"]
    assert "tối đa 32 cấp" in just_too_deep.json()["detail"]
    assert "quá lớn" in large.json()["detail"]
    assert "NUL" in nul.json()["detail"]


def test_json_within_the_bounds_still_works(assignment, focal_point):
    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    api = APIClient()
    api.force_authenticate(focal_point)
    response = api.patch(f"/api/v1/assignments/{assignment.pk}/progress/", {"progress": 30}, format="json")

    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.progress == 30


def test_a_nul_character_in_any_documented_parameter_is_a_bad_request(api, world):
    """The agency and plan code look-ups in the path, and every query parameter."""
    tried = 0
    for method, path, operation in operations(api):
        if method != "get":
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                url, query = filled(path.replace("{" + parameter["name"] + "}", "X" + NUL), world), {}
            else:
                url, query = filled(path, world), {parameter["name"]: "DA06" + NUL}
            response = api.get(url, query)
            tried += 1

            assert response.status_code == 400, (url, query, response.status_code)
            assert "NUL" in response.json()["detail"]
    assert tried >= 40


def test_a_nul_character_in_a_page_or_a_form_gets_the_vietnamese_error_page(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)

    page = client.get("/", {"plan": "DA06" + NUL})
    admin_search = client.get("/admin/agencies/agency/", {"q": "Hà" + NUL})
    login = Client(raise_request_exception=False).post("/accounts/login/", {"username": "a" + NUL, "password": "x"})

    for response in (page, admin_search, login):
        assert response.status_code == 400
        assert "Yêu cầu chứa ký tự NUL (0x00)" in response.content.decode()
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_username_longer_than_the_column_gets_the_forms_message(url, staff):
    client = Client(raise_request_exception=False)

    response = client.post(url, {"username": "u" * 300, "password": "x"})

    assert response.status_code == 200
    assert "Tên đăng nhập dài quá 150 ký tự." in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_the_token_endpoint_bounds_the_username(db):
    response = APIClient().post("/api/v1/auth/token/", {"username": "u" * 300, "password": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["username"] == ["Tên đăng nhập dài quá 150 ký tự."]


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/admin/notifications/notification/", {"created_at__year": "99999999999999999999"}),
        ("/admin/notifications/notification/", {"created_at__year": "9999"}),
        ("/admin/tasks_app/assignment/", {"created_at__year": "-1"}),
        ("/admin/tasks_app/assignment/", {"due_on__year": "99999999999999999999"}),
        ("/admin/auth/user/", {"date_joined__year": "0"}),
    ],
)
def test_a_malformed_admin_filter_value_shows_the_unfiltered_list_with_a_message(url, query, assignment):
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x"))

    response = client.get(url, query)
    assert response.status_code == 302
    assert response.url.endswith("?e=1")
    unfiltered = client.get(response.url)

    assert unfiltered.status_code == 200
    assert "Bộ lọc có giá trị không hợp lệ" in unfiltered.content.decode()


def test_a_form_with_more_fields_than_django_reads_is_a_json_400_on_the_api(api, world):
    body = "&".join(f"assignments={n}" for n in range(1, 1102))

    response = api.post(
        "/api/v1/explanation-requests/", body + "&message=X", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert "quá nhiều trường" in response.json()["detail"]


@pytest.mark.django_db
def test_a_repeated_api_parameter_is_refused_naming_it_and_a_comma_separated_list_is_accepted(client, staff):
    client.force_login(staff)

    repeated = client.get("/api/v1/assignments/?ordering=agency&ordering=-due_on&status=done")
    listed = client.get("/api/v1/assignments/?ordering=agency,-due_on")

    assert repeated.status_code == 400
    assert list(repeated.json()) == ["ordering"]
    assert "ngăn bằng dấu phẩy" in repeated.json()["ordering"][0]
    assert listed.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/obstacles/", "/api/v1/explanation-requests/", "/api/v1/reports/"])
def test_a_code_filter_given_as_whitespace_is_no_filter(client, staff, path):
    client.force_login(staff)

    response = client.get(f"{path}?plan=%0B&agency=%20")

    assert response.status_code == 200
