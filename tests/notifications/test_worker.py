"""Reminders end to end on a real Celery worker consuming from the configured broker
(Redis in CI, kombu's filesystem transport on a bare machine)."""

import socket
import threading
from datetime import date, datetime
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection

from notifications.models import Notification
from notifications.services import digests_send, reminders_scan
from notifications.tasks import reminders_daily
from tasks_app.services import assignment_create, assignment_transition, explanation_request_create
from tasks_app.workflow import Action
from tests.conftest import at, transactional, wait_for
from tests.factories import TaskFactory

pytestmark = transactional
MONDAY = date(2024, 7, 1)


@pytest.fixture
def work(agency, focal_point, leader):
    """Due today; late since Saturday (its first overdue day fell on the weekend); late by
    fourteen days, which goes to the leader only (its weekly overdue day is not today)."""
    return [
        assignment_create(task=TaskFactory(due_on=due), agency=agency, role="lead", owner=focal_point)
        for due in (MONDAY, date(2024, 6, 28), date(2024, 6, 17))
    ]


def test_the_morning_job_sends_each_person_one_digest(worker, work, settings, agency, staff):
    settings.TRACKER_SENDING = {**settings.TRACKER_SENDING, "recipients_per_task": 1}
    with at(date(2024, 6, 20)):  # answer by 27/6: late on Monday
        explanation_request_create(agency=agency, assignments=[work[2]], actor=staff, message="Đề nghị giải trình.")
    assert wait_for(lambda: len(mail.outbox) == 1)  # the request itself, told at once
    mail.outbox.clear()
    with time_machine.travel(datetime.combine(MONDAY, clock(8), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        reminders_daily.delay()

        assert wait_for(lambda: len(mail.outbox) == 3)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"focal@example.org", "leader@example.org", "staff@example.org"}
    assert by_recipient["focal@example.org"].subject == (
        "[Tracker 06] 1 nhiệm vụ quá hạn, 1 nhiệm vụ đến hạn hôm nay, 1 yêu cầu giải trình đã quá hạn"
    )
    assert by_recipient["leader@example.org"].subject == "[Tracker 06] 1 nhiệm vụ quá hạn kéo dài"
    assert wait_for(lambda: not Notification.objects.filter(sent_at__isnull=True).exists())


def test_a_second_sender_while_the_first_is_sending_takes_nothing(work, focal_point, monkeypatch):
    """The second sender runs in full while the first holds the rows and is inside its SMTP
    call: the moment where, without the claim, both would send the same digest."""
    reminders_scan(on=MONDAY)
    first_is_sending, second_is_done = threading.Event(), threading.Event()
    real_send = locmem.EmailBackend.send_messages

    def send_messages(backend, messages):
        if threading.current_thread() is first:
            first_is_sending.set()
            assert second_is_done.wait(timeout=10)
        return real_send(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    results = {}

    def send_first():
        try:
            results["first"] = digests_send(recipient_ids=[focal_point.pk], on=MONDAY).sent
        finally:
            first_is_sending.set()  # never leave the test waiting when the first sender fails early
            connection.close()

    first = threading.Thread(target=send_first)
    first.start()
    assert first_is_sending.wait(timeout=10)
    results["second"] = digests_send(recipient_ids=[focal_point.pk], on=MONDAY).sent
    second_is_done.set()
    first.join(timeout=10)

    assert results == {"first": 2, "second": 0}
    assert len(mail.outbox) == 1


def test_a_returned_report_reaches_the_owner_by_email_at_once(worker, work, focal_point, staff):
    assignment_transition(assignment=work[0], action=Action.REPORT_DONE, actor=focal_point, note="Đã xong")
    assignment_transition(assignment=work[0], action=Action.RETURN, actor=staff, note="Thiếu văn bản")

    assert wait_for(lambda: len(mail.outbox) == 1)
    message = mail.outbox[0]
    assert message.to == ["focal@example.org"]
    assert message.subject == "[Tracker 06] 1 báo cáo bị trả lại"
    assert "Thiếu văn bản" in message.body


def test_smtp_failing_then_recovering_delivers_each_digest_once(worker, work, smtp_server, settings):
    # One batch: the focal point's digest goes through; the leader's is refused twice and
    # goes out on the second retry (retries at most a second apart in the test settings).
    smtp_server.refusals["leader@example.org"] = 2
    with time_machine.travel(datetime.combine(MONDAY, clock(8), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        reminders_daily.delay()

        assert wait_for(lambda: len(smtp_server.delivered) == 2)
    assert smtp_server.delivered == ["focal@example.org", "leader@example.org"]
    assert wait_for(lambda: not Notification.objects.filter(sent_at__isnull=True).exists())
    leader_row = Notification.objects.get(recipient__email="leader@example.org")
    assert leader_row.attempts == 3
    assert "Try again later" in leader_row.last_error
    focal_rows = Notification.objects.filter(recipient__email="focal@example.org")
    assert set(focal_rows.values_list("attempts", flat=True)) == {1}
    assert not wait_for(lambda: len(smtp_server.delivered) > 2, seconds=2)


def test_a_mail_server_away_then_back_records_each_failed_attempt_and_delivers_once(
    worker, work, smtp_server, settings
):
    # The server is away (its port refuses connections): each retry records its error on
    # the rows; once it is back, the next retry delivers each digest once.
    live_port = settings.EMAIL_PORT
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]
    with time_machine.travel(datetime.combine(MONDAY, clock(8), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        reminders_daily.delay()

        rows = Notification.objects.all()
        assert wait_for(lambda: rows.count() == 3 and not rows.filter(attempts__lt=2).exists())
        assert all("Connection refused" in row.last_error for row in rows)
        assert not rows.filter(sent_at__isnull=False).exists()
        settings.EMAIL_PORT = live_port

        assert wait_for(lambda: not Notification.objects.filter(sent_at__isnull=True).exists())
    assert sorted(smtp_server.delivered) == ["focal@example.org", "leader@example.org"]
    assert not wait_for(lambda: len(smtp_server.delivered) > 2, seconds=2)
