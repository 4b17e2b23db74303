"""Writing and sending webhooks, with the outbox machinery of the e-mail: rows written in the
change's transaction, claimed by one sender at a time, sent after the claim's transaction,
each outcome recorded; what fails is retried with exponential backoff until it is accepted,
and never dropped. An endpoint failing `WEBHOOK_FAILURE_LIMIT` times in a row is disabled and
its owner told by e-mail; its pending deliveries wait, and go when it is enabled again.

Signed as the Standard Webhooks convention says: `webhook-id` (the event's id, the same on
every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature`,
`v1,<base64 HMAC-SHA256 of "id.timestamp.body" with the endpoint's secret>`."""

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import tracked_headers
from core.outbox import rows_claim
from webhooks.addresses import AddressRefused, public_address_check
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)
SEND_TASK = "webhooks.tasks.send_webhooks"
CLAIM_SECONDS = 300
BATCH = 100


def deliveries_enqueue(*, event_types, agency_ids, data: dict) -> int:
    """One delivery of this event for each active endpoint that wants one of `event_types`
    (the first it wants names it) and covers one of the agencies (or all): how many."""
    endpoints = (
        WebhookEndpoint.objects.filter(is_active=True)
        .filter(Q(agencies__isnull=True) | Q(agencies__in=agency_ids))
        .distinct()
    )
    now = timezone.now()
    deliveries = []
    for endpoint in endpoints:
        wanted = next((event_type for event_type in event_types if event_type in endpoint.events), None)
        if wanted is None:
            continue
        event_id = uuid.uuid4()
        payload = {"type": str(wanted), "timestamp": now.isoformat(), "id": str(event_id), "data": data}
        deliveries.append(
            WebhookDelivery(endpoint=endpoint, event_id=event_id, event_type=wanted, payload=payload, created_at=now)
        )
    WebhookDelivery.objects.bulk_create(deliveries)
    return len(deliveries)


def deliveries_dispatch() -> bool:
    """Ask a worker to send what is due. A broker away must not undo the change: the rows
    wait for the minute's beat job."""
    try:
        current_app.send_task(SEND_TASK)
    except Exception:
        logger.exception("Could not dispatch %s; the deliveries stay pending", SEND_TASK)
        return False
    return True


def due_deliveries():
    return WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now(), endpoint__is_active=True
    )


def _claim(token: uuid.UUID) -> list[int]:
    """The oldest due deliveries that no other sender holds, a batch at a time (core.outbox)."""
    due = due_deliveries().order_by("next_attempt_at", "pk")
    return rows_claim(due, token=token, seconds=CLAIM_SECONDS, limit=BATCH)


def signature_headers(*, secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{base64.b64encode(digest).decode()}",
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, _("chuyển hướng không được theo"), headers, fp)


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass
class Attempt:
    accepted: bool
    code: int | None = None
    error: str = ""


def _post(delivery: WebhookDelivery) -> Attempt:
    endpoint = delivery.endpoint
    try:
        public_address_check(endpoint.url)
    except AddressRefused as refusal:
        return Attempt(False, error=str(refusal))
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Tracker06-Webhooks/1",
        **signature_headers(
            secret=endpoint.secret,
            event_id=str(delivery.event_id),
            timestamp=int(timezone.now().timestamp()),
            body=body,
        ),
    }
    request = urllib.request.Request(endpoint.url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return Attempt(200 <= response.status < 300, response.status)
    except urllib.error.HTTPError as error:
        return Attempt(False, error.code, str(error.reason)[:500])
    except (OSError, ValueError) as error:
        return Attempt(False, error=str(error)[:500])


def _backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(settings.WEBHOOK_BACKOFF_SECONDS * 2 ** (attempts - 1), settings.WEBHOOK_BACKOFF_MAX_SECONDS)
    )


def deliveries_send(*, claim: uuid.UUID | None = None) -> int:
    """Send what is due, in batches; returns how many were accepted."""
    token = claim or uuid.uuid4()
    accepted = 0
    while ids := _claim(token):
        for delivery in WebhookDelivery.objects.filter(pk__in=ids).select_related("endpoint").order_by("pk"):
            attempt = _post(delivery)
            _record(delivery, attempt)
            accepted += attempt.accepted
    return accepted


def _record(delivery: WebhookDelivery, attempt: Attempt) -> None:
    now = timezone.now()
    fields = {
        "attempts": F("attempts") + 1,
        "last_attempt_at": now,
        "response_code": attempt.code,
        "last_error": attempt.error,
        "claim_token": None,
        "claimed_until": None,
    }
    with transaction.atomic():
        if attempt.accepted:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.DELIVERED, delivered_at=now, **fields
            )
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
            return
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=now + _backoff(delivery.attempts + 1), **fields
        )
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if endpoint.is_active and endpoint.consecutive_failures >= settings.WEBHOOK_FAILURE_LIMIT:
            endpoint.is_active, endpoint.disabled_at = False, now
            endpoint.save(update_fields=["is_active", "disabled_at"])
            transaction.on_commit(lambda: _tell_owner(endpoint, attempt))


def _tell_owner(endpoint: WebhookEndpoint, attempt: Attempt) -> None:
    reason = f"HTTP {attempt.code}" if attempt.code else attempt.error
    message = EmailMessage(
        _("[Tracker 06] Đã tạm dừng gửi webhook tới %(url)s") % {"url": endpoint.url},
        _(
            "Kính gửi đồng chí,\n\nĐịa chỉ webhook %(url)s đã lỗi %(n)d lần liên tiếp (lần cuối: %(reason)s) "
            "nên tracker đã tạm dừng gửi. Các sự kiện chưa gửi được giữ lại và sẽ được gửi khi địa chỉ "
            "được bật lại trong trang quản trị.\n"
        )
        % {"url": endpoint.url, "n": endpoint.consecutive_failures, "reason": reason},
        to=[endpoint.owner.email],
        headers=tracked_headers(),
    )
    try:
        message.send()
    except Exception:  # the endpoint stays disabled and the admin shows it; the mail is a courtesy
        logger.exception("Could not tell %s that webhook endpoint %s was disabled", endpoint.owner, endpoint.pk)


def deliveries_retry(*, deliveries) -> int:
    """An administrator's "send again": due now, and the endpoint enabled again."""
    ids = list(deliveries.values_list("pk", flat=True))
    WebhookEndpoint.objects.filter(deliveries__pk__in=ids).update(
        is_active=True, consecutive_failures=0, disabled_at=None
    )
    count = WebhookDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), delivered_at=None
    )
    transaction.on_commit(deliveries_dispatch)
    return count
