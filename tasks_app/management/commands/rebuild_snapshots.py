from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tasks_app.snapshots import snapshots_write


class Command(BaseCommand):
    help = "Count the dashboards' daily snapshots again from the event log, for every day in a range."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--to", dest="last", type=date.fromisoformat, help="YYYY-MM-DD (default: yesterday, the last ended day)"
        )

    def handle(self, *args, first, last, **options):
        last = last or timezone.localdate() - timedelta(days=1)
        if first > last:
            raise CommandError(f"--from {first} is after --to {last}.")
        days = snapshots_write(first=first, last=last)
        self.stdout.write(f"{days} days counted, {first} to {min(last, timezone.localdate() - timedelta(days=1))}.")
