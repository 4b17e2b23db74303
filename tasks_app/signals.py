from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from tasks_app.models import StatusEvent
from tasks_app.snapshots import snapshots_invalidate


@receiver(post_save, sender=StatusEvent, dispatch_uid="invalidate_snapshots_on_backdated_event")
def invalidate_snapshots_on_backdated_event(sender, instance, created, raw, **kwargs):
    """Every way history is written (services, loaddata, imports) passes here."""
    occurred_on = timezone.localdate(instance.occurred_at)
    if occurred_on < timezone.localdate():
        snapshots_invalidate(since=occurred_on)
