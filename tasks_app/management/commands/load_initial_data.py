from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from agencies.models import Agency
from tasks_app.models import Plan, StatusEvent
from tasks_app.tasks import snapshots_rebuild


class Command(BaseCommand):
    help = (
        "Load the agencies and the 2024 plans into an empty database. Unlike loaddata, it never "
        "overwrites rows that users have since changed: a fixture already loaded is skipped."
    )

    def handle(self, *args, **options):
        fixtures = []
        if not Agency.objects.exists():
            fixtures.append("agencies")
        if not Plan.objects.filter(code__in=["DA06-2024", "CDS-2024"]).exists():
            fixtures.append("plans_2024")
        if fixtures:
            call_command("loaddata", *fixtures, verbosity=options["verbosity"])
        if "plans_2024" in fixtures:
            # The dashboards read past days from snapshots: let the worker count them.
            first = timezone.localdate(StatusEvent.objects.earliest("occurred_at").occurred_at)
            yesterday = timezone.localdate() - timedelta(days=1)
            snapshots_rebuild.delay(first.isoformat(), yesterday.isoformat())
            self.stdout.write(f"The worker is counting the daily snapshots from {first:%d/%m/%Y}.")
        if not fixtures:
            self.stdout.write("The agencies and the 2024 plans are already loaded.")
