import posixpath
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks_app.models import EVIDENCE_FOLDER, StatusEvent


class Command(BaseCommand):
    help = (
        "List the evidence files that no status event references (left by failed reports of older "
        "versions) and, with --delete, remove them. Files newer than the grace period are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove the files listed")
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=1,
            help="only files last modified this many hours ago or more (default: 1); newer ones may be uploads "
            "whose report has not committed yet",
        )

    def handle(self, *args, delete, older_than_hours, **options):
        if older_than_hours < 0:
            raise CommandError(_("--older-than-hours không được âm."))
        storage = StatusEvent._meta.get_field("evidence_file").storage
        # The folder is walked before the references are read: a file whose report commits in
        # between is then referenced, and one still uploading is newer than the grace period.
        names = list(self._walk(storage, EVIDENCE_FOLDER))
        referenced = set(StatusEvent.objects.exclude(evidence_file="").values_list("evidence_file", flat=True))
        cutoff = timezone.now() - timedelta(hours=older_than_hours)
        orphans, recent = [], 0
        for name in names:
            if name in referenced:
                continue
            if storage.get_modified_time(name) > cutoff:
                recent += 1
            else:
                orphans.append(name)

        for name in orphans:
            self.stdout.write(name)
            if delete:
                storage.delete(name)
        message = (
            _("Đã xoá %(count)d tệp minh chứng không được sự kiện nào tham chiếu.")
            if delete
            else _("%(count)d tệp minh chứng không được sự kiện nào tham chiếu.")
        )
        self.stdout.write(message % {"count": len(orphans)})
        if recent:
            self.stdout.write(
                _("Bỏ qua %(count)d tệp mới hơn %(hours)s giờ: có thể đang được tải lên.")
                % {"count": recent, "hours": f"{older_than_hours:g}"}
            )

    def _walk(self, storage, folder):
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            yield posixpath.join(folder, name)
        for name in folders:
            yield from self._walk(storage, posixpath.join(folder, name))
