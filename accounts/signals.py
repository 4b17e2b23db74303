from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.services import api_tokens_revoke


@receiver(post_save, sender=get_user_model(), dispatch_uid="accounts.revoke_tokens_of_inactive_user")
def revoke_tokens_of_inactive_user(sender, instance, created, **kwargs):
    """An administrator deactivating a user revokes their tokens (reactivating gives none back)."""
    if not created and not instance.is_active:
        api_tokens_revoke(user_id=instance.pk)
