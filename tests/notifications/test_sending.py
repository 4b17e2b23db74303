"""Each recipient's outcome is their own, against a real SMTP server: a permanent refusal
fails that person's rows with the server's answer, a person without an address fails with
"no address", a dropped or refused connection records its error on every row it stopped."""

import socket
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from rest_framework.test import APIClient

from agencies.models import MembershipRole
from notifications.models import Notification
from notifications.services import (
    SendingDeferred,
    digests_send,
    pending_recipient_batches,
    pending_recipients,
    reminders_scan,
)
from tasks_app.models import AssignmentRole
from tasks_app.services import assignment_create
from tests.conftest import at, member
from tests.factories import AgencyFactory, TaskFactory

MONDAY = date(2024, 7, 1)
REFUSED = "550 5.1.1 <other.focal@example.org>: Recipient address rejected: User unknown"


@pytest.fixture
def three(agency, focal_point, other_agency, other_focal_point):
    """Three focal points of three agencies, each with one assignment due on MONDAY."""
    third_agency = AgencyFactory()
    third = member(third_agency, MembershipRole.FOCAL_POINT, "third")
    people = [(focal_point, agency), (other_focal_point, other_agency), (third, third_agency)]
    with at(date(2024, 1, 15)):
        for owner, in_agency in people:
            assignment_create(task=TaskFactory(due_on=MONDAY), agency=in_agency, role=AssignmentRole.LEAD, owner=owner)
    reminders_scan(on=MONDAY)
    return [owner for owner, _ in people]


def row_of(user) -> Notification:
    return Notification.objects.get(recipient=user)


def test_a_refused_address_fails_that_persons_rows_and_the_others_are_sent(three, smtp_server):
    first, refused, third = three
    smtp_server.rcpt_answers[refused.email] = REFUSED

    outcome = digests_send(recipient_ids=[user.pk for user in three])

    assert (outcome.sent, outcome.failed, outcome.deferred) == (2, 1, 0)
    assert smtp_server.delivered == [first.email, third.email]
    row = row_of(refused)
    assert row.sent_at is None
    assert row.failed_at is not None
    assert row.last_error == REFUSED
    assert row.claim_token is None

    # Not tried again the next day.
    assert digests_send(recipient_ids=[refused.pk]).sent == 0
    assert smtp_server.delivered == [first.email, third.email]


def test_send_reminders_goes_on_past_a_refused_address_and_prints_the_counts(three, smtp_server):
    first, refused, third = three
    smtp_server.rcpt_answers[refused.email] = REFUSED
    out = StringIO()

    with at(MONDAY, hour=8):
        call_command("send_reminders", stdout=out)

    assert "Đã gửi 2, thất bại 1, chờ gửi lại 0 thông báo." in out.getvalue()
    assert sorted(smtp_server.delivered) == sorted([first.email, third.email])


def test_send_reminders_counts_a_digest_left_for_a_retry_and_prints_the_servers_answer(three, smtp_server):
    smtp_server.refusals[three[1].email] = 1
    out = StringIO()

    with at(MONDAY, hour=8):
        call_command("send_reminders", stdout=out)

    assert "Đã gửi 2, thất bại 0, chờ gửi lại 1 thông báo." in out.getvalue()
    assert "Lỗi gần nhất: 451 4.3.0 Try again later" in out.getvalue()


def test_a_500_answer_is_a_permanent_refusal(three, smtp_server):
    smtp_server.rcpt_answers[three[1].email] = "500 5.5.2 Syntax error"

    outcome = digests_send(recipient_ids=[three[1].pk])

    assert (outcome.sent, outcome.failed, outcome.deferred) == (0, 1, 0)
    assert row_of(three[1]).last_error == "500 5.5.2 Syntax error"


def test_the_pending_recipients_come_once_each_in_batches_of_the_configured_size(three, agency, settings):
    first = three[0]
    with at(date(2024, 1, 15)):
        assignment_create(task=TaskFactory(due_on=MONDAY), agency=agency, role=AssignmentRole.LEAD, owner=first)
    reminders_scan(on=MONDAY)
    settings.TRACKER_SENDING = {**settings.TRACKER_SENDING, "recipients_per_task": 2}
    everyone = sorted(user.pk for user in three)

    assert pending_recipients() == everyone
    assert pending_recipient_batches() == [everyone[:2], everyone[2:]]


def test_the_outbox_admin_lists_failed_rows_with_the_servers_answer(three, smtp_server, admin_client):
    smtp_server.rcpt_answers[three[1].email] = REFUSED
    digests_send(recipient_ids=[user.pk for user in three])

    page = admin_client.get("/admin/notifications/notification/", {"delivery": "failed"})

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [row_of(three[1])]
    assert "Recipient address rejected: User unknown" in page.content.decode()
    assert "Gửi thất bại" in page.content.decode()


def test_a_person_without_an_address_is_marked_failed_and_still_sees_the_notification(three, smtp_server):
    first, nowhere, third = three
    nowhere.email = ""
    nowhere.save(update_fields=["email"])

    outcome = digests_send(recipient_ids=[user.pk for user in three])

    assert (outcome.sent, outcome.failed) == (2, 1)
    assert smtp_server.delivered == [first.email, third.email]
    row = row_of(nowhere)
    assert (row.sent_at, row.last_error) == (None, "Người nhận chưa có địa chỉ e-mail")
    assert row.failed_at is not None
    api = APIClient()
    api.force_authenticate(nowhere)
    listed = api.get("/api/v1/notifications/").json()
    assert [item["id"] for item in listed["results"]] == [row.pk]


def test_a_refused_connection_records_its_error_on_every_row(three, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False

    with pytest.raises(SendingDeferred) as deferred:
        digests_send(recipient_ids=[user.pk for user in three])

    assert deferred.value.outcome.deferred == 3
    rows = Notification.objects.all()
    assert {(row.sent_at, row.failed_at, row.attempts, row.claim_token) for row in rows} == {(None, None, 1, None)}
    assert all("Connection refused" in row.last_error for row in rows)
    assert mail.outbox == []


def test_a_connection_dropped_mid_batch_leaves_the_rest_pending_with_the_error(three, smtp_server):
    first, dropped, third = three
    smtp_server.drops[dropped.email] = 1

    with pytest.raises(SendingDeferred) as deferred:
        digests_send(recipient_ids=[user.pk for user in three])

    assert (deferred.value.outcome.sent, deferred.value.outcome.deferred) == (1, 2)
    assert smtp_server.delivered == [first.email]
    for user in (dropped, third):
        row = row_of(user)
        assert (row.sent_at, row.failed_at, row.attempts) == (None, None, 1)
        assert "Connection unexpectedly closed" in row.last_error

    assert digests_send(recipient_ids=[user.pk for user in three]).sent == 2
    assert smtp_server.delivered == [first.email, dropped.email, third.email]


@pytest.mark.parametrize("claim", ["celery-task-7", "0b6c3f0e-8d2a-4c51-9a61-3f1e2d4c5b6a"], ids=["name", "uuid"])
def test_a_sender_named_by_its_task_id_sends_once(three, claim):
    assert digests_send(recipient_ids=[user.pk for user in three], claim=claim).sent == 3
    assert digests_send(recipient_ids=[user.pk for user in three], claim=claim).sent == 0
    assert len(mail.outbox) == 3


def test_a_digest_is_marked_automatic_dated_in_vietnam_and_links_to_the_tracker(three, settings):
    settings.SITE_URL = "https://tracker06.example.org"

    digests_send(recipient_ids=[three[0].pk])

    (sent,) = mail.outbox
    message = sent.message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert parsedate_to_datetime(message["Date"]).utcoffset() == timedelta(hours=7)
    assert message["Message-ID"].endswith("@tracker06.example.org>")
    assert "Truy cập Tracker 06 tại: https://tracker06.example.org\n" in sent.body
    ((html, _),) = sent.alternatives
    assert '<a href="https://tracker06.example.org">https://tracker06.example.org</a>' in html


def test_every_refusal_and_every_missing_address_of_a_batch_is_counted(three, smtp_server):
    first, second, third = three
    smtp_server.rcpt_answers[second.email] = REFUSED
    smtp_server.rcpt_answers[third.email] = REFUSED
    first.email = ""
    first.save()

    outcome = digests_send(recipient_ids=[user.pk for user in three])

    assert (outcome.sent, outcome.failed, outcome.deferred) == (0, 3, 0)


def test_every_temporary_refusal_of_a_batch_is_counted(three, smtp_server):
    for user in three[1:]:
        smtp_server.refusals[user.email] = 1

    with pytest.raises(SendingDeferred) as deferred:
        digests_send(recipient_ids=[user.pk for user in three])

    assert (deferred.value.outcome.sent, deferred.value.outcome.deferred) == (1, 2)


def test_an_unexpected_error_gives_the_rows_back_at_once(three, monkeypatch):
    def broken(backend, messages):
        raise RuntimeError("a bug while sending")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", broken)
    with pytest.raises(RuntimeError):
        digests_send(recipient_ids=[three[0].pk])
    assert list(Notification.objects.filter(recipient=three[0]).values_list("claim_token", "claimed_until")) == [
        (None, None)
    ]
    monkeypatch.undo()

    assert digests_send(recipient_ids=[three[0].pk]).sent == 1


def test_an_address_that_cannot_be_written_fails_for_good_with_the_reason(three, smtp_server):
    broken = three[0]
    broken.email = "focal\n@example.org"
    broken.save()

    outcome = digests_send(recipient_ids=[broken.pk])

    assert (outcome.sent, outcome.failed, outcome.deferred) == (0, 1, 0)
    assert "newline" in row_of(broken).last_error
