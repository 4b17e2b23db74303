"""Writes on sign-in: revoking API tokens, and asking for a password reset e-mail."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation
from knox.models import AuthToken

from accounts.tasks import password_reset_send


def api_tokens_revoke(*, user_id: int) -> int:
    """Revoke every API token of a user (one DELETE)."""
    deleted, _ = AuthToken.objects.filter(user_id=user_id).delete()
    return deleted


def api_token_revoke(*, user, token_id: str) -> bool:
    """Revoke one of the user's own tokens; another user's token is never touched."""
    deleted, _ = AuthToken.objects.filter(user=user, digest=token_id).delete()
    return bool(deleted)


def _count(key: str, timeout: int) -> int:
    """Count one more request under `key` for `timeout` seconds. The cache is Redis in
    production and fails open: while it is away the count is 0."""
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key) or 0
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def password_reset_allowed(*, email: str, client: str) -> bool:
    """Count a reset request against the address asked for and against the client; False
    once either is over its limit. Known and unknown addresses are counted alike."""
    timeout = settings.PASSWORD_RESET_LIMIT_MINUTES * 60
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_email = _count(f"password-reset:email:{email_key}", timeout)
    per_client = _count(f"password-reset:client:{client}", timeout)
    return (
        per_email <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL and per_client <= settings.PASSWORD_RESET_LIMIT_PER_CLIENT
    )


def password_reset_request(*, email: str, domain: str, use_https: bool) -> None:
    """Hand the reset to the worker, which looks the address up and sends the e-mail if it
    belongs to an active account: the request does the same work whether it does or not."""
    language = translation.get_language()

    def send_password_reset():  # a function, not a partial: Django names a failed callback by its __qualname__
        password_reset_send.delay(email, domain, use_https, language)

    # Robust: with the broker away the answer stays the same, and Django logs the error.
    transaction.on_commit(send_password_reset, robust=True)
