"""Logging in and out, the lockout after repeated failures, password reset by email, the
language switch and the notifications page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from tests.factories import UserFactory
from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    user = UserFactory(username="nguyen.van.a", first_name="Nguyễn Văn", last_name="A")
    user.set_password("mat-khau-dung-1")
    user.save()
    return user


@pytest.fixture
def eager_worker():
    """Celery tasks run in the test's process when dispatched, as a worker would run them."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def log_in(client, password):
    return client.post(reverse("login"), {"username": "nguyen.van.a", "password": password})


def test_logging_in_leads_to_the_dashboard_and_logging_out_to_the_login_page(client, person):
    page = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in page
    assert 'for="id_username"' in page

    response = log_in(client, "mat-khau-dung-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")

    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("my_assignments"))["Location"].startswith(reverse("login"))


def test_repeated_failed_logins_lock_the_account_out_even_with_the_right_password(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "sai").status_code == 200

    locked = log_in(client, "sai")
    then = log_in(client, "mat-khau-dung-1")

    assert locked.status_code == 429
    assert "tạm khóa" in locked.content.decode()
    assert then.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, person, eager_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": person.email})

    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"http://\S+/accounts/reset/\S+/", message.body).group(0)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "mot-mat-khau-moi-7", "new_password2": "mot-mat-khau-moi-7"},
    )
    assert response.status_code == 302
    assert log_in(client, "mot-mat-khau-moi-7").status_code == 302


def test_the_language_switch(client, person):
    client.force_login(person)

    client.post(reverse("set_language"), {"language": "en", "next": reverse("my_assignments")})

    page = client.get(reverse("my_assignments")).content.decode()
    assert '<html lang="en">' in page
    assert "Notifications" in page


def test_the_header_counts_unread_notifications_and_the_list_marks_them_read(client, person):
    Notification.objects.create(recipient=person, kind="reassigned", dedup_key="a", note="Giao lại cho đồng chí")
    Notification.objects.create(recipient=person, kind="accepted", dedup_key="b")
    client.force_login(person)

    page = client.get(reverse("notifications")).content.decode()
    assert '<span aria-hidden="true">2</span><span class="visually-hidden">2 thông báo chưa đọc</span>' in page
    assert "Giao lại cho đồng chí" in page

    client.post(reverse("notifications_read_all"))
    assert "thông báo chưa đọc" not in client.get(reverse("notifications")).content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
