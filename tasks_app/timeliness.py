"""Timeliness, the one set of rules every count and list applies: whether work is done on
time or late, on track, overdue or without a deadline on a given day, and what "due soon"
means on the pages. Never stored: conditions over status, due date and completion date
against an "as of" day, evaluated in the database.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    F,
    Q,
    Value,
    When,
)

from tasks_app.models import (
    OPEN_STATUSES,
    Status,
    Timeliness,
)

# Open work due within this many days is "due soon" (orange in the officials' own systems).
DUE_SOON_DAYS = 3


def due_soon_condition(*, as_of: date) -> Q:
    """Open work due between `as_of` and DUE_SOON_DAYS later."""
    return Q(status__in=OPEN_STATUSES, due_on__range=(as_of, as_of + timedelta(days=DUE_SOON_DAYS)))


def awaiting_review_condition(*, status: str = "status") -> Q:
    """Reported work waiting for committee staff to accept or return it. While it waits the
    next step is the committee's, so the agency is not chased for it and its pages say it
    waits rather than that it is overdue; whether it was on time is settled by its report
    day once it is accepted (work counts as completed on the day it was reported). Returned,
    it is open again and, past its deadline, overdue as before."""
    return Q(**{status: Status.REPORTED})


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
