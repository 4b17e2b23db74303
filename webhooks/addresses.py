"""Where a webhook may go: a public address. A delivery to the tracker's own network
(private, loopback, link-local, reserved or multicast addresses: the metadata service of a
cloud, the database) would let whoever registers an endpoint probe it, so such an address is
refused unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES says otherwise (the tests allow loopback).
Every address the name resolves to must be public; a redirect is never followed."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class AddressRefused(Exception):
    pass


def public_address_check(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused(_("Địa chỉ phải là http hoặc https."))
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as error:
        raise AddressRefused(_("Không tìm thấy máy chủ %(host)s.") % {"host": parts.hostname}) from error
    allowed = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0])
        private = address.is_private or address.is_link_local or address.is_reserved or address.is_multicast
        if address.is_loopback and "loopback" in allowed:
            continue
        if (private or address.is_loopback or address.is_unspecified) and "private" not in allowed:
            raise AddressRefused(
                _("%(host)s là địa chỉ nội bộ (%(address)s): không gửi webhook tới mạng nội bộ.")
                % {"host": parts.hostname, "address": address}
            )
