from django.core.management import call_command
from django.core.management.base import BaseCommand

from agencies.models import Agency
from tasks_app.dashboards import chart_days
from tasks_app.models import Plan
from tasks_app.tasks import snapshot_days_count

SHIPPED_PLANS = ["DA06-2024", "CDS-2024"]


class Command(BaseCommand):
    help = (
        "Load the agencies and the 2024 plans into an empty database. Unlike loaddata, it never "
        "overwrites rows that users have since changed: a fixture already loaded is skipped."
    )

    def handle(self, *args, **options):
        fixtures = []
        if not Agency.objects.exists():
            fixtures.append("agencies")
        if not Plan.objects.filter(code__in=SHIPPED_PLANS).exists():
            fixtures.append("plans_2024")
        if fixtures:
            call_command("loaddata", *fixtures, verbosity=options["verbosity"])
        if "plans_2024" in fixtures:
            # The dashboards' charts read the end of each week and month of a plan's year from
            # snapshots. Counting just those (about 60 days, seconds) rather than every day of the
            # history (about a thousand, minutes) keeps the worker from holding SQLite's write lock
            # while the first users sign in; any other past day is read from the event log.
            years = set(Plan.objects.filter(code__in=SHIPPED_PLANS).values_list("year", flat=True))
            days = sorted({day for year in years for day in chart_days(year=year)})
            snapshot_days_count.delay([day.isoformat() for day in days])
            self.stdout.write(f"The worker is counting the charts' {len(days)} daily snapshots.")
        if not fixtures:
            self.stdout.write("The agencies and the 2024 plans are already loaded.")
