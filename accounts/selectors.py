from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken


def api_tokens_of(*, user) -> QuerySet[AuthToken]:
    """The user's API tokens that still work, newest first (never the key: only its digest is kept)."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")
