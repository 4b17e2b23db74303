"""The client's address is the socket's: a rotating X-Forwarded-For lifts neither the token
endpoint's throttle nor the login lockout, unless TRUSTED_PROXIES says a proxy wrote it."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def three_anonymous_requests_a_minute(monkeypatch):
    cache.clear()
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    yield
    cache.clear()


@pytest.fixture
def one_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert api_settings.NUM_PROXIES == 1


def ask_for_tokens(forwarded_for):
    client = APIClient()
    return [
        client.post(TOKEN, {"username": "x", "password": "y"}, HTTP_X_FORWARDED_FOR=address).status_code
        for address in forwarded_for
    ]


def test_a_rotating_forwarded_for_does_not_lift_the_token_throttle():
    codes = ask_for_tokens([f"198.51.100.{n}" for n in range(4)])

    assert codes == [401, 401, 401, 429]


def test_behind_one_trusted_proxy_the_forwarded_address_is_the_client(one_trusted_proxy):
    assert ask_for_tokens([f"198.51.100.{n}" for n in range(4)]) == [401, 401, 401, 401]
    assert ask_for_tokens(["10.0.0.1, 203.0.113.7"] * 3 + ["10.0.0.2, 203.0.113.7"]) == [401, 401, 401, 429]


def fail_logins(client, forwarded_for):
    return [
        client.post(
            reverse("login"), {"username": "nguyen.van.a", "password": "sai"}, HTTP_X_FORWARDED_FOR=address
        ).status_code
        for address in forwarded_for
    ]


def test_a_rotating_forwarded_for_does_not_lift_the_login_lockout(client, settings):
    addresses = [f"198.51.100.{n}" for n in range(settings.AXES_FAILURE_LIMIT)]

    assert fail_logins(client, addresses)[-1] == 429


def test_behind_one_trusted_proxy_the_lockout_counts_the_forwarded_address(client, settings, one_trusted_proxy):
    rotating = [f"198.51.100.{n}" for n in range(settings.AXES_FAILURE_LIMIT)]
    same = ["203.0.113.7"] * settings.AXES_FAILURE_LIMIT

    assert set(fail_logins(client, rotating)) == {200}
    assert fail_logins(client, same)[-1] == 429
