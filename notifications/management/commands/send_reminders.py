from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import is_working_day
from notifications.models import NotificationKind
from notifications.selectors import pending_notifications
from notifications.services import (
    SendingDeferred,
    SendingOutcome,
    digests_send,
    pending_recipient_batches,
    reminders_scan,
)


class Command(BaseCommand):
    help = "Run the reminder scan for a day and send the digests, printing what goes to whom."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="on", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; write and send nothing")

    def handle(self, *args, on, dry_run, **options):
        on = on or timezone.localdate()
        if not is_working_day(on):
            self.stdout.write(_("%(day)s không phải ngày làm việc: không nhắc việc.") % {"day": f"{on:%d/%m/%Y}"})
            return
        with transaction.atomic():
            written = reminders_scan(on=on)
            pending = Counter(pending_notifications().values_list("recipient__email", "kind"))
            if dry_run:
                transaction.set_rollback(True)
        recipients = sorted({email for email, _kind in pending})
        self.stdout.write(
            _("%(day)s: %(written)d nhắc việc mới; %(recipients)d người nhận.")
            % {"day": f"{on:%d/%m/%Y}", "written": written, "recipients": len(recipients)}
        )
        for email in recipients:
            counts = ", ".join(
                f"{pending[email, kind]} {NotificationKind(kind).label}"
                for kind in NotificationKind
                if pending[email, kind]
            )
            self.stdout.write(f"  {email or _('(chưa có địa chỉ e-mail)')}: {counts}")
        if dry_run:
            self.stdout.write(_("Chạy thử: không ghi và không gửi gì."))
            return
        outcome = SendingOutcome()
        for batch in pending_recipient_batches():
            try:
                outcome += digests_send(recipient_ids=batch, on=on)
            except SendingDeferred as deferred:
                outcome += deferred.outcome
        self.stdout.write(
            _("Đã gửi %(sent)d, thất bại %(failed)d, chờ gửi lại %(deferred)d thông báo.")
            % {"sent": outcome.sent, "failed": outcome.failed, "deferred": outcome.deferred}
        )
        if outcome.error:
            self.stdout.write(_("Lỗi gần nhất: %(error)s") % {"error": outcome.error})
