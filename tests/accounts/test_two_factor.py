"""Two-factor sign-in: required of committee staff and administrators, optional for the
others; asked by the pages, the admin and the API token; wrong codes count as failed sign-ins."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.conftest import committee_staff

pytestmark = pytest.mark.django_db
PASSWORD = "mật-khẩu-đủ-dài-2024"


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def staff_member():
    return with_password(committee_staff("staff.2fa"))


def sign_in(client, user, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, **extra)


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def enrol(client, user) -> list[str]:
    """Through the page: start, then confirm with the code the authenticator would show."""
    client.post(reverse("two_factor"), {"act": "start"})
    page = client.post(reverse("two_factor"), {"act": "confirm", "code": current_code(user)})
    assert page.status_code == 200
    return re.findall(r"<code>(\d{8})</code>", page.content.decode())


def test_committee_staff_must_set_it_up_before_any_page_and_then_reach_the_page_asked_for(client, staff_member):
    sign_in(client, staff_member)

    wanted = client.get("/review/")
    assert wanted.status_code == 302
    assert wanted["Location"] == f"{reverse('two_factor')}?next=%2Freview%2F"
    setup = client.post(reverse("two_factor"), {"act": "start", "next": "/review/"}).content.decode()
    assert "<svg" in setup
    key = re.search(r'<code id="totp-key">([A-Z2-7]+)</code>', setup)[1]
    assert len(key) == 32
    refused = client.post(reverse("two_factor"), {"act": "confirm", "code": "000000", "next": "/review/"})
    assert refused.status_code == 400
    assert 'id="id_code_error"' in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=staff_member, confirmed=True).exists()

    confirmed = client.post(
        reverse("two_factor"), {"act": "confirm", "code": current_code(staff_member), "next": "/review/"}
    )

    assert len(re.findall(r"<code>(\d{8})</code>", confirmed.content.decode())) == 10
    assert 'href="/review/"' in confirmed.content.decode()
    assert client.get("/review/").status_code == 200


def test_the_next_sign_in_asks_for_the_code_and_a_backup_code_works_once(client, staff_member):
    sign_in(client, staff_member)
    backup = enrol(client, staff_member)[0]
    client.logout()

    sign_in(client, staff_member)
    assert client.get("/").status_code == 302
    assert client.post(reverse("two_factor"), {"act": "verify", "code": backup, "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200
    client.logout()
    sign_in(client, staff_member)
    reused = client.post(reverse("two_factor"), {"act": "verify", "code": backup})

    assert reused.status_code == 400
    assert client.get("/").status_code == 302


def test_wrong_codes_count_as_failed_sign_ins_and_lock_the_account_out(client, staff_member, settings):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, staff_member)
    enrol(client, staff_member)
    client.logout()
    sign_in(client, staff_member)

    for _ in range(3):
        client.post(reverse("two_factor"), {"act": "verify", "code": "123456"})
    client.logout()

    assert AccessAttempt.objects.get(username=staff_member.username).failures_since_start >= 3
    locked = sign_in(client, staff_member)
    assert locked.status_code == 429


def test_a_focal_point_may_go_without_and_may_turn_it_on(client, focal_point):
    with_password(focal_point)
    sign_in(client, focal_point)
    assert client.get("/my/").status_code == 200
    assert "Bắt đầu thiết lập" in client.get(reverse("two_factor")).content.decode()

    enrol(client, focal_point)
    client.logout()
    sign_in(client, focal_point)

    assert client.get("/my/").status_code == 302


def test_everyone_must_when_the_setting_says_so(client, focal_point, settings):
    settings.TWO_FACTOR_FOR_EVERYONE = True
    sign_in(client, with_password(focal_point))

    assert client.get("/my/").status_code == 302


def test_the_admin_site_asks_for_it_too(client, admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    client.post(reverse("admin:login"), {"username": admin_user.username, "password": PASSWORD})

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))


def test_an_api_token_needs_both_factors(staff_member, client):
    api = APIClient()
    body = {"username": staff_member.username, "password": PASSWORD}

    not_set_up = api.post("/api/v1/auth/token/", body, format="json")
    sign_in(client, staff_member)
    backup = enrol(client, staff_member)[0]
    missing = api.post("/api/v1/auth/token/", body, format="json")
    wrong = api.post("/api/v1/auth/token/", {**body, "otp": "000000"}, format="json")
    # After a wrong code django-otp makes the next try wait a second, then two, four…
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        right = api.post("/api/v1/auth/token/", {**body, "otp": backup}, format="json")

    assert not_set_up.status_code == 403
    assert "xác thực hai lớp" in not_set_up.json()["detail"]
    assert missing.status_code == 400
    assert list(missing.json()) == ["otp"]
    assert wrong.status_code == 400
    assert right.status_code == 200
    assert "token" in right.json()


def test_the_api_through_an_unverified_session_is_refused(client, staff_member):
    sign_in(client, staff_member)

    response = client.get("/api/v1/assignments/")

    assert response.status_code == 403
    assert response.json()["detail"] == "Cần xác thực hai lớp trước."


def test_an_administrators_reset_lets_a_user_set_it_up_again(client, admin_user, focal_point, settings):
    with_password(focal_point)
    sign_in(client, focal_point)
    enrol(client, focal_point)
    # The administrator's own second factor is another test's matter.
    settings.TWO_FACTOR_ENFORCED = False
    admin_client = Client()
    admin_client.force_login(admin_user)

    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [focal_point.pk]},
    )
    client.logout()
    sign_in(client, focal_point)

    assert not TOTPDevice.objects.filter(user=focal_point).exists()
    assert client.get("/my/").status_code == 200


def test_the_page_never_sends_elsewhere_after_the_code(client, staff_member):
    sign_in(client, staff_member)
    backup = enrol(client, staff_member)[0]
    client.logout()
    sign_in(client, staff_member)

    response = client.post(reverse("two_factor"), {"act": "verify", "code": backup, "next": "https://evil.example/"})

    assert response["Location"] == reverse("dashboard")
