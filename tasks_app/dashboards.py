"""The dashboards' figures: a plan's summary, its agencies, its timeline, and overdue work
per agency, as they stood at the end of a day. Today sums the counts the services keep
(tasks_app.counts); a past day reads that day's snapshot when it is current, else the
event log; all give the same figures.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lead, Round
from django.utils import timezone

from agencies.models import Agency
from agencies.selectors import UserRoles, successors_by_agency
from tasks_app.counts import count_timeliness_conditions
from tasks_app.models import (
    Assignment,
    AssignmentCount,
    DailySnapshot,
    Plan,
    SnapshotDay,
    Status,
    StatusEvent,
    Task,
    TaskDaySnapshot,
    Timeliness,
)
from tasks_app.selectors import last_events_as_of, tasks_visible_to
from tasks_app.timeliness import end_of_day, timeliness_conditions


class Measure:
    """How dashboards count: rows one by one (the last events of a past day), or stored
    counts (today's, or a daily snapshot's). All give the same figures."""

    def __init__(self, *, rows: QuerySet, count, timeliness, summed=None):
        self.rows = rows
        self.from_snapshot = rows.model is DailySnapshot
        self._count = count
        self._timeliness = timeliness
        self._summed = summed

    def summed(self) -> "Measure":
        """The measure to aggregate all the rows with: itself, or one over fewer rows that
        give the same totals."""
        return self._summed() if self._summed else self

    def count(self, condition: Q | None = None):
        return self._count(condition)

    def where(self, *, status: str | None = None, timeliness: str | None = None) -> Q:
        return Q(status=status) if status else self._timeliness(timeliness)

    def aggregates(self) -> dict:
        return {
            "total": self.count(),
            **{f"status_{s}": self.count(self.where(status=s)) for s in Status.values},
            **{f"timeliness_{t}": self.count(self.where(timeliness=t)) for t in Timeliness.values},
        }


def _log_measure(*, roles: UserRoles, as_of: date, plan: Plan | None) -> Measure:
    """Counting the last events of a past day one by one: they carry the assignments'
    columns as they stood (status, due_on, completed_on, agency)."""
    rows = last_events_as_of(as_of=as_of)
    if plan:
        rows = rows.filter(assignment__task__plan=plan)
    if not roles.is_committee_staff:
        rows = rows.filter(agency_id__in=roles.agency_ids)
    conditions = timeliness_conditions(as_of=as_of)
    return Measure(
        rows=rows,
        count=lambda condition: Count("pk", filter=condition),
        timeliness=conditions.__getitem__,
    )


def _counts_measure(*, roles: UserRoles, as_of: date, plan: Plan | None) -> Measure:
    """Summing today's counts (tasks_app.counts), whose timeliness is derived against
    `as_of` as it is read: O(cells), not O(assignments). Empty cells are left out, so that
    an agency whose work has all moved away is not listed."""
    rows = AssignmentCount.objects.exclude(count=0)
    if plan:
        rows = rows.filter(plan=plan)
    if not roles.is_committee_staff:
        rows = rows.filter(agency_id__in=roles.agency_ids)
    conditions = count_timeliness_conditions(as_of=as_of)

    def summed():
        # Totals need no agency: the cells summed per what the conditions read first (a few
        # hundred groups), then counted, rather than every condition tested on every cell.
        grouped = rows.values("status", "due_on", "done_late").annotate(cells=Sum("count")).order_by()
        return Measure(
            rows=grouped,
            count=lambda condition: Coalesce(Sum("cells", filter=condition), 0),
            timeliness=conditions.__getitem__,
        )

    return Measure(
        rows=rows,
        count=lambda condition: Coalesce(Sum("count", filter=condition), 0),
        timeliness=conditions.__getitem__,
        summed=summed,
    )


def _snapshot_measure(*, roles: UserRoles, days: list[date], plan: Plan | None) -> Measure:
    rows = DailySnapshot.objects.filter(day__in=days)
    if plan:
        rows = rows.filter(plan=plan)
    if not roles.is_committee_staff:
        rows = rows.filter(agency_id__in=roles.agency_ids)
    return Measure(
        rows=rows,
        count=lambda condition: Coalesce(Sum("count", filter=condition), 0),
        timeliness=lambda timeliness: Q(timeliness=timeliness),
    )


def _snapshotted(days: list[date]) -> set[date]:
    """Those of `days` that have ended and have a current snapshot."""
    today = timezone.localdate()
    past = [day for day in days if day < today]
    return set(SnapshotDay.objects.filter(day__in=past).values_list("day", flat=True)) if past else set()


def _measure(*, roles: UserRoles, as_of: date, plan: Plan | None) -> Measure:
    if as_of >= timezone.localdate():
        return _counts_measure(roles=roles, as_of=as_of, plan=plan)
    if _snapshotted([as_of]):
        return _snapshot_measure(roles=roles, days=[as_of], plan=plan)
    return _log_measure(roles=roles, as_of=as_of, plan=plan)


def plan_summary(*, plan: Plan, roles: UserRoles, as_of: date | None = None) -> dict:
    """The figures official reports give for a plan on a day: tasks total, due and done;
    assignments by status and by timeliness. Two aggregate queries, and one to look for
    a snapshot of a past day; today, the assignments' counts are summed from the count
    table and the tasks' from their lead assignments (two index probes per task).

    A snapshot keeps each task's done flag, but not which agencies held it: an agency's
    members, who see only their agency's tasks, have their task counts from the log."""
    as_of = as_of or timezone.localdate()
    measure = _measure(roles=roles, as_of=as_of, plan=plan)
    totals = measure.summed()
    counts = totals.rows.aggregate(**totals.aggregates())
    if measure.from_snapshot and roles.is_committee_staff:
        done_on_day = TaskDaySnapshot.objects.filter(day=as_of, task=OuterRef("pk"), is_done=True)
        tasks = Task.objects.filter(plan=plan).annotate(is_done=Exists(done_on_day))
    else:
        tasks = tasks_visible_to(roles=roles, as_of=as_of).filter(plan=plan)
    task_counts = tasks.aggregate(
        total=Count("pk"),
        due=Count("pk", filter=Q(due_on__lte=as_of)),
        done=Count("pk", filter=Q(is_done=True)),
    )
    return {
        "plan": plan.code,
        "as_of": as_of,
        "tasks": task_counts,
        "assignments": {
            "total": counts["total"],
            "by_status": {status: counts[f"status_{status}"] for status in Status.values},
            "by_timeliness": {t: counts[f"timeliness_{t}"] for t in Timeliness.values},
        },
    }


def own_completion(summary: dict) -> dict:
    """An agency's own work in a summary read with its members' roles: done out of all its
    assignments but the cancelled ones, the basis of the agency table's rate."""
    by_status = summary["assignments"]["by_status"]
    return {"done": by_status[Status.DONE], "total": summary["assignments"]["total"] - by_status[Status.CANCELLED]}


AGENCY_BREAKDOWN_ORDERING = (
    "total",
    "done",
    "done_on_time",
    "done_late",
    "on_track",
    "overdue",
    "cancelled",
    "completion_rate",
)


def agency_breakdown(
    *,
    roles: UserRoles,
    as_of: date | None = None,
    plan: Plan | None = None,
    agencies: QuerySet[Agency] | None = None,
    ordering: str = "-completion_rate",
    roll_up: bool = False,
) -> QuerySet:
    """Per agency (unit, its id): total, done, done on time, done late, on track, overdue,
    cancelled and the completion rate (done out of total, in %), as one aggregate query.
    The total leaves cancelled work out, so that the figure shown beside the rate is its
    basis; cancelled work is counted apart; with_agencies() then fetches the agencies of the rows shown. With `roll_up`,
    the work of agencies merged into others counts under their successor today, its
    history unchanged."""
    as_of = as_of or timezone.localdate()
    measure = _measure(roles=roles, as_of=as_of, plan=plan)
    rows = measure.rows
    if agencies is not None:
        rows = rows.filter(agency_id__in=agencies.values("pk"))
    field = ordering.removeprefix("-")
    return (
        rows.values(unit=_rolled_up_agency() if roll_up else F("agency_id"))
        .annotate(
            total=measure.count(~measure.where(status=Status.CANCELLED)),
            done=measure.count(measure.where(status=Status.DONE)),
            cancelled=measure.count(measure.where(status=Status.CANCELLED)),
            **{t: measure.count(measure.where(timeliness=t)) for t in Timeliness.values if t != Timeliness.NO_DEADLINE},
        )
        .annotate(
            completion_rate=Case(
                When(total=0, then=Value(None)),
                default=Round(ExpressionWrapper(F("done") * 100.0 / F("total"), output_field=FloatField()), 1),
                output_field=FloatField(),
            )
        )
        .order_by(
            F(field).desc(nulls_last=True) if ordering.startswith("-") else F(field).asc(nulls_last=True),
            "unit",
        )
    )


def _rolled_up_agency() -> Case | F:
    """agency_id, or for an agency merged into another, its successor's id today."""
    olds_by_successor = defaultdict(list)
    for old, successor in successors_by_agency().items():
        olds_by_successor[successor].append(old)
    if not olds_by_successor:
        return F("agency_id")
    return Case(
        *(When(agency_id__in=olds, then=Value(successor)) for successor, olds in olds_by_successor.items()),
        default=F("agency_id"),
        output_field=IntegerField(),
    )


def with_agencies(rows) -> list[dict]:
    """Rows keyed by unit (an agency's id), with the agency itself in its place: one query."""
    rows = list(rows)
    agencies = Agency.objects.in_bulk([row["unit"] for row in rows])
    return [{"agency": agencies[row["unit"]], **{k: v for k, v in row.items() if k != "unit"}} for row in rows]


def period_ends(*, year: int, period: str) -> list[date]:
    """The last day of each week (Sunday) or month of `year`, and the year's last day."""
    if period == "month":
        return [date(year, month + 1, 1) - timedelta(days=1) for month in range(1, 12)] + [date(year, 12, 31)]
    first_sunday = date(year, 1, 1) + timedelta(days=(6 - date(year, 1, 1).weekday()))
    sundays = [first_sunday + timedelta(weeks=week) for week in range(53)]
    return [day for day in sundays if day.year == year and day != date(year, 12, 31)] + [date(year, 12, 31)]


def chart_days(*, year: int) -> list[date]:
    """The past days the dashboards' charts of a plan of `year` read: its week and month ends."""
    return sorted({day for period in ("week", "month") for day in period_ends(year=year, period=period)})


def plan_timeline(*, plan: Plan, roles: UserRoles, period: str = "week", until: date | None = None) -> list[dict]:
    """Done and overdue counts at the end of each week or month of the plan's year, for
    burn-up charts; today, or `until` if that is earlier, is the last point while the
    year runs (a dashboard "as of" a past day stops there). Snapshotted days come in one
    query, the other past days in one query on the event log, today from the count table."""
    today = timezone.localdate()
    last = min(today, until) if until else today
    days = [day for day in period_ends(year=plan.year, period=period) if day < last]
    if date(plan.year, 1, 1) <= last <= date(plan.year, 12, 31):
        days.append(last)

    def counts(measure):
        return {
            "total": measure.count(),
            "done": measure.count(measure.where(status=Status.DONE)),
            "overdue": measure.count(measure.where(timeliness=Timeliness.OVERDUE)),
        }

    snapshotted = sorted(_snapshotted(days))
    points = {}
    if snapshotted:
        measure = _snapshot_measure(roles=roles, days=snapshotted, plan=plan)
        points = {row.pop("day"): row for row in measure.rows.values("day").annotate(**counts(measure)).order_by()}
    from_log = [day for day in days if day not in snapshotted and day < today]
    if from_log:
        points.update(_log_points(days=from_log, plan=plan, roles=roles))
    if last == today and today in days:
        measure = _counts_measure(roles=roles, as_of=today, plan=plan).summed()
        points[today] = measure.rows.aggregate(**counts(measure))
    empty = {"total": 0, "done": 0, "overdue": 0}
    return [{"period_end": day, **points.get(day, empty)} for day in days]


def _log_points(*, days: list[date], plan: Plan, roles: UserRoles) -> dict[date, dict]:
    """Total, done and overdue on each of these past days, from the event log in one
    query: each event is its assignment's state from its time until the next event's, so
    the state on a day is the event whose span covers the day's end."""
    lasting = Coalesce(
        Window(Lead("occurred_at"), partition_by=[F("assignment_id")], order_by=[F("occurred_at"), F("id")]),
        Value(datetime.max.replace(tzinfo=UTC)),
    )
    events = StatusEvent.objects.filter(assignment__task__plan=plan).annotate(until=lasting)
    visible = Q() if roles.is_committee_staff else Q(agency_id__in=roles.agency_ids)
    counts = {}
    for n, day in enumerate(days):
        held = visible & Q(occurred_at__lt=end_of_day(day), until__gte=end_of_day(day))
        counts[f"total_{n}"] = Count("pk", filter=held)
        counts[f"done_{n}"] = Count("pk", filter=held & Q(status=Status.DONE))
        counts[f"overdue_{n}"] = Count("pk", filter=held & timeliness_conditions(as_of=day)[Timeliness.OVERDUE])
    totals = events.aggregate(**counts)
    return {
        day: {measure: totals[f"{measure}_{n}"] for measure in ("total", "done", "overdue")}
        for n, day in enumerate(days)
    }


def overdue_by_agency(*, as_of: date | None = None) -> list[dict]:
    """Per agency with open work past due today: how many, and the oldest due date. Two queries."""
    as_of = as_of or timezone.localdate()
    overdue = timeliness_conditions(as_of=as_of)[Timeliness.OVERDUE]
    rows = (
        Assignment.objects.filter(overdue, agency__is_active=True)
        .values(unit=F("agency_id"))
        .annotate(overdue=Count("pk"), oldest_due_on=Min("due_on"))
        .order_by("-overdue", "oldest_due_on", "unit")
    )
    return with_agencies(rows)
