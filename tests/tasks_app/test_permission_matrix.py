"""Each role against each endpoint, reading and writing: who gets what status code."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from agencies.service_accounts import service_account_create
from reports.models import Report
from reports.periods import calendar_period
from reports.services import report_issue
from tasks_app.models import AssignmentRole, Comment, ExplanationRequest, Obstacle, StatusEvent
from tasks_app.services import (
    assignment_create,
    comment_post,
    explanation_request_create,
    extension_request_create,
    obstacle_record,
)
from tests.conftest import at
from tests.factories import TaskFactory

ROLES = ["anonymous", "focal_point", "leader", "other_focal_point", "staff", "admin"]
# Systems with a token (agencies.service_accounts): one of the agency's, under its focal point's
# rules; the same, read-only; and the committee's, under committee staff's rules.
SERVICES = ["agency_system", "read_only_system", "committee_system"]


@pytest.fixture
def world(task, agency, other_agency, focal_point, leader, other_focal_point, staff):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    systems = {
        role: service_account_create(name=role, agency=scope, read_only=read_only, token_days=30, actor=root)[0].user
        for role, scope, read_only in [
            ("agency_system", agency, False),
            ("read_only_system", agency, True),
            ("committee_system", None, False),
        ]
    }
    with at(date(2024, 1, 15)):
        assignment = assignment_create(task=task, agency=agency, role=AssignmentRole.LEAD, owner=focal_point)
    request = extension_request_create(
        assignment=assignment, kind="withdraw", reason="Không phù hợp", actor=focal_point
    )
    comment = comment_post(assignment=assignment, author=focal_point, text="Xin hỏi về mẫu báo cáo")
    # Another overdue assignment of the agency, asked about already; the first stays free to be asked about.
    with at(date(2024, 1, 15)):
        explained = assignment_create(
            task=TaskFactory(plan=task.plan, due_on=date(2024, 5, 31)), agency=agency, role=AssignmentRole.LEAD
        )
    explanation = explanation_request_create(
        agency=agency, assignments=[explained], actor=staff, message="Đề nghị giải trình"
    )
    # Addressed to the other agency, whose focal point answers it without seeing the assignment.
    obstacle = obstacle_record(
        assignment=assignment, kind="obstacle", text="Chưa có hướng dẫn", addressee=other_agency, actor=focal_point
    )
    report = report_issue(plan=task.plan, period=calendar_period("month", 2024, 3), actor=staff)
    users = {
        "anonymous": None,
        "focal_point": focal_point,
        "leader": leader,
        "other_focal_point": other_focal_point,
        "staff": staff,
        "admin": root,
        **systems,
    }
    return {
        "assignment": assignment,
        "request": request,
        "comment": comment,
        "explanation": explanation,
        "explained": explained,
        "obstacle": obstacle,
        "report": report,
        "plan": task.plan.code,
        "users": users,
    }


def call(world, role, method, path, body=None):
    client = APIClient()
    if world["users"][role] is not None:
        client.force_authenticate(world["users"][role])
    path = path.format(
        a=world["assignment"].pk,
        r=world["request"].pk,
        c=world["comment"].pk,
        x=world["explanation"].pk,
        o=world["obstacle"].pk,
        rep=world["report"].pk,
        plan=world["plan"],
    )
    if callable(body):
        body = body(world)
    return getattr(client, method)("/api/v1" + path, body or {}, format="json")


# (method, path, body, expected status per role in ROLES order)
MATRIX = [
    ("get", "/assignments/{a}/", None, [401, 200, 200, 404, 200, 200]),
    ("get", "/assignments/{a}/events/", None, [401, 200, 200, 404, 200, 200]),
    ("get", "/dashboard/summary/?plan={plan}", None, [401, 200, 200, 200, 200, 200]),
    ("get", "/dashboard/agencies/?plan={plan}", None, [401, 200, 200, 200, 200, 200]),
    ("get", "/dashboard/overdue/", None, [401, 200, 200, 200, 200, 200]),
    ("get", "/dashboard/timeline/?plan={plan}", None, [401, 200, 200, 200, 200, 200]),
    ("get", "/report-periods/?kind=month&year=2024", None, [401, 200, 200, 200, 200, 200]),
    ("get", "/extension-requests/", None, [401, 200, 200, 200, 200, 200]),
    ("get", "/assignments/{a}/comments/", None, [401, 200, 200, 404, 200, 200]),
    ("post", "/assignments/{a}/comments/", {"text": "Trao đổi"}, [401, 201, 201, 404, 201, 201]),
    # Only its author corrects a comment (the focal point's, in its first minutes here).
    ("patch", "/comments/{c}/", {"text": "Bản sửa"}, [401, 200, 403, 404, 403, 403]),
    ("post", "/assignments/{a}/transition/", {"action": "start"}, [401, 200, 403, 404, 403, 403]),
    ("post", "/assignments/{a}/transition/", {"action": "cancel", "note": "Dừng"}, [401, 403, 403, 404, 200, 200]),
    # Not started yet: its focal point is told to start it first.
    ("patch", "/assignments/{a}/progress/", {"progress": 30}, [401, 409, 403, 404, 403, 403]),
    (
        "post",
        "/assignments/{a}/extension-requests/",
        {"kind": "extend", "requested_due_on": "2024-12-31", "reason": "Chờ"},
        [401, 409, 403, 404, 403, 403],
    ),
    (
        "post",
        "/extension-requests/{r}/decide/",
        {"decision": "reject", "note": "Không"},
        [401, 403, 403, 404, 200, 200],
    ),
    ("get", "/explanation-requests/", None, [401, 200, 200, 200, 200, 200]),
    ("get", "/explanation-requests/{x}/", None, [401, 200, 200, 404, 200, 200]),
    (
        "post",
        "/explanation-requests/",
        lambda world: {
            "agency": world["assignment"].agency.code,
            "assignments": [world["assignment"].pk],
            "message": "Đề nghị giải trình",
        },
        [401, 403, 403, 403, 201, 201],
    ),
    (
        "post",
        "/explanation-requests/{x}/answer/",
        lambda world: {"items": [{"assignment": world["explained"].pk, "reason_kind": "funding"}]},
        [401, 200, 403, 404, 403, 403],
    ),
    # Not answered yet: nothing to decide.
    ("post", "/explanation-requests/{x}/decide/", {"decision": "accept"}, [401, 403, 403, 404, 409, 409]),
    ("get", "/obstacles/", None, [401, 200, 200, 200, 200, 200]),
    # The addressee's focal point reads the item, though not the assignment it is about.
    ("get", "/obstacles/{o}/", None, [401, 200, 200, 200, 200, 200]),
    # Work another agency cannot see is, for it, work that does not exist: a 400 on the field.
    (
        "post",
        "/obstacles/",
        lambda world: {
            "assignment": world["assignment"].pk,
            "kind": "proposal",
            "text": "Đề xuất",
            "addressee": "committee",
        },
        [401, 201, 403, 400, 403, 403],
    ),
    ("post", "/obstacles/{o}/answer/", {"text": "Đã có hướng dẫn"}, [401, 403, 403, 200, 403, 403]),
    ("post", "/obstacles/{o}/resolve/", {"resolution": "resolved"}, [401, 200, 403, 403, 200, 200]),
    # The other focal point's agency has no work in the plan.
    ("get", "/reports/", None, [401, 200, 200, 200, 200, 200]),
    ("get", "/reports/{rep}/", None, [401, 200, 200, 404, 200, 200]),
    (
        "post",
        "/reports/",
        lambda world: {"plan": world["plan"], "kind": "month", "year": 2024, "number": 4},
        [401, 403, 403, 403, 201, 201],
    ),
    # Nothing changed since it was issued.
    ("post", "/reports/{rep}/new-version/", None, [401, 403, 403, 404, 409, 409]),
    ("get", "/reports/{rep}/document/?format=docx", None, [401, 200, 200, 404, 200, 200]),
    ("get", "/reports/{rep}/document/?format=xlsx", None, [401, 200, 200, 404, 200, 200]),
]


def system_answer(role, method, path, expected):
    """What a system gets: what the person whose rules it has gets (a focal point of the
    agency, or committee staff), except a read-only system's writes, refused before anything;
    and what only the author of a comment may do, which a system never is."""
    person = expected[ROLES.index("staff" if role == "committee_system" else "focal_point")]
    if role == "read_only_system" and method != "get":
        return 403
    if path == "/comments/{c}/" and role == "agency_system":
        return 403
    return person


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
@pytest.mark.parametrize("role", SERVICES)
def test_each_system_gets_the_answer_of_the_person_whose_rules_it_has(world, method, path, body, expected, role):
    events_before = StatusEvent.objects.count()

    response = call(world, role, method, path, body)

    assert response.status_code == system_answer(role, method, path, expected), response.content
    if response.status_code >= 400:
        assert StatusEvent.objects.count() == events_before


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
def test_each_role_gets_the_right_answer(world, method, path, body, expected, role_index):
    events_before = StatusEvent.objects.count()
    comments_before = list(Comment.objects.values_list("pk", "text"))
    explanations_before = list(ExplanationRequest.objects.values_list("pk", "status"))
    obstacles_before = list(Obstacle.objects.values_list("pk", "status"))
    reports_before = Report.objects.count()

    response = call(world, ROLES[role_index], method, path, body)

    assert response.status_code == expected[role_index], response.content
    if response.status_code >= 400:
        assert StatusEvent.objects.count() == events_before
        assert list(Comment.objects.values_list("pk", "text")) == comments_before
        assert list(ExplanationRequest.objects.values_list("pk", "status")) == explanations_before
        assert list(Obstacle.objects.values_list("pk", "status")) == obstacles_before
        assert Report.objects.count() == reports_before
