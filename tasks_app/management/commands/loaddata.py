from django.core.management.commands import loaddata
from django.db import transaction

from tasks_app.counts import counts_repair
from tasks_app.models import Assignment
from tasks_app.snapshots import snapshots_invalidation_deferred


class Command(loaddata.Command):
    """Django's loaddata, invalidating the daily snapshots once per load instead of once per
    event loaded (the 2024 plans hold 4,386), in the load's own transaction. Loaded
    assignments, new or overwritten, are counted again for today's dashboards, from the rows,
    in the same transaction."""

    def handle(self, *fixture_labels, **options):
        with transaction.atomic(using=options["database"]), snapshots_invalidation_deferred():
            super().handle(*fixture_labels, **options)
            if Assignment in self.models:
                counts_repair()
