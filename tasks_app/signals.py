from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from tasks_app.models import StatusEvent
from tasks_app.snapshots import snapshots_invalidate_for


@receiver(post_save, sender=StatusEvent, dispatch_uid="invalidate_snapshots_on_backdated_event")
def invalidate_snapshots_on_backdated_event(sender, instance, created, raw, **kwargs):
    """Every event saved one by one (services, loaddata, imports) passes here; bulk writes
    call snapshots_invalidate_for themselves, since bulk_create sends no signal."""
    # Only ended days are counted, so an event of today, as the services write them, can make
    # no snapshot stale: no query for it.
    if timezone.localdate(instance.occurred_at) < timezone.localdate():
        snapshots_invalidate_for([instance.occurred_at])
