"""Reads of tasks and assignments, annotated in the database.

Timeliness is never stored: it is a set of conditions over status, due date and
completion date against an "as of" day. For today and later the state is the live
columns; for a past day it comes from the event log (the last StatusEvent up to the end
of that day), or, for dashboards, from that day's snapshot when there is a current one.
Every path gives the same figures, so callers never care which one ran.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lead, Round, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.selectors import UserRoles, successors_by_agency
from tasks_app.models import (
    OPEN_STATUSES,
    Assignment,
    AssignmentRole,
    DailySnapshot,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    Plan,
    SnapshotDay,
    Status,
    StatusEvent,
    Task,
    TaskDaySnapshot,
    Timeliness,
)
from tasks_app.workflow import Action

# Open work due within this many days is "due soon" (orange in the officials' own systems).
DUE_SOON_DAYS = 3


def due_soon_condition(*, as_of: date) -> Q:
    """Open work due between `as_of` and DUE_SOON_DAYS later."""
    return Q(status__in=OPEN_STATUSES, due_on__range=(as_of, as_of + timedelta(days=DUE_SOON_DAYS)))


def end_of_day(day: date) -> datetime:
    """The first instant after `day` ends in Vietnam, where the plans' days are counted."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def timeliness_conditions(
    *, as_of: date, status: str = "status", due_on: str = "due_on", completed_on: str = "completed_on"
) -> dict[str, Q]:
    """Each timeliness class as a condition on the named fields, as official reports count:
    the same conditions classify (timeliness_case), filter and count, and a database
    index can serve them. Cancelled work is in no class."""
    done, still_open = Q(**{status: Status.DONE}), Q(**{f"{status}__in": OPEN_STATUSES})
    no_deadline = Q(**{f"{due_on}__isnull": True})
    return {
        Timeliness.DONE_ON_TIME: done & (no_deadline | Q(**{f"{completed_on}__lte": F(due_on)})),
        Timeliness.DONE_LATE: done & Q(**{f"{completed_on}__gt": F(due_on)}),
        Timeliness.ON_TRACK: still_open & Q(**{f"{due_on}__gte": as_of}),
        Timeliness.OVERDUE: still_open & Q(**{f"{due_on}__lt": as_of}),
        Timeliness.NO_DEADLINE: still_open & no_deadline,
    }


def timeliness_case(
    *, as_of: date, status: str = "status", due_on: str = "due_on", completed_on: str = "completed_on"
) -> Case:
    conditions = timeliness_conditions(status=status, due_on=due_on, completed_on=completed_on, as_of=as_of)
    return Case(
        *(When(condition, then=Value(timeliness)) for timeliness, condition in conditions.items()),
        default=Value(None),
        output_field=CharField(),
    )


def assignments_as_of(
    *, as_of: date | None = None, queryset: QuerySet[Assignment] | None = None
) -> QuerySet[Assignment]:
    """Assignments as they stood at the end of `as_of` (default today).

    Annotates state_status, state_due_on, state_completed_on, state_agency_id,
    state_owner_id, state_progress and timeliness. On a past day, assignments not yet
    created are left out.
    """
    as_of = as_of or timezone.localdate()
    queryset = Assignment.objects.all() if queryset is None else queryset
    if as_of >= timezone.localdate():
        queryset = queryset.annotate(
            state_status=F("status"),
            state_due_on=F("due_on"),
            state_completed_on=F("completed_on"),
            state_agency_id=F("agency_id"),
            state_owner_id=F("owner_id"),
            state_progress=F("progress"),
        )
    else:
        last_event = StatusEvent.objects.filter(assignment=OuterRef("pk"), occurred_at__lt=end_of_day(as_of)).order_by(
            "-occurred_at", "-id"
        )
        queryset = queryset.annotate(
            state_status=Subquery(last_event.values("status")[:1]),
            state_due_on=Subquery(last_event.values("due_on")[:1]),
            state_completed_on=Subquery(last_event.values("completed_on")[:1]),
            state_agency_id=Subquery(last_event.values("agency_id")[:1]),
            state_owner_id=Subquery(last_event.values("owner_id")[:1]),
            state_progress=Subquery(last_event.values("progress")[:1]),
        ).filter(state_status__isnull=False)
    return queryset.annotate(
        timeliness=timeliness_case(
            status="state_status", due_on="state_due_on", completed_on="state_completed_on", as_of=as_of
        )
    )


@dataclass(frozen=True)
class AssignmentState:
    status: str
    due_on: date | None
    completed_on: date | None
    agency_id: int
    timeliness: str | None


def assignment_state_on(*, assignment: Assignment, day: date) -> AssignmentState | None:
    """The assignment as it stood at the end of `day`; None if it did not exist yet."""
    row = (
        assignments_as_of(as_of=day, queryset=Assignment.objects.filter(pk=assignment.pk))
        .values("state_status", "state_due_on", "state_completed_on", "state_agency_id", "timeliness")
        .first()
    )
    if row is None:
        return None
    return AssignmentState(
        status=row["state_status"],
        due_on=row["state_due_on"],
        completed_on=row["state_completed_on"],
        agency_id=row["state_agency_id"],
        timeliness=row["timeliness"],
    )


def last_events_as_of(*, as_of: date) -> QuerySet[StatusEvent]:
    """The last event of each assignment up to the end of `as_of`: its state that day,
    in one pass over the log, annotated with timeliness."""
    ranked = StatusEvent.objects.filter(occurred_at__lt=end_of_day(as_of)).annotate(
        rank=Window(RowNumber(), partition_by=[F("assignment_id")], order_by=[F("occurred_at").desc(), F("id").desc()])
    )
    # Through an IN subquery: grouping a window-filtered queryset directly groups wrongly.
    return StatusEvent.objects.filter(pk__in=ranked.filter(rank=1).values("pk")).annotate(
        timeliness=timeliness_case(as_of=as_of)
    )


def tasks_as_of(*, as_of: date | None = None, queryset: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks annotated with is_done as of the end of `as_of`.

    A task is done when at least one of its lead assignments is done and none is still
    open: a lead assignment that was cancelled (the work was dropped for that agency)
    neither completes the task nor holds it back.
    """
    as_of = as_of or timezone.localdate()
    queryset = Task.objects.all() if queryset is None else queryset
    if as_of >= timezone.localdate():
        # Today, two index probes per task (task, role, status).
        leads = Assignment.objects.filter(task=OuterRef("pk"), role=AssignmentRole.LEAD)
        return queryset.annotate(
            is_done=Exists(leads.filter(status=Status.DONE)) & ~Exists(leads.filter(status__in=OPEN_STATUSES))
        )
    # On a past day, one pass over the leads' last events, counted per task.
    done_tasks = (
        last_events_as_of(as_of=as_of)
        .filter(assignment__role=AssignmentRole.LEAD)
        .values("assignment__task_id")
        .annotate(
            done=Count("pk", filter=Q(status=Status.DONE)),
            still_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        )
        .filter(done__gt=0, still_open=0)
        .values("assignment__task_id")
    )
    return queryset.annotate(is_done=Q(pk__in=done_tasks))


def assignments_visible_to(
    *, roles: UserRoles, as_of: date | None = None, queryset: QuerySet[Assignment] | None = None
) -> QuerySet[Assignment]:
    """The one rule of who sees what: committee staff see everything; focal points and
    leaders see what their agencies held on `as_of`."""
    as_of = as_of or timezone.localdate()
    if roles.is_committee_staff:
        return assignments_as_of(as_of=as_of, queryset=queryset)
    queryset = Assignment.objects.all() if queryset is None else queryset
    if as_of < timezone.localdate():
        # Narrowed first to what the agencies ever held, so that the state is rebuilt only there.
        queryset = queryset.filter(
            Q(agency_id__in=roles.agency_ids)
            | Q(pk__in=StatusEvent.objects.filter(agency_id__in=roles.agency_ids).values("assignment_id"))
        )
    return assignments_as_of(as_of=as_of, queryset=queryset).filter(state_agency_id__in=roles.agency_ids)


def report_events() -> QuerySet[StatusEvent]:
    """Reports of work done, newest first: an assignment's first is its last report."""
    return StatusEvent.objects.filter(kind=EventKind.STATUS, action=Action.REPORT_DONE).order_by("-occurred_at", "-id")


def assignment_list(*, roles: UserRoles, as_of: date | None = None) -> QuerySet[Assignment]:
    """Visible assignments with what a list shows: related rows, days overdue, and who
    reported the work (nobody accepts their own report)."""
    as_of = as_of or timezone.localdate()
    last_report = report_events().filter(assignment=OuterRef("pk"))
    return (
        assignments_visible_to(roles=roles, as_of=as_of)
        .select_related("task__plan", "agency", "owner")
        .annotate(
            days_overdue=Case(
                When(
                    timeliness=Timeliness.OVERDUE,
                    then=ExpressionWrapper(Value(as_of) - F("state_due_on"), output_field=DurationField()),
                ),
                default=Value(None),
                output_field=DurationField(),
            ),
            reported_by_id=Subquery(last_report.values("actor_id")[:1]),
        )
    )


def with_state_relations(assignments: Iterable[Assignment]) -> list[Assignment]:
    """Gives each assignment of a list `state_agency` and `state_owner`: the agency and the
    focal point it had on the day the list is as of. Where they are today's (always, for a
    list of today), the rows already joined serve; the others are read in one query each."""
    assignments = list(assignments)
    agency_ids = {a.state_agency_id for a in assignments if a.state_agency_id != a.agency_id}
    owner_ids = {a.state_owner_id for a in assignments if a.state_owner_id not in (a.owner_id, None)}
    agencies = Agency.objects.in_bulk(agency_ids) if agency_ids else {}
    owners = get_user_model().objects.in_bulk(owner_ids) if owner_ids else {}
    for assignment in assignments:
        same_agency = assignment.state_agency_id == assignment.agency_id
        assignment.state_agency = assignment.agency if same_agency else agencies[assignment.state_agency_id]
        if assignment.state_owner_id is None:
            assignment.state_owner = None
        elif assignment.state_owner_id == assignment.owner_id:
            assignment.state_owner = assignment.owner
        else:
            assignment.state_owner = owners[assignment.state_owner_id]
    return assignments


def tasks_visible_to(*, roles: UserRoles, as_of: date | None = None) -> QuerySet[Task]:
    """Tasks annotated with is_done; focal points and leaders see the tasks their agencies hold."""
    tasks = Task.objects.select_related("plan")
    if not roles.is_committee_staff:
        visible = assignments_visible_to(
            roles=roles, as_of=as_of, queryset=Assignment.objects.filter(task=OuterRef("pk"))
        )
        tasks = tasks.filter(Exists(visible))
    return tasks_as_of(as_of=as_of, queryset=tasks)


def extension_requests_visible_to(*, roles: UserRoles) -> QuerySet[ExtensionRequest]:
    requests = ExtensionRequest.objects.select_related("requested_by", "decided_by")
    if roles.is_committee_staff:
        return requests
    return requests.filter(assignment__in=assignments_visible_to(roles=roles).values("pk"))


def overdue_list(*, roles: UserRoles, as_of: date | None = None) -> QuerySet[Assignment]:
    """Open work past its due date on `as_of`, most overdue first."""
    as_of = as_of or timezone.localdate()
    overdue = timeliness_conditions(
        status="state_status", due_on="state_due_on", completed_on="state_completed_on", as_of=as_of
    )[Timeliness.OVERDUE]
    # The earliest due date is the most overdue; ordering by the date lets an index serve it.
    return assignment_list(roles=roles, as_of=as_of).filter(overdue).order_by("state_due_on", "agency__code", "pk")


class Measure:
    """How dashboards count: rows one by one (assignments today, their last events for a
    past day), or the counts stored in a daily snapshot. Both give the same figures."""

    def __init__(self, *, rows: QuerySet, count, timeliness):
        self.rows = rows
        self.from_snapshot = rows.model is DailySnapshot
        self._count = count
        self._timeliness = timeliness

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


def _live_measure(*, roles: UserRoles, as_of: date, plan: Plan | None) -> Measure:
    """Counting rows one by one: the assignments' columns today, for a past day their last
    events, which carry the same columns (status, due_on, completed_on, agency)."""
    if as_of >= timezone.localdate():
        queryset = Assignment.objects.filter(task__plan=plan) if plan else None
        rows = assignments_visible_to(roles=roles, as_of=as_of, queryset=queryset)
    else:
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
    if _snapshotted([as_of]):
        return _snapshot_measure(roles=roles, days=[as_of], plan=plan)
    return _live_measure(roles=roles, as_of=as_of, plan=plan)


def plan_summary(*, plan: Plan, roles: UserRoles, as_of: date | None = None) -> dict:
    """The figures official reports give for a plan on a day: tasks total, due and done;
    assignments by status and by timeliness. Two aggregate queries, and one to look for
    a snapshot of a past day.

    A snapshot keeps each task's done flag, but not which agencies held it: an agency's
    members, who see only their agency's tasks, have their task counts from the log."""
    as_of = as_of or timezone.localdate()
    measure = _measure(roles=roles, as_of=as_of, plan=plan)
    counts = measure.rows.aggregate(**measure.aggregates())
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


AGENCY_BREAKDOWN_ORDERING = ("total", "done", "done_on_time", "done_late", "on_track", "overdue", "completion_rate")


def agency_breakdown(
    *,
    roles: UserRoles,
    as_of: date | None = None,
    plan: Plan | None = None,
    agencies: QuerySet[Agency] | None = None,
    ordering: str = "-completion_rate",
    roll_up: bool = False,
) -> QuerySet:
    """Per agency (unit, its id): total, done, done on time, done late, on track, overdue
    and the completion rate (done out of the work not cancelled, in %), as one aggregate
    query; with_agencies() then fetches the agencies of the rows shown. With `roll_up`,
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
            total=measure.count(),
            done=measure.count(measure.where(status=Status.DONE)),
            cancelled=measure.count(measure.where(status=Status.CANCELLED)),
            **{t: measure.count(measure.where(timeliness=t)) for t in Timeliness.values if t != Timeliness.NO_DEADLINE},
        )
        .annotate(
            completion_rate=Case(
                When(total=F("cancelled"), then=Value(None)),
                default=Round(
                    ExpressionWrapper(F("done") * 100.0 / (F("total") - F("cancelled")), output_field=FloatField()), 1
                ),
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


def plan_timeline(*, plan: Plan, roles: UserRoles, period: str = "week", until: date | None = None) -> list[dict]:
    """Done and overdue counts at the end of each week or month of the plan's year, for
    burn-up charts; today, or `until` if that is earlier, is the last point while the
    year runs (a dashboard "as of" a past day stops there). Snapshotted days come in one
    query, the other past days in one query on the event log, today from the assignments."""
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
        measure = _live_measure(roles=roles, as_of=today, plan=plan)
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


class Urgency(models.TextChoices):
    """How the officials' own systems colour work: overdue red, due within DUE_SOON_DAYS
    orange, on track green, no deadline grey; and finished work."""

    OVERDUE = "overdue", _("Quá hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    ON_TRACK = "on_track", _("Trong hạn")
    NO_DEADLINE = "no_deadline", _("Không thời hạn")
    FINISHED = "finished", _("Đã kết thúc")


def agency_worklist(*, roles: UserRoles) -> QuerySet[Assignment]:
    """The assignments of the user's own agencies today, each with its urgency, its
    events (newest first) and whether an extension request awaits a decision; most
    urgent first. A fixed number of queries whatever the number of assignments."""
    today = timezone.localdate()
    urgency = Case(
        When(status__in=[Status.DONE, Status.CANCELLED], then=Value(Urgency.FINISHED)),
        When(due_on__isnull=True, then=Value(Urgency.NO_DEADLINE)),
        When(due_on__lt=today, then=Value(Urgency.OVERDUE)),
        When(due_soon_condition(as_of=today), then=Value(Urgency.DUE_SOON)),
        default=Value(Urgency.ON_TRACK),
        output_field=CharField(),
    )
    rank = Case(*(When(urgency=u, then=Value(n)) for n, u in enumerate(Urgency.values)), output_field=IntegerField())
    pending = ExtensionRequest.objects.filter(assignment=OuterRef("pk"), status=ExtensionStatus.PENDING)
    return (
        assignment_list(roles=roles, as_of=today)
        .filter(agency_id__in=roles.agency_ids)
        .annotate(urgency=urgency, has_pending_extension=Exists(pending))
        .annotate(urgency_rank=rank)
        .prefetch_related(
            Prefetch("events", queryset=StatusEvent.objects.select_related("actor").order_by("-occurred_at", "-id"))
        )
        .order_by("urgency_rank", F("due_on").asc(nulls_last=True), "task__plan__code", "task__number")
    )
