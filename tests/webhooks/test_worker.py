"""A webhook through a real Celery worker: the change commits, its delivery is dispatched,
and the worker sends it to the endpoint (Redis in CI, kombu's filesystem transport here)."""

import json

from tasks_app.services import assignment_transition
from tasks_app.workflow import Action
from tests.conftest import transactional, wait_for
from tests.webhooks.test_webhooks import SECRET, receiver_check
from webhooks.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint

pytestmark = transactional


def test_a_committed_change_reaches_the_endpoint_through_the_worker(worker, receiver, staff, assignment, focal_point):
    WebhookEndpoint.objects.create(url=receiver.url, secret=SECRET, events=[EventType.STATUS_CHANGED], owner=staff)

    assignment_transition(assignment=assignment, action=Action.START, actor=focal_point)

    assert wait_for(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).exists(), seconds=20)
    ((_path, headers, body),) = receiver.received
    assert receiver_check(SECRET, headers, body)
    assert json.loads(body)["data"]["after"] == "in_progress"
