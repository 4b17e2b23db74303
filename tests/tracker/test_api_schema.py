"""The whole API, fuzzed from its own OpenAPI schema, as committee staff: no 5xx, and no
response that breaks the schema."""

import os
from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reports.periods import calendar_period
from reports.services import report_issue
from tasks_app.services import (
    assignment_create,
    explanation_request_create,
    extension_request_create,
    obstacle_record,
)
from tests.conftest import at, committee_staff
from tracker.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def keep_the_test_connection():
    """Django closes the connection after each request, which would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, keep_the_test_connection, task, agency, focal_point, settings):
    # A report's PDF answers its documented 503, as on a machine without LibreOffice: a
    # conversion takes seconds, and tests/reports/test_documents.py makes real ones.
    settings.TRACKER_SOFFICE = "/nonexistent/soffice"
    with at(date(2024, 1, 15)):
        assignment = assignment_create(task=task, agency=agency, role="lead", owner=focal_point)
    extension_request_create(assignment=assignment, kind="withdraw", reason="Không còn phù hợp", actor=focal_point)
    staff = committee_staff("schema.staff")
    explanation_request_create(agency=agency, assignments=[assignment], actor=staff, message="Đề nghị giải trình")
    obstacle_record(assignment=assignment, kind="proposal", text="Đề xuất", addressee=None, actor=focal_point)
    report_issue(plan=task.plan, period=calendar_period("month", 2024, 3), actor=staff)
    return AuthToken.objects.create(user=staff)[1]


# The same examples on every run, so that a run fails for a change, not for a draw of the
# dice; FUZZ=1 draws new ones (and more of them) when hunting for bugs.
FUZZ = bool(os.environ.get("FUZZ"))


def no_server_error_but_the_documented_pdf_503(ctx, response, case):
    """Any 5xx is a failure, except the report PDF's documented 503 (the fixture has no LibreOffice)."""
    if response.status_code == 503 and case.path.endswith("/document/"):
        return None
    return schemathesis.checks.not_a_server_error(ctx, response, case)


@schema.parametrize()
@settings(
    max_examples=200 if FUZZ else 20,
    derandomize=not FUZZ,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}", "Host": "localhost"},
        checks=[
            no_server_error_but_the_documented_pdf_503,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            response_headers_conformance,
        ],
    )


def test_the_schema_generates_without_a_warning(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "/api/v1/dashboard/summary/" in (tmp_path / "schema.yaml").read_text()
