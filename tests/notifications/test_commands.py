from datetime import date
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
from tasks_app.services import assignment_create, explanation_request_create
from tests.conftest import at
from tests.factories import TaskFactory


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_names_each_recipient_and_writes_nothing(agency, focal_point):
    with at(date(2024, 1, 15)):
        assignment_create(task=TaskFactory(due_on=date(2024, 7, 1)), agency=agency, role="lead", owner=focal_point)

    output = run("--as-of", "2024-07-01", "--dry-run")

    assert "focal@example.org: 1 Đến hạn hôm nay" in output
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_real_run_sends_the_digests(agency, focal_point):
    with at(date(2024, 1, 15)):
        assignment_create(task=TaskFactory(due_on=date(2024, 7, 1)), agency=agency, role="lead", owner=focal_point)

    output = run("--as-of", "2024-07-01")

    assert "Đã gửi 1, thất bại 0, chờ gửi lại 0 thông báo." in output
    assert [message.to for message in mail.outbox] == [["focal@example.org"]]


def test_a_sunday_or_a_tet_day_names_nobody(db):
    assert "không phải ngày làm việc" in run("--as-of", "2024-06-30", "--dry-run")
    assert "không phải ngày làm việc" in run("--as-of", "2024-02-12", "--dry-run")


def test_a_dry_run_names_the_reminders_of_a_late_explanation_request(agency, focal_point, leader, staff):
    with at(date(2024, 1, 15)):
        late = assignment_create(task=TaskFactory(due_on=date(2024, 6, 28)), agency=agency, role="lead")
    with at(date(2024, 7, 1)):
        explanation_request_create(agency=agency, assignments=[late], actor=staff, message="Đề nghị giải trình.")
    Notification.objects.update(sent_at=timezone.now())

    output = run("--as-of", "2024-07-22", "--dry-run")

    assert "focal@example.org: 1 Quá hạn, 1 Quá hạn giải trình\n" in output
    assert "leader@example.org: 1 Quá hạn giải trình kéo dài (báo lãnh đạo)\n" in output
