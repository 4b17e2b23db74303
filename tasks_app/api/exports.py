"""The columns of the assignment, overdue and obstacle downloads, with Vietnamese headers."""

from itertools import islice

from django.utils import timezone
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


def _day(moment):
    return timezone.localdate(moment) if moment else None


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


OBSTACLE_COLUMNS = [
    (_("Kế hoạch"), lambda o: o.assignment.task.plan.code),
    (_("STT"), lambda o: o.assignment.task.number),
    (pgettext_lazy("export column", "Nhiệm vụ"), lambda o: o.assignment.task.title),
    (_("Mã cơ quan nêu"), lambda o: o.assignment.agency.code),
    (_("Cơ quan nêu"), lambda o: o.assignment.agency.name),
    (_("Loại"), lambda o: o.get_kind_display()),
    (_("Nội dung"), lambda o: o.text),
    (_("Mã nơi nhận"), lambda o: o.addressee_code),
    (_("Nơi nhận"), lambda o: o.addressee_name),
    (_("Trạng thái"), lambda o: o.get_status_display()),
    (_("Ngày nêu"), lambda o: _day(o.raised_at)),
    (_("Số ngày từ khi nêu"), lambda o: o.age.days),
    (_("Người nêu"), lambda o: _name(o.raised_by)),
    (_("Trả lời"), lambda o: o.answer),
    (_("Ngày trả lời"), lambda o: _day(o.answered_at)),
    (_("Ý kiến khi kết thúc"), lambda o: o.resolution_note),
    (_("Ngày kết thúc"), lambda o: _day(o.resolved_at)),
]


def obstacle_table(obstacles, *, caption: str | None = None) -> Table:
    """The rows of an annotated obstacles queryset (selectors.obstacles_in_full), in one query."""

    def rows():
        for obstacle in obstacles.prefetch_related(None).iterator(chunk_size=CHUNK):
            values = (value(obstacle) for _header, value in OBSTACLE_COLUMNS)
            yield [str(v) if isinstance(v, Promise) else v for v in values]

    return Table([header for header, _value in OBSTACLE_COLUMNS], rows(), caption=caption)
