"""Today's counts: how many assignments each (plan, agency, role, status, deadline, done
late) cell holds now, kept by every write in its own transaction, so that today's
dashboards sum cells (O(groups)) instead of counting every assignment.

Writers take each changed assignment's key before and after the change and call
`counts_apply`: the net change per cell is written in one statement, an upsert that adds
to the stored count (`count = count + n`), so that two transactions changing one cell
never lose an update, and that takes the cells' row locks in key order, so that two
transactions moving work in opposite directions never deadlock. Bulk writers wrap their
work in `counts_deferred()`, which writes the sum of their changes once at the end.
Loading fixtures and the nightly job call `counts_repair`, which recounts from the rows.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from tasks_app.models import COUNT_NO_DEADLINE, OPEN_STATUSES, Assignment, AssignmentCount, Status, Timeliness
from tasks_app.timeliness import timeliness_conditions

logger = logging.getLogger(__name__)

KEY_FIELDS = ("plan_id", "agency_id", "role", "status", "due_on", "done_late")


@dataclass(frozen=True, order=True)
class CountKey:
    """The cell an assignment counts in."""

    plan_id: int
    agency_id: int
    role: str
    status: str
    due_on: date | None
    done_late: bool

    def sort_key(self) -> tuple:
        return (self.plan_id, self.agency_id, self.role, self.status, self.due_on or COUNT_NO_DEADLINE, self.done_late)


def count_key(assignment: Assignment, *, plan_id: int | None = None) -> CountKey:
    """The cell of an assignment as it stands in memory (its task's plan unless given).
    The same rule as `_cells` below, which counts in the database: the deadline matters for
    open work only, and done work was late when completed after its deadline."""
    still_open = assignment.status in OPEN_STATUSES
    late = (
        assignment.status == Status.DONE
        and assignment.due_on is not None
        and assignment.completed_on is not None
        and assignment.completed_on > assignment.due_on
    )
    return CountKey(
        plan_id=plan_id if plan_id is not None else assignment.task.plan_id,
        agency_id=assignment.agency_id,
        role=assignment.role,
        status=assignment.status,
        due_on=assignment.due_on if still_open else None,
        done_late=late,
    )


# The pending changes of the `counts_deferred` block running, or None outside one.
_deferred: ContextVar[Counter | None] = ContextVar("counts_deferred", default=None)


def counts_apply(*, before: Iterable[CountKey] = (), after: Iterable[CountKey] = ()) -> None:
    """Assignments left the `before` cells and entered the `after` ones (a key per
    assignment; none before for new work). Unchanged cells cost no query."""
    changes = Counter(after)
    changes.subtract(Counter(before))
    pending = _deferred.get()
    if pending is None:
        _write(changes)
    else:
        pending.update(changes)


@contextmanager
def counts_deferred():
    """Within the block, changes are summed and written once when it ends, in its
    transaction: for bulk writes (an import, a merger) one statement instead of one per
    assignment. Nothing is written if the block raises (its transaction is expected to roll
    back). A nested block leaves the writing to the outer one."""
    if _deferred.get() is not None:
        yield
        return
    pending = Counter()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    _write(pending)


def _write(changes: Counter) -> None:
    """One upsert adding each non-zero change to its cell, in key order."""
    cells = sorted(((key, n) for key, n in changes.items() if n), key=lambda cell: cell[0].sort_key())
    if not cells:
        return
    _upsert([(*(getattr(key, field) for field in KEY_FIELDS), n) for key, n in cells])


def _upsert(rows: list[tuple]) -> None:
    table = connection.ops.quote_name(AssignmentCount._meta.db_table)
    columns = ", ".join((*KEY_FIELDS, "count"))
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    # The conflict target repeats the unique index's expressions (AssignmentCount.Meta), as
    # a literal: PostgreSQL matches a constant there, not a parameter.
    conflict = f"plan_id, agency_id, role, status, COALESCE(due_on, '{COUNT_NO_DEADLINE.isoformat()}'), done_late"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT ({conflict}) "
            f"DO UPDATE SET count = {table}.count + EXCLUDED.count",
            [value for row in rows for value in row],
        )


def _cells(assignments: QuerySet[Assignment]) -> QuerySet:
    """The assignments counted per cell, in the database: the rule of `count_key`."""
    late = timeliness_conditions(as_of=timezone.localdate())[Timeliness.DONE_LATE]
    return (
        assignments.order_by()
        .values(
            plan=F("task__plan_id"),
            cell_agency=F("agency_id"),
            cell_role=F("role"),
            cell_status=F("status"),
            cell_due_on=Case(When(status__in=OPEN_STATUSES, then=F("due_on")), default=Value(None)),
            cell_done_late=Case(When(late, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
        .annotate(n=Count("pk"))
    )


def counts_recount() -> dict[CountKey, int]:
    """Every non-empty cell counted from the assignments themselves."""
    return {
        CountKey(
            plan_id=cell["plan"],
            agency_id=cell["cell_agency"],
            role=cell["cell_role"],
            status=cell["cell_status"],
            due_on=cell["cell_due_on"],
            done_late=cell["cell_done_late"],
        ): cell["n"]
        for cell in _cells(Assignment.objects.all())
    }


def counts_stored() -> dict[CountKey, int]:
    """Every non-empty cell as the table holds it."""
    return {
        CountKey(**{field: cell[field] for field in KEY_FIELDS}): cell["count"]
        for cell in AssignmentCount.objects.exclude(count=0).values(*KEY_FIELDS, "count")
    }


@dataclass(frozen=True)
class CountDrift:
    """What a recount found wrong in the table and put right."""

    cells: int
    assignments: int


CELL = "plan, cell_agency, cell_role, cell_status, cell_due_on, cell_done_late"


def counts_repair() -> CountDrift:
    """Recount every cell from the assignments and add the difference to the table.

    The difference is found in one statement, which sees the assignments and the table
    as of one moment, so work changed by a transaction that commits meanwhile is counted
    once, by that transaction; writers are never blocked. Emptied cells are removed."""
    recount_sql, recount_params = _cells(Assignment.objects.all()).query.sql_with_params()
    table = connection.ops.quote_name(AssignmentCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {CELL}, SUM(n) FROM ("
            f" SELECT {CELL}, n FROM ({recount_sql}) recounted"
            " UNION ALL SELECT plan_id AS plan, agency_id AS cell_agency, role AS cell_role, status AS cell_status,"
            f" due_on AS cell_due_on, done_late AS cell_done_late, -count AS n FROM {table}"
            f") difference GROUP BY {CELL} HAVING SUM(n) <> 0",
            recount_params,
        )
        wrong = cursor.fetchall()
    changes = Counter()
    for plan_id, agency_id, role, status, due_on, done_late, n in wrong:
        key = CountKey(plan_id, agency_id, role, status, _as_date(due_on), bool(done_late))
        changes[key] += int(n)
    _write(changes)
    AssignmentCount.objects.filter(count=0).delete()
    return CountDrift(cells=len(changes), assignments=sum(abs(n) for n in changes.values()))


def _as_date(value) -> date | None:
    """SQLite gives a date read through a union back as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def count_timeliness_conditions(*, as_of: date) -> dict[str, Q]:
    """Each timeliness class as a condition on a cell (tasks_app.timeliness for the rules):
    derived from the open work's deadline against `as_of` when read, never stored."""
    done, still_open = Q(status=Status.DONE), Q(status__in=OPEN_STATUSES)
    return {
        Timeliness.DONE_ON_TIME: done & Q(done_late=False),
        Timeliness.DONE_LATE: done & Q(done_late=True),
        Timeliness.ON_TRACK: still_open & Q(due_on__gte=as_of),
        Timeliness.OVERDUE: still_open & Q(due_on__lt=as_of),
        Timeliness.NO_DEADLINE: still_open & Q(due_on__isnull=True),
    }
