"""The columns of the assignment and overdue downloads, with Vietnamese headers."""

from itertools import islice

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.renderers import Table
from tasks_app.models import Status, Timeliness
from tasks_app.selectors import with_state_relations

CHUNK = 2000

ASSIGNMENT_COLUMNS = [
    (_("Kế hoạch"), lambda a: a.task.plan.code),
    (_("STT"), lambda a: a.task.number),
    # Its own context: the same word is also the app's name, plural in English.
    (pgettext_lazy("export column", "Nhiệm vụ"), lambda a: a.task.title),
    (_("Mã cơ quan"), lambda a: a.state_agency.code),
    (_("Cơ quan"), lambda a: a.state_agency.name),
    (_("Vai trò"), lambda a: a.get_role_display()),
    (
        _("Người phụ trách"),
        lambda a: (a.state_owner.get_full_name() or a.state_owner.get_username()) if a.state_owner else "",
    ),
    (_("Trạng thái"), lambda a: Status(a.state_status).label),
    (_("Thời hạn"), lambda a: a.state_due_on),
    (_("Thời hạn ban đầu"), lambda a: a.original_due_on),
    (_("Ngày hoàn thành"), lambda a: a.state_completed_on),
    (_("Tiến độ (%)"), lambda a: a.state_progress),
    (_("Tình trạng"), lambda a: Timeliness(a.timeliness).label if a.timeliness else ""),
    (_("Số ngày quá hạn"), lambda a: a.days_overdue.days if a.days_overdue is not None else None),
]


def assignment_table(assignments, *, caption: str | None = None) -> Table:
    """Rows straight from the annotated queryset, read in chunks: no query per row."""

    def rows():
        rows_read = assignments.iterator(chunk_size=CHUNK)
        while chunk := list(islice(rows_read, CHUNK)):
            for assignment in with_state_relations(chunk):
                values = (value(assignment) for _header, value in ASSIGNMENT_COLUMNS)
                yield [str(v) if isinstance(v, Promise) else v for v in values]

    return Table([header for header, _value in ASSIGNMENT_COLUMNS], rows(), caption=caption)
