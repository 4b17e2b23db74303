from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agencies.services import merger_successions
from core.errors import DomainError
from tasks_app.mergers import agencies_merge


class Command(BaseCommand):
    help = (
        "Apply an agency merger from a CSV table (old_code, old_name, new_code, new_name): close the old "
        "agencies, create or update their successors, move open assignments. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the merger table, e.g. province-merger-2025-07-01.csv")
        parser.add_argument("--effective", required=True, type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="print what would change; change nothing")
        parser.add_argument("--actor", help="username recorded on the events (default: the first active administrator)")

    def handle(self, *args, file, effective, dry_run, actor, **options):
        users = get_user_model().objects.filter(is_active=True)
        person = (
            users.filter(username=actor).first() if actor else users.filter(is_superuser=True).order_by("pk").first()
        )
        if person is None:
            raise CommandError(f"No active user {actor!r}." if actor else "No active administrator to act as.")
        try:
            with open(file, "rb") as table:
                successions = merger_successions(table, effective=effective)
            outcomes = agencies_merge(successions=successions, effective=effective, actor=person, dry_run=dry_run)
        except (OSError, DomainError) as error:
            raise CommandError(getattr(error, "message", str(error))) from error

        for outcome in outcomes:
            if not outcome.changed and not outcome.refusals:
                continue
            succession = outcome.succession
            status = "new" if outcome.successor_created else "renamed" if outcome.successor_renamed else "existing"
            self.stdout.write(
                f"{', '.join(succession.old_codes)} -> {succession.successor_code} {succession.successor_name} "
                f"({status}): {len(outcome.closed)} closed, {outcome.moved} open assignments moved, "
                f"{outcome.duplicates_cancelled} duplicates cancelled"
            )
            for refusal in outcome.refusals:
                self.stdout.write(self.style.WARNING(f"  refused: {refusal}"))
        totals = (
            sum(o.successor_created for o in outcomes),
            sum(len(o.closed) for o in outcomes),
            sum(o.moved for o in outcomes),
            sum(o.duplicates_cancelled for o in outcomes),
            sum(len(o.refusals) for o in outcomes),
        )
        verb = "Would change" if dry_run else "Changed"
        if not any(o.changed for o in outcomes):
            self.stdout.write("Nothing to change: the merger is already applied.")
        self.stdout.write(
            f"{verb}: {totals[0]} successors created, {totals[1]} agencies closed, {totals[2]} open assignments "
            f"moved, {totals[3]} duplicates cancelled, {totals[4]} refused."
            + (" Dry run: nothing was changed." if dry_run else "")
        )
