"""The API as an integrator meets it: a Python client generated from the served schema by
openapi-python-client, used unmodified for a day's work, and a schema that names
everything the same whatever the language it is asked in."""

import importlib
import io
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from agencies.models import Agency, MembershipRole
from core.calendar import working_days_after
from notifications.services import reminders_scan
from tests.conftest import committee_staff, member, transactional

PASSWORD = "mat-khau-thu-nghiem"
PACKAGE = "tracker06_client"
# The generator's settings the README gives integrators, shipped at the project's root.
GENERATOR_CONFIG = Path(__file__).resolve().parents[2] / "openapi-python-client.yaml"


def generate_client(schema_url: str, folder):
    """The client openapi-python-client writes for the schema at `schema_url`, imported. A
    warning (an operation or a model it could not generate) fails the test."""
    output = folder / PACKAGE
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--url", schema_url, "--meta", "none"]
    command += ["--config", str(GENERATOR_CONFIG), "--output-path", str(output), "--fail-on-warning"]
    generated = subprocess.run(command, capture_output=True, text=True, check=False)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    return output


@pytest.fixture
def generated(live_server, tmp_path):
    """The generated package, its modules imported as a client's code would import them."""
    output = generate_client(f"{live_server.url}/api/schema/?format=json", tmp_path)
    modules = [
        ".".join(path.relative_to(tmp_path).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted(output.rglob("*.py"))
    ]
    imported = {name: importlib.import_module(name) for name in modules}
    yield imported
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def call(operation, expected_status: int, **kwargs):
    """One operation through the generated code: the status the session expects, and the
    body parsed into the generated model (never the generic Error)."""
    response = operation.sync_detailed(**kwargs)
    assert response.status_code == expected_status, response.content.decode()
    return response.parsed


@pytest.fixture
def people(plans_2024):
    """Hà Nội's focal point (the shipped plans give it 12 assignments of Đề án 06, none with
    an owner) and a committee staff member, both able to sign in."""
    hanoi = Agency.objects.get(code="01")
    focal_point = member(hanoi, MembershipRole.FOCAL_POINT, "hanoi.focal")
    staff = committee_staff("contract.staff")
    for user in (focal_point, staff):
        user.set_password(PASSWORD)
        user.save()
    return focal_point, staff


@transactional
def test_a_generated_client_works_through_a_day_of_work_unmodified(generated, live_server, people):
    api = {name.rsplit(".", 1)[1]: module for name, module in generated.items() if ".api.v1." in name}
    models = generated[f"{PACKAGE}.models"]
    package = generated[PACKAGE]
    types = generated[f"{PACKAGE}.types"]
    anonymous = package.Client(base_url=live_server.url, raise_on_unexpected_status=True)

    def signed_in(username):
        issued = call(
            api["v1_auth_token_create"],
            200,
            client=anonymous,
            body=models.TokenRequestRequest(username=username, password=PASSWORD),
        )
        assert isinstance(issued, models.IssuedToken)
        assert issued.expiry > timezone.now()
        # The generated client sends `Authorization: Bearer <token>`, as generators do.
        return package.AuthenticatedClient(
            base_url=live_server.url, token=issued.token, raise_on_unexpected_status=True
        )

    focal = signed_in("hanoi.focal")

    # The agency's list of a plan, paged to its end.
    rows, page, count = [], 1, None
    while page:
        listed = call(api["v1_assignments_list"], 200, client=focal, plan="DA06-2024", page_size=5, page=page)
        assert isinstance(listed, models.PaginatedAssignmentList)
        count = listed.count
        rows += listed.results
        page = page + 1 if listed.next_ else None
    assert count == 12
    assert len({row.id for row in rows}) == len(rows) == count
    assert {row.agency.code for row in rows} == {"01"}
    not_started = [row for row in rows if row.status == models.StatusEnum.NOT_STARTED]
    in_progress = [row for row in rows if row.status == models.StatusEnum.IN_PROGRESS]

    # One assignment, its history; then started, advanced and reported with a file.
    work = call(api["v1_assignments_retrieve"], 200, id=not_started[0].id, client=focal)
    assert work.owner is None
    assert models.ActionEnum.START in work.allowed_actions
    history = call(api["v1_assignments_events_list"], 200, id=work.id, client=focal)
    assert history.count == len(history.results) >= 1
    started = call(
        api["v1_assignments_transition_create"],
        200,
        id=work.id,
        client=focal,
        body=models.TransitionInputRequest(action=models.ActionEnum.START, note="Bắt đầu triển khai"),
    )
    assert started.status == models.StatusEnum.IN_PROGRESS
    advanced = call(
        api["v1_assignments_progress_partial_update"],
        200,
        id=work.id,
        client=focal,
        body=models.ProgressInputRequest(progress=60, note="Đã xong dự thảo"),
    )
    assert advanced.progress == 60
    evidence = types.File(payload=io.BytesIO(b"%PDF-1.4 bao cao"), file_name="bao-cao.pdf", mime_type="application/pdf")
    reported = call(
        api["v1_assignments_report_create"],
        200,
        id=work.id,
        client=focal,
        body=models.ReportDoneInputRequest(note="Đã ban hành", evidence_file=evidence),
    )
    assert reported.status == models.StatusEnum.REPORTED
    latest = call(api["v1_assignments_events_list"], 200, id=work.id, client=focal).results[0]
    assert latest.evidence_file.startswith("/")

    # Committee staff accept it.
    staff = signed_in("contract.staff")
    accepted = call(
        api["v1_assignments_transition_create"],
        200,
        id=work.id,
        client=staff,
        body=models.TransitionInputRequest(action=models.ActionEnum.ACCEPT),
    )
    assert accepted.status == models.StatusEnum.DONE

    # A later deadline asked for other work.
    asked = call(
        api["v1_assignments_extension_requests_create"],
        201,
        id=in_progress[0].id,
        client=focal,
        body=models.ExtensionRequestInputRequest(
            kind=models.ExtensionKindEnum.EXTEND,
            requested_due_on=timezone.localdate() + timedelta(days=30),
            reason="Chờ hướng dẫn của Bộ Công an",
        ),
    )
    assert asked.status == models.ExtensionStatusEnum.PENDING
    assert asked.decided_by is None

    # Staff ask for an explanation of overdue work; the reminder about it reaches the focal point.
    explanation = call(
        api["v1_explanation_requests_create"],
        201,
        client=staff,
        body=models.ExplanationRequestInputRequest(
            agency="01", assignments=[not_started[1].id], message="Đề nghị giải trình việc chậm triển khai"
        ),
    )
    reminders_scan(on=working_days_after(explanation.answer_due_on, 1))
    notices = call(api["v1_notifications_list"], 200, client=focal, page_size=500)
    kinds = {notice.kind for notice in notices.results}
    assert {models.NotificationKindEnum.EXPLAIN_REQUESTED, models.NotificationKindEnum.EXPLAIN_LATE} <= kinds
    late = next(notice for notice in notices.results if notice.kind == models.NotificationKindEnum.EXPLAIN_LATE)
    assert (late.assignment, late.task, late.agency) == (None, None, None)

    # The four dashboards of Đề án 06 as they stood on 30/06/2024.
    as_of = date(2024, 6, 30)
    summary = call(api["v1_dashboard_summary_retrieve"], 200, client=staff, plan="DA06-2024", as_of=as_of)
    assert (summary.tasks.done, summary.tasks.total) == (43, 229)
    agencies = call(api["v1_dashboard_agencies_list"], 200, client=staff, plan="DA06-2024", as_of=as_of)
    assert agencies.count > 60
    assert sum(row.total for row in agencies.results) <= summary.assignments.total
    overdue = call(api["v1_dashboard_overdue_list"], 200, client=staff, plan="DA06-2024", as_of=as_of, page_size=10)
    assert overdue.count == summary.assignments.by_timeliness.overdue
    assert all(row.days_overdue >= 1 for row in overdue.results)
    timeline = call(api["v1_dashboard_timeline_list"], 200, client=staff, plan="DA06-2024")
    assert [point.done for point in timeline] == sorted(point.done for point in timeline)

    # Signed out: the token no longer works.
    call(api["v1_auth_logout_create"], 204, client=staff)
    call(api["v1_notifications_list"], 401, client=staff)


def without_words(schema):
    """The schema with its prose taken out: what a generator names classes, functions and
    fields from."""
    if isinstance(schema, dict):
        return {key: without_words(value) for key, value in schema.items() if key not in ("description", "title")}
    if isinstance(schema, list):
        return [without_words(item) for item in schema]
    return schema


@pytest.mark.django_db
def test_the_schema_names_everything_the_same_in_vietnamese_and_in_english(client):
    vietnamese, english = (
        json.loads(client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language).content)
        for language in ("vi", "en")
    )
    # The prose is the request's language: the refusals read "Chưa đăng nhập." or "Not signed in.".
    assert vietnamese != english

    def names(schema):
        operations = [operation for path in schema["paths"].values() for operation in path.values()]
        parameters = [(op["operationId"], p["name"]) for op in operations for p in op.get("parameters", [])]
        components = sorted(schema["components"]["schemas"])
        return components, sorted(op["operationId"] for op in operations), sorted(parameters)

    assert names(vietnamese) == names(english)
    assert without_words(vietnamese) == without_words(english)
