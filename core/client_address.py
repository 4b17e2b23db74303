"""The client's address, for throttling and the login lockout alike."""

from django.conf import settings


def client_address(request) -> str | None:
    """The socket's address, unless TRUSTED_PROXIES proxies stand in front: then the address
    the outermost trusted proxy saw, the TRUSTED_PROXIES-th from the right of X-Forwarded-For
    (what the client itself wrote further left is not believed)."""
    trusted = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if trusted and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(trusted, len(addresses))]
    return request.META.get("REMOTE_ADDR")
