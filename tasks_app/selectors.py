"""Reads of tasks and assignments, annotated in the database.

Timeliness is never stored: it is a CASE over status, due date and completion date
against an "as of" day. For a past day the state comes from the event log (the last
StatusEvent up to the end of that day); for today and later it is the live columns.
Both paths give the same annotations, so callers never care which one ran.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Round
from django.utils import timezone

from agencies.models import Agency
from agencies.selectors import UserRoles
from tasks_app.models import (
    OPEN_STATUSES,
    Assignment,
    AssignmentRole,
    EventKind,
    ExtensionRequest,
    Plan,
    Status,
    StatusEvent,
    Task,
    Timeliness,
)
from tasks_app.workflow import Action


def end_of_day(day: date) -> datetime:
    """The first instant after `day` ends in Vietnam, where the plans' days are counted."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def timeliness_case(*, status: str, due_on: str, completed_on: str, as_of: date) -> Case:
    """Classify as official reports do; cancelled work has no timeliness (NULL)."""
    return Case(
        When(Q(**{status: Status.DONE, f"{due_on}__isnull": True}), then=Value(Timeliness.DONE_ON_TIME)),
        When(Q(**{status: Status.DONE, f"{completed_on}__lte": F(due_on)}), then=Value(Timeliness.DONE_ON_TIME)),
        When(Q(**{status: Status.DONE}), then=Value(Timeliness.DONE_LATE)),
        When(Q(**{status: Status.CANCELLED}), then=Value(None)),
        When(Q(**{f"{due_on}__isnull": True}), then=Value(Timeliness.NO_DEADLINE)),
        When(Q(**{f"{due_on}__gte": as_of}), then=Value(Timeliness.ON_TRACK)),
        default=Value(Timeliness.OVERDUE),
        output_field=CharField(),
    )


def assignments_as_of(
    *, as_of: date | None = None, queryset: QuerySet[Assignment] | None = None
) -> QuerySet[Assignment]:
    """Assignments as they stood at the end of `as_of` (default today).

    Annotates state_status, state_due_on, state_completed_on, state_agency_id and
    timeliness. On a past day, assignments not yet created are left out.
    """
    as_of = as_of or timezone.localdate()
    queryset = Assignment.objects.all() if queryset is None else queryset
    if as_of >= timezone.localdate():
        queryset = queryset.annotate(
            state_status=F("status"),
            state_due_on=F("due_on"),
            state_completed_on=F("completed_on"),
            state_agency_id=F("agency_id"),
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


def tasks_as_of(*, as_of: date | None = None, queryset: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks annotated with is_done as of the end of `as_of`.

    A task is done when at least one of its lead assignments is done and none is still
    open: a lead assignment that was cancelled (the work was dropped for that agency)
    neither completes the task nor holds it back.
    """
    queryset = Task.objects.all() if queryset is None else queryset
    leads = assignments_as_of(
        as_of=as_of, queryset=Assignment.objects.filter(task=OuterRef("pk"), role=AssignmentRole.LEAD)
    )
    return queryset.annotate(
        is_done=Exists(leads.filter(state_status=Status.DONE)) & ~Exists(leads.filter(state_status__in=OPEN_STATUSES))
    )


def assignments_visible_to(
    *, roles: UserRoles, as_of: date | None = None, queryset: QuerySet[Assignment] | None = None
) -> QuerySet[Assignment]:
    """The one rule of who sees what: committee staff see everything; focal points and
    leaders see what their agencies held on `as_of`."""
    assignments = assignments_as_of(as_of=as_of, queryset=queryset)
    if roles.is_committee_staff:
        return assignments
    return assignments.filter(state_agency_id__in=roles.agency_ids)


def assignment_list(*, roles: UserRoles, as_of: date | None = None) -> QuerySet[Assignment]:
    """Visible assignments with what a list shows: related rows, days overdue, and who
    reported the work (nobody accepts their own report)."""
    as_of = as_of or timezone.localdate()
    last_report = StatusEvent.objects.filter(
        assignment=OuterRef("pk"), kind=EventKind.STATUS, action=Action.REPORT_DONE
    ).order_by("-occurred_at", "-id")
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
    return (
        assignment_list(roles=roles, as_of=as_of)
        .filter(timeliness=Timeliness.OVERDUE)
        .order_by("-days_overdue", "agency__code", "pk")
    )


def _counts_by_status_and_timeliness() -> dict:
    return {
        "total": Count("pk"),
        **{f"status_{status}": Count("pk", filter=Q(state_status=status)) for status in Status.values},
        **{f"timeliness_{t}": Count("pk", filter=Q(timeliness=t)) for t in Timeliness.values},
    }


def plan_summary(*, plan: Plan, roles: UserRoles, as_of: date | None = None) -> dict:
    """The figures official reports give for a plan on a day: tasks total, due and done;
    assignments by status and by timeliness. Two aggregate queries."""
    as_of = as_of or timezone.localdate()
    assignments = assignments_visible_to(roles=roles, as_of=as_of, queryset=Assignment.objects.filter(task__plan=plan))
    counts = assignments.aggregate(**_counts_by_status_and_timeliness())
    tasks = Task.objects.filter(plan=plan)
    if not roles.is_committee_staff:
        tasks = tasks.filter(Exists(assignments.filter(task=OuterRef("pk"))))
    task_counts = tasks_as_of(as_of=as_of, queryset=tasks).aggregate(
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
) -> list[dict]:
    """Per agency: total, done, done on time, done late, on track, overdue and the
    completion rate (done out of the work not cancelled, in %). One aggregate query and
    one for the agencies' names."""
    queryset = Assignment.objects.filter(task__plan=plan) if plan else None
    assignments = assignments_visible_to(roles=roles, as_of=as_of, queryset=queryset)
    if agencies is not None:
        assignments = assignments.filter(state_agency_id__in=agencies.values("pk"))
    field = ordering.removeprefix("-")
    rows = (
        assignments.values("state_agency_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(state_status=Status.DONE)),
            cancelled=Count("pk", filter=Q(state_status=Status.CANCELLED)),
            **{t: Count("pk", filter=Q(timeliness=t)) for t in Timeliness.values if t != Timeliness.NO_DEADLINE},
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
            "state_agency_id",
        )
    )
    rows = list(rows)
    names = Agency.objects.in_bulk([row["state_agency_id"] for row in rows])
    return [{"agency": names[row.pop("state_agency_id")], **row} for row in rows]
