from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken


def api_tokens_of(*, user) -> QuerySet[AuthToken]:
    """The user's API tokens that still work, newest first (never the key: only its digest is
    kept); one an administrator made without an expiry is listed too."""
    still_valid = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(still_valid, user=user).order_by("-created")
