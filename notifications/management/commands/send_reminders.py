from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from notifications.calendar import is_working_day
from notifications.models import Notification, NotificationKind
from notifications.services import digests_send, pending_recipient_batches, reminders_scan


class Command(BaseCommand):
    help = "Run the reminder scan for a day and send the digests, printing what goes to whom."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="on", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; write and send nothing")

    def handle(self, *args, on, dry_run, **options):
        on = on or timezone.localdate()
        if not is_working_day(on):
            self.stdout.write(f"{on:%d/%m/%Y} is not a working day: no reminders.")
            return
        with transaction.atomic():
            written = reminders_scan(on=on)
            pending = Counter(Notification.objects.filter(sent_at__isnull=True).values_list("recipient__email", "kind"))
            if dry_run:
                transaction.set_rollback(True)
        recipients = sorted({email for email, _ in pending})
        self.stdout.write(f"{on:%d/%m/%Y}: {written} new reminders; {len(recipients)} recipients.")
        for email in recipients:
            counts = ", ".join(
                f"{pending[email, kind]} {NotificationKind(kind).label}"
                for kind in NotificationKind
                if pending[email, kind]
            )
            self.stdout.write(f"  {email}: {counts}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written or sent.")
            return
        sent = sum(digests_send(recipient_ids=batch, on=on) for batch in pending_recipient_batches())
        self.stdout.write(f"{sent} reminders sent.")
