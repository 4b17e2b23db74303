"""A ministry's own system with a token: made by an administrator in the admin, the token
shown once, scoped to its agency, read-only or read-write, expiring, revocable."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import ServiceAccount
from tasks_app.models import StatusEvent

pytestmark = pytest.mark.django_db


def made_in_the_admin(admin_client, **fields) -> tuple[ServiceAccount, str]:
    response = admin_client.post(
        reverse("admin:agencies_serviceaccount_add"), {"token_days": 30, **fields}, follow=True
    )
    key = re.search(r": ([0-9a-f]{64}) —", response.content.decode())[1]
    return ServiceAccount.objects.get(name=fields["name"]), key


def api(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_an_agencys_system_reads_its_agencys_work_only(admin_client, agency, assignment, other_agency):
    account, key = made_in_the_admin(admin_client, name="Hệ thống điều hành BCA", agency=agency.pk, read_only="on")

    listed = api(key).get("/api/v1/assignments/").json()

    assert [row["id"] for row in listed["results"]] == [assignment.pk]
    assert account.user.username.startswith("service.he-thong-dieu-hanh-bca")
    assert not account.user.has_usable_password()
    assert key not in str(ServiceAccount.objects.values_list())


def test_a_read_only_system_is_refused_every_write_and_nothing_changes(admin_client, agency, assignment):
    _account, key = made_in_the_admin(admin_client, name="Cổng dữ liệu", agency=agency.pk, read_only="on")
    events = StatusEvent.objects.count()

    response = api(key).post(f"/api/v1/assignments/{assignment.pk}/transition/", {"action": "start"}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "Tài khoản hệ thống này chỉ được đọc."
    assert StatusEvent.objects.count() == events


def test_a_read_write_system_acts_as_the_agencys_focal_point(admin_client, agency, assignment):
    _account, key = made_in_the_admin(admin_client, name="Hệ thống một cửa", agency=agency.pk)

    response = api(key).post(f"/api/v1/assignments/{assignment.pk}/transition/", {"action": "start"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"


def test_a_committee_system_reads_every_agency(admin_client, assignment, other_agency):
    _account, key = made_in_the_admin(admin_client, name="Kho dữ liệu Ủy ban", read_only="on")

    assert api(key).get("/api/v1/assignments/").json()["count"] == 1
    assert api(key).get("/api/v1/agencies/").status_code == 200


def test_a_token_stops_at_its_expiry_and_when_revoked_and_a_new_one_is_shown_once(admin_client, agency, assignment):
    account, key = made_in_the_admin(admin_client, name="Hệ thống A", agency=agency.pk, read_only="on")
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert api(key).get("/api/v1/assignments/").status_code == 401

    rotated = admin_client.post(
        reverse("admin:agencies_serviceaccount_changelist"),
        {"action": "issue_token", "_selected_action": [account.pk]},
        follow=True,
    )
    new_key = re.search(r": ([0-9a-f]{64}) —", rotated.content.decode())[1]
    assert api(new_key).get("/api/v1/assignments/").status_code == 200
    admin_client.post(
        reverse("admin:agencies_serviceaccount_changelist"),
        {"action": "revoke_tokens", "_selected_action": [account.pk]},
    )
    assert api(new_key).get("/api/v1/assignments/").status_code == 401
    assert api(key).get("/api/v1/assignments/").status_code == 401


def test_a_nameless_system_or_a_token_beyond_a_year_is_refused_in_the_form(admin_client, agency):
    response = admin_client.post(
        reverse("admin:agencies_serviceaccount_add"), {"name": "", "agency": agency.pk, "token_days": 400}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() == {"name", "token_days"}
    assert not ServiceAccount.objects.exists()
