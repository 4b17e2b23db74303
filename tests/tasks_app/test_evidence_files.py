"""Evidence files on disk: a report that is refused or rolled back leaves none behind, and a
report that stands keeps its file."""

from datetime import date
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import TransitionNotAllowed
from tasks_app.models import Status, StatusEvent
from tasks_app.services import assignment_transition
from tasks_app.workflow import Action
from tests.conftest import at

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 bien ban nghiem thu"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(root) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def evidence():
    return SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")


def report_by_api(user, assignment):
    client = APIClient()
    client.force_authenticate(user)
    with at(date(2024, 6, 20)):
        return client.post(
            f"/api/v1/assignments/{assignment.pk}/transition/",
            {"action": "report_done", "note": "Đã xong", "evidence_file": evidence()},
            format="multipart",
        )


def report_on_page(client, user, assignment):
    client.force_login(user)
    with at(date(2024, 6, 20)):
        return client.post(
            reverse("assignment_act", args=[assignment.pk, "report_done"]),
            {"note": "Đã xong", "evidence_file": evidence()},
            follow=True,
        )


def fail_insert_of_events(execute, sql, params, many, context):
    """The database refuses the event's row, as a constraint or a lost connection would."""
    if sql.startswith(f'INSERT INTO "{StatusEvent._meta.db_table}"'):
        raise IntegrityError("the event row is refused")
    return execute(sql, params, many, context)


def refuse_after_the_event(**kwargs):
    raise TransitionNotAllowed("Nhiệm vụ vừa được cơ quan khác thay đổi.")


class TestReportThroughTheApi:
    def test_a_report_that_stands_keeps_its_file_and_it_downloads(self, client, media, focal_point, staff, assignment):
        response = report_by_api(focal_point, assignment)

        assert response.status_code == 200
        report = StatusEvent.objects.get(assignment=assignment, action=Action.REPORT_DONE)
        assert files_in(media) == [report.evidence_file.name]
        client.force_login(staff)
        download = client.get(reverse("evidence_download", args=[report.pk]))
        assert b"".join(download.streaming_content) == PDF

    def test_a_report_from_a_status_that_allows_none_stores_no_file(self, media, focal_point, staff, assignment):
        assignment_transition(assignment=assignment, action=Action.CANCEL, actor=staff, note="Không thực hiện")

        assert report_by_api(focal_point, assignment).status_code == 409
        assert files_in(media) == []

    def test_a_report_by_someone_without_the_right_stores_no_file(self, media, leader, other_focal_point, assignment):
        assert report_by_api(leader, assignment).status_code == 403
        assert report_by_api(other_focal_point, assignment).status_code == 404
        assert files_in(media) == []

    def test_a_refusal_after_the_file_is_stored_removes_it(self, media, focal_point, assignment):
        with mock.patch("notifications.receivers.notify", side_effect=refuse_after_the_event):
            response = report_by_api(focal_point, assignment)

        assert response.status_code == 409
        assert files_in(media) == []
        assignment.refresh_from_db()
        assert assignment.status == Status.NOT_STARTED

    def test_a_database_error_at_the_event_insert_removes_the_file(self, media, focal_point, assignment):
        with pytest.raises(IntegrityError), connection.execute_wrapper(fail_insert_of_events):
            report_by_api(focal_point, assignment)

        assert files_in(media) == []
        assert not StatusEvent.objects.filter(assignment=assignment, action=Action.REPORT_DONE).exists()


class TestReportOnThePage:
    def test_a_report_that_stands_keeps_its_file(self, client, media, focal_point, assignment):
        report_on_page(client, focal_point, assignment)

        report = StatusEvent.objects.get(assignment=assignment, action=Action.REPORT_DONE)
        assert files_in(media) == [report.evidence_file.name]
        assert client.get(reverse("evidence_download", args=[report.pk])).status_code == 200

    def test_a_refused_report_stores_no_file(self, client, media, focal_point, staff, assignment):
        assignment_transition(assignment=assignment, action=Action.CANCEL, actor=staff, note="Không thực hiện")

        page = report_on_page(client, focal_point, assignment).content.decode()

        assert "Không thể “Báo cáo hoàn thành”" in page
        assert files_in(media) == []

    def test_a_refusal_after_the_file_is_stored_removes_it(self, client, media, focal_point, assignment):
        with mock.patch("notifications.receivers.notify", side_effect=refuse_after_the_event):
            page = report_on_page(client, focal_point, assignment).content.decode()

        assert "Nhiệm vụ vừa được cơ quan khác thay đổi." in page
        assert files_in(media) == []

    def test_a_database_error_at_the_event_insert_removes_the_file(self, client, media, focal_point, assignment):
        with pytest.raises(IntegrityError), connection.execute_wrapper(fail_insert_of_events):
            report_on_page(client, focal_point, assignment)

        assert files_in(media) == []
