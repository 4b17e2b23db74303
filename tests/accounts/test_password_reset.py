"""Password reset answers the same, doing the same work, for a known and an unknown address
(the worker looks the address up and sends), and is limited per address and per client."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import transactional, wait_for
from tests.factories import UserFactory
from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def known(db):
    return UserFactory(username="le.van.c", email="le.van.c@example.org")


def ask(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_a_known_and_an_unknown_address_get_the_same_answer_and_no_mail_in_the_request(
    client, known, django_capture_on_commit_callbacks
):
    answers = {}
    for email in (known.email, "khong.co@example.org"):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as dispatched:
            response = ask(client, email)
        answers[email] = (response.status_code, response["Location"], len(queries), len(dispatched))

    assert answers[known.email] == answers["khong.co@example.org"] == (302, reverse("password_reset_done"), 0, 1)
    assert mail.outbox == []


def test_the_worker_sends_the_link_only_to_a_known_address(client, known, django_capture_on_commit_callbacks):
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ask(client, "khong.co@example.org")
            ask(client, known.email)
    finally:
        celery_app.conf.task_always_eager = False

    assert [message.to for message in mail.outbox] == [[known.email]]


def test_the_reset_mail_is_marked_automatic_dated_in_vietnam_and_links_to_the_tracker(
    client, known, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker06.example.org"
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ask(client, known.email)
    finally:
        celery_app.conf.task_always_eager = False

    (sent,) = mail.outbox
    message = sent.message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert parsedate_to_datetime(message["Date"]).utcoffset() == timedelta(hours=7)
    assert message["Message-ID"].endswith("@tracker06.example.org>")
    assert "Truy cập Tracker 06 tại: https://tracker06.example.org\n" in sent.body


@pytest.mark.parametrize("email", ["le.van.c@example.org", "khong.co@example.org"])
def test_requests_for_one_address_are_limited_alike_whether_it_exists_or_not(client, known, settings, email):
    codes = [ask(client, email, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(4)]

    assert codes == [302, 302, 302, 429]
    page = ask(client, email).content.decode()
    assert "Đã có quá nhiều yêu cầu đặt lại mật khẩu" in page
    assert email not in page


def test_requests_from_one_client_are_limited(client, settings):
    limit = settings.PASSWORD_RESET_LIMIT_PER_CLIENT
    codes = [ask(client, f"nguoi{n}@example.org").status_code for n in range(limit + 1)]

    assert codes[:-1] == [302] * limit
    assert codes[-1] == 429


@transactional
def test_a_real_worker_sends_the_reset_link(worker, client):
    UserFactory(username="le.van.c", email="le.van.c@example.org")

    response = ask(client, "le.van.c@example.org")

    assert response.status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert "/accounts/reset/" in mail.outbox[0].body


def test_a_broker_that_refuses_the_task_is_logged_not_an_error_page(
    client, known, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from accounts import tasks

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker away")

    monkeypatch.setattr(tasks.password_reset_send, "delay", refuse)
    with caplog.at_level("ERROR", logger="django.db.backends"), django_capture_on_commit_callbacks(execute=True):
        response = ask(client, known.email)
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "broker away" in caplog.text
    assert mail.outbox == []
