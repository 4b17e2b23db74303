"""Webhooks to a real HTTP server on this machine: signed as Standard Webhooks says, retried
until accepted, never to the tracker's own network unless allowed, never following a
redirect, and an endpoint that keeps failing disabled with its owner told."""

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tasks_app.services import assignment_transition
from tasks_app.workflow import Action
from webhooks.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint
from webhooks.services import deliveries_send

pytestmark = pytest.mark.django_db
SECRET = "whsec-thu-nghiem"


def receiver_check(secret: str, headers, body: bytes) -> bool:
    """The README's check, as a ministry's receiver would write it."""
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(secret.encode(), signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(f"v1,{expected}", given) for given in headers["webhook-signature"].split())


def endpoint_for(receiver, owner, events, agencies=(), **fields):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, secret=SECRET, events=events, owner=owner, **fields)
    endpoint.agencies.set(agencies)
    return endpoint


def report(assignment, focal_point):
    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    assignment_transition(
        assignment=assignment,
        action=Action.REPORT_DONE,
        actor=focal_point,
        note="Đã xong",
        evidence_url="https://x.vn/1",
    )


def test_a_report_reaches_the_endpoint_signed_once_with_the_work_it_is_about(
    receiver, staff, assignment, focal_point, agency
):
    endpoint_for(receiver, staff, [EventType.REPORT_SUBMITTED], agencies=[agency])

    report(assignment, focal_point)
    assert deliveries_send() == 1

    ((path, headers, body),) = receiver.received
    assert path == "/hook"
    assert receiver_check(SECRET, headers, body)
    assert not receiver_check("another-secret", headers, body)
    event = json.loads(body)
    assert event["type"] == "assignment.reported"
    assert event["id"] == headers["webhook-id"]
    assert event["data"]["assignment"]["id"] == assignment.pk
    assert event["data"]["assignment"]["agency"] == "BCA-TEST"
    assert event["data"]["assignment"]["status"] == "reported"
    assert event["data"]["actor"] == "focal"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert deliveries_send() == 0, "nothing goes twice"


def test_each_endpoint_hears_only_its_events_and_agencies(receiver, staff, assignment, focal_point, other_agency):
    every_change = endpoint_for(receiver, staff, [EventType.STATUS_CHANGED])
    endpoint_for(receiver, staff, [EventType.REPORT_SUBMITTED], agencies=[other_agency])
    endpoint_for(receiver, staff, [EventType.EXTENSION_REQUESTED])

    report(assignment, focal_point)
    deliveries_send()

    types = [json.loads(body)["type"] for _path, _headers, body in receiver.received]
    assert types == ["assignment.status_changed", "assignment.status_changed"]
    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {every_change.pk}


def test_a_failed_delivery_is_retried_after_its_backoff_with_the_same_id(receiver, staff, assignment, focal_point):
    endpoint_for(receiver, staff, [EventType.STATUS_CHANGED])
    receiver.answers = [500]

    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    deliveries_send()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.PENDING, 1, 500)
    assert delivery.next_attempt_at > timezone.now()
    assert deliveries_send() == 0, "not before its time"
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        assert deliveries_send() == 1

    first, second = (headers["webhook-id"] for _path, headers, _body in receiver.received)
    assert first == second == str(delivery.event_id)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.DELIVERED, 2, 200)


def test_an_endpoint_failing_in_a_row_is_disabled_its_owner_told_and_send_again_resumes(
    receiver, staff, assignment, focal_point, admin_client, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_FAILURE_LIMIT = 2
    staff.email = "to.cong.tac@example.org"
    staff.save()
    endpoint = endpoint_for(receiver, staff, [EventType.STATUS_CHANGED])
    receiver.answers = [503, 503]

    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_send()
    with time_machine.travel(timezone.now() + timedelta(hours=2)), django_capture_on_commit_callbacks(execute=True):
        deliveries_send()

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert [message.to for message in mail.outbox] == [["to.cong.tac@example.org"]]
    assert receiver.url in mail.outbox[0].subject
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING, "kept, not dropped"

    admin_client.post(
        reverse("admin:webhooks_webhookdelivery_changelist"),
        {"action": "send_again", "_selected_action": list(WebhookDelivery.objects.values_list("pk", flat=True))},
    )
    assert deliveries_send() == 1
    endpoint.refresh_from_db()
    assert endpoint.is_active


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.1.1", "[::1]"])
def test_no_delivery_to_the_trackers_own_network_unless_allowed(staff, assignment, focal_point, address):
    WebhookEndpoint.objects.create(
        url=f"http://{address}:9/hook", secret=SECRET, events=[EventType.STATUS_CHANGED], owner=staff
    )

    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    deliveries_send()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "địa chỉ nội bộ" in delivery.last_error
    assert delivery.response_code is None


def test_a_redirect_is_not_followed(receiver, staff, assignment, focal_point):
    endpoint_for(receiver, staff, [EventType.STATUS_CHANGED])
    receiver.answers = [302]

    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
    deliveries_send()

    assert [path for path, _headers, _body in receiver.received] == ["/hook"]
    assert WebhookDelivery.objects.get().response_code == 302


def test_a_change_rolled_back_tells_nobody(receiver, staff, assignment, focal_point):
    endpoint_for(receiver, staff, [EventType.STATUS_CHANGED])

    def start_then_fail():
        with transaction.atomic():
            assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        start_then_fail()

    assert not WebhookDelivery.objects.exists()
