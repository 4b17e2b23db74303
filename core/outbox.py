"""The claim both outboxes (e-mail notifications, webhook deliveries) send under: rows with a
`claim_token` and a `claimed_until` are taken by one sender at a time, in a short transaction
of their own, so that no transaction waits on the network and two senders never send the
same row. A sender run again under the same token (a redelivered task) takes back what it
held; a claim that expired (its sender died) is free again."""

import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone


def rows_claim(rows: QuerySet, *, token: uuid.UUID, seconds: int, limit: int | None = None) -> list[int]:
    """Take these rows where no other sender holds them, in their order, at most `limit`:
    the ids taken (none when there is nothing to send)."""
    now = timezone.now()
    with transaction.atomic():
        free = rows.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now) | Q(claim_token=token))
        ids = list(free.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        if ids:
            rows.model.objects.filter(pk__in=ids).update(
                claim_token=token, claimed_until=now + timedelta(seconds=seconds)
            )
    return ids
