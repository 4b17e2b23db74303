"""The headers every e-mail of the tracker carries, whoever sends it."""

from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone


def tracked_headers() -> dict[str, str]:
    """Marked as sent by a machine (RFC 3834), so that mail servers and people's vacation
    replies do not answer it; dated in Vietnam's time, as its readers read it (Django would
    write UTC); and identified on the site's domain rather than the sending machine's name,
    which is an internal host in production."""
    return {
        "Auto-Submitted": "auto-generated",
        "Date": format_datetime(timezone.localtime(timezone.now(), timezone.get_default_timezone())),
        "Message-ID": make_msgid(domain=urlsplit(settings.SITE_URL).hostname),
    }
