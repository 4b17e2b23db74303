from celery import shared_task

from webhooks.services import SEND_TASK, deliveries_send


@shared_task(name=SEND_TASK, bind=True, acks_late=True, reject_on_worker_lost=True, time_limit=600)
def send_webhooks(self) -> int:
    """Send the webhooks that are due (dispatched after each change, and every minute by beat
    for the retries)."""
    return deliveries_send(claim=self.request.id)
