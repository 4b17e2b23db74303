"""API tokens: they expire, a new password or a deactivation revokes them, and their owner
sees and revokes them (API and page)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db
API = "/api/v1"
PASSWORD = "mật-khẩu-đủ-dài-9"


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def person(db):
    user = UserFactory(username="tran.thi.b")
    user.set_password(PASSWORD)
    user.save()
    return user


def issue_token(username="tran.thi.b", password=PASSWORD):
    return APIClient().post(f"{API}/auth/token/", {"username": username, "password": password})


def client_with(token, prefix="Token"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{prefix} {token}")
    return client


def works(token) -> bool:
    return client_with(token).get(f"{API}/agencies/").status_code == 200


def test_a_token_works_until_its_lifetime_ends(person, settings):
    response = issue_token()
    token = response.json()["token"]

    assert works(token)
    expiry = timezone.datetime.fromisoformat(response.json()["expiry"])
    assert timedelta(hours=9, minutes=59) < expiry - timezone.now() <= timedelta(hours=10)
    with time_machine.travel(timezone.now() + timedelta(hours=10, minutes=1)):
        assert not works(token)


def test_changing_the_password_revokes_the_tokens(client, person):
    token = issue_token().json()["token"]
    client.force_login(person)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "mot-mat-khau-moi-7", "new_password2": "mot-mat-khau-moi-7"},
    )

    assert response.status_code == 302
    assert not works(token)


def test_resetting_the_password_revokes_the_tokens(client, person, django_capture_on_commit_callbacks):
    token = issue_token().json()["token"]
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("password_reset"), {"email": person.email})
    finally:
        celery_app.conf.task_always_eager = False
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "mot-mat-khau-moi-7", "new_password2": "mot-mat-khau-moi-7"},
    )

    assert not works(token)


def test_an_administrator_setting_the_password_revokes_the_tokens(admin_client, person):
    token = issue_token().json()["token"]

    admin_client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": "mot-mat-khau-moi-7", "password2": "mot-mat-khau-moi-7"},
    )

    assert not works(token)


def test_deactivating_the_user_revokes_the_tokens(person):
    token = issue_token().json()["token"]

    person.is_active = False
    person.save()
    person.is_active = True
    person.save()

    assert not works(token)


def test_the_owner_lists_their_tokens_without_the_keys_and_revokes_one(person):
    first = issue_token().json()["token"]
    second = issue_token().json()["token"]
    UserFactory(username="someone.else")
    client = client_with(second)

    listed = client.get(f"{API}/auth/tokens/").json()["results"]

    assert len(listed) == 2
    assert first not in str(listed)
    assert second not in str(listed)
    assert [row["current"] for row in listed] == [True, False]
    assert client.delete(f"{API}/auth/tokens/{listed[1]['id']}/").status_code == 204
    assert not works(first)
    assert works(second)


def test_nobody_revokes_another_users_token(person):
    theirs = issue_token().json()["token"]
    other = UserFactory(username="someone.else")
    other.set_password(PASSWORD)
    other.save()
    mine = issue_token("someone.else").json()["token"]
    their_id = client_with(theirs).get(f"{API}/auth/tokens/").json()["results"][0]["id"]

    assert client_with(mine).delete(f"{API}/auth/tokens/{their_id}/").status_code == 404
    assert works(theirs)


def test_logout_revokes_this_token_and_logout_all_every_token(person):
    first, second, third = (issue_token().json()["token"] for _ in range(3))

    assert client_with(first).post(f"{API}/auth/logout/").status_code == 204
    assert not works(first)
    assert works(second)
    # With the prefix generated clients send, as every other endpoint takes it.
    assert client_with(second, prefix="Bearer").post(f"{API}/auth/logout-all/").status_code == 204
    assert not works(second)
    assert not works(third)


def test_overlong_credentials_are_refused_in_vietnamese(db):
    response = issue_token("u" * 151, "p" * 4097)

    assert response.status_code == 400
    assert response.json() == {
        "username": ["Tên đăng nhập dài quá 150 ký tự."],
        "password": ["Mật khẩu dài quá 4096 ký tự."],
    }


def test_the_tokens_page_lists_them_and_revokes_one(client, person):
    token = issue_token().json()["token"]
    client.force_login(person)

    page = client.get(reverse("api_tokens")).content.decode()
    assert 'href="/accounts/tokens/"' in page
    assert token not in page
    (action,) = re.findall(r'action="(/accounts/tokens/[0-9a-f]+/revoke/)"', page)

    response = client.post(action, follow=True)

    assert "Đã thu hồi mã truy cập API." in response.content.decode()
    assert "Không có mã nào còn hiệu lực." in response.content.decode()
    assert not works(token)


def test_the_schema_documents_the_token_scheme_and_endpoints(db):
    schema = APIClient().get("/api/schema/?format=json").json()

    assert schema["components"]["securitySchemes"]["tokenAuth"] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "description": "",
    }
    assert schema["paths"]["/api/v1/auth/logout/"]["post"]["security"] == [{"tokenAuth": []}]
    assert {"/api/v1/auth/tokens/", "/api/v1/auth/tokens/{id}/", "/api/v1/auth/logout/"} <= set(schema["paths"])
