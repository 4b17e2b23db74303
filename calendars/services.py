import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from calendars.models import CalendarFeed


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, user: AbstractBaseUser) -> str:
    """A new secret for the user's calendar address, replacing any earlier one: the secret
    itself, to be shown once."""
    secret = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"secret_digest": secret_digest(secret), "created_at": timezone.now()}
    )
    return secret
