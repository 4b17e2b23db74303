from celery import shared_task
from django.utils import translation

from accounts.forms import TrackedPasswordResetForm


@shared_task(acks_late=True, time_limit=300)
def password_reset_send(email: str, domain: str, use_https: bool, language: str) -> None:
    """Send the reset link to the active accounts with this address (none if it is unknown)."""
    form = TrackedPasswordResetForm({"email": email})
    if form.is_valid():
        with translation.override(language):
            form.save(domain_override=domain, use_https=use_https)
