from django.core.management import call_command
from django.core.management.base import BaseCommand

from agencies.models import Agency
from tasks_app.models import Plan


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
        else:
            self.stdout.write("The agencies and the 2024 plans are already loaded.")
