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
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from tasks_app.models import OPEN_STATUSES, Assignment, AssignmentRole, Status, StatusEvent, Task, Timeliness


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
