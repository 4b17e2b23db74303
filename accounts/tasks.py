from celery import shared_task
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation


@shared_task(acks_late=True, time_limit=300)
def password_reset_send(email: str, domain: str, use_https: bool, language: str) -> None:
    """Send the reset link to the active accounts with this address (none if it is unknown)."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        with translation.override(language):
            form.save(domain_override=domain, use_https=use_https)
