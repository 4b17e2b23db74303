"""Reads of tasks and assignments, annotated in the database: their state on a day, who
sees what, and the lists the API and the pages show.

For today and later the state is the live columns; for a past day it comes from the event
log (the last StatusEvent up to the end of that day). Every path gives the same figures,
so callers never care which one ran. Timeliness rules are in tasks_app.timeliness, the
dashboards' counts in tasks_app.dashboards.
"""

import re
from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.selectors import UserRoles
from tasks_app.models import (
    COMMITTEE_ADDRESSEE,
    OBSTACLE_UNFINISHED,
    OPEN_STATUSES,
    Assignment,
    AssignmentRole,
    Comment,
    CommentRevision,
    EventKind,
    ExplanationItem,
    ExplanationRequest,
    ExplanationStatus,
    ExtensionRequest,
    ExtensionStatus,
    Obstacle,
    ObstacleStep,
    Plan,
    Status,
    StatusEvent,
    Task,
    Timeliness,
)
from tasks_app.timeliness import (
    awaiting_review_condition,
    due_soon_condition,
    end_of_day,
    timeliness_case,
    timeliness_conditions,
)
from tasks_app.workflow import Action


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
    """Visible assignments with what a list shows: related rows, days overdue, whether the
    work waits for review, and who reported it (nobody accepts their own report)."""
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
            awaiting_review=ExpressionWrapper(
                awaiting_review_condition(status="state_status"), output_field=BooleanField()
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


# How much of an assignment's history the extension desk shows beside each request.
RECENT_EVENTS = 5


def extension_requests_in_full(*, roles: UserRoles) -> QuerySet[ExtensionRequest]:
    """Visible requests with what the desk shows of each: the task, its plan, the agency,
    who asked and who decided, and the assignment's last RECENT_EVENTS events (newest
    first, as `assignment.recent_events`). A fixed number of queries whatever the rows."""
    recent = StatusEvent.objects.select_related("actor", "agency", "owner").order_by("-occurred_at", "-id")
    return (
        extension_requests_visible_to(roles=roles)
        .select_related("assignment__task__plan", "assignment__agency")
        .prefetch_related(Prefetch("assignment__events", queryset=recent[:RECENT_EVENTS], to_attr="recent_events"))
    )


def extension_request_desk(
    *, roles: UserRoles, decided: bool = False, plan: str = "", agency: str = "", agency_kind: str = ""
) -> QuerySet[ExtensionRequest]:
    """The requests committee staff decide: those waiting, the longest waiting first; or
    those decided, the latest decision first. Narrowed by the plan's code, the agency's
    code and the agency's kind where given."""
    requests = extension_requests_in_full(roles=roles)
    if decided:
        requests = requests.exclude(status=ExtensionStatus.PENDING).order_by("-decided_at", "-pk")
    else:
        requests = requests.filter(status=ExtensionStatus.PENDING).order_by("requested_at", "pk")
    if plan:
        requests = requests.filter(assignment__task__plan__code=plan)
    if agency:
        requests = requests.filter(assignment__agency__code=agency)
    if agency_kind:
        requests = requests.filter(assignment__agency__kind=agency_kind)
    return requests


def extension_requests_waiting_count() -> int:
    """How many requests wait for committee staff's decision (the header's badge)."""
    return ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).count()


def overdue_list(*, roles: UserRoles, as_of: date | None = None) -> QuerySet[Assignment]:
    """Open work past its due date on `as_of`, most overdue first."""
    as_of = as_of or timezone.localdate()
    overdue = timeliness_conditions(
        status="state_status", due_on="state_due_on", completed_on="state_completed_on", as_of=as_of
    )[Timeliness.OVERDUE]
    # The earliest due date is the most overdue; ordering by the date lets an index serve it.
    return assignment_list(roles=roles, as_of=as_of).filter(overdue).order_by("state_due_on", "agency__code", "pk")


class Urgency(models.TextChoices):
    """How the officials' own systems colour work: overdue red, due within DUE_SOON_DAYS
    orange, on track green, no deadline grey; reported work waiting for review (whatever
    its deadline: the next step is the committee's); and finished work."""

    OVERDUE = "overdue", _("Quá hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    ON_TRACK = "on_track", _("Trong hạn")
    NO_DEADLINE = "no_deadline", _("Không thời hạn")
    AWAITING_REVIEW = "awaiting_review", _("Chờ xác nhận")
    FINISHED = "finished", _("Đã kết thúc")


# The focal point's page groups work as its owners act on it: on track and no deadline are
# both open work with nothing pressing. Each group is a filter of the page and a section of it.
WORKLIST_GROUPS = {
    "overdue": [Urgency.OVERDUE],
    "due_soon": [Urgency.DUE_SOON],
    "open": [Urgency.ON_TRACK, Urgency.NO_DEADLINE],
    "awaiting_review": [Urgency.AWAITING_REVIEW],
    "finished": [Urgency.FINISHED],
}


def agency_worklist(
    *,
    roles: UserRoles,
    plan_id: int | None = None,
    status: str = "",
    group: str = "",
    search: str = "",
) -> QuerySet[Assignment]:
    """The assignments of the user's own agencies today, each with its urgency, its
    events (newest first) and whether an extension request awaits a decision; most
    urgent first. Narrowed to a plan, a status, a group of WORKLIST_GROUPS, and a search
    of the task's title or number ("12" or "#12"). A fixed number of queries whatever the
    number of assignments."""
    today = timezone.localdate()
    urgency = Case(
        When(status__in=[Status.DONE, Status.CANCELLED], then=Value(Urgency.FINISHED)),
        When(awaiting_review_condition(), then=Value(Urgency.AWAITING_REVIEW)),
        When(due_on__isnull=True, then=Value(Urgency.NO_DEADLINE)),
        When(due_on__lt=today, then=Value(Urgency.OVERDUE)),
        When(due_soon_condition(as_of=today), then=Value(Urgency.DUE_SOON)),
        default=Value(Urgency.ON_TRACK),
        output_field=CharField(),
    )
    rank = Case(*(When(urgency=u, then=Value(n)) for n, u in enumerate(Urgency.values)), output_field=IntegerField())
    pending = ExtensionRequest.objects.filter(assignment=OuterRef("pk"), status=ExtensionStatus.PENDING)
    worklist = (
        assignment_list(roles=roles, as_of=today)
        .filter(agency_id__in=roles.agency_ids)
        .annotate(urgency=urgency, has_pending_extension=Exists(pending))
        .annotate(urgency_rank=rank)
    )
    if plan_id is not None:
        worklist = worklist.filter(task__plan_id=plan_id)
    if status:
        worklist = worklist.filter(status=status)
    if group:
        worklist = worklist.filter(urgency__in=WORKLIST_GROUPS[group])
    search = search.strip()
    if search:
        matches = Q(task__title__folded_contains=search)
        number = re.fullmatch(r"#?\s*(\d{1,9})", search, re.ASCII)
        if number:
            matches |= Q(task__number=int(number[1]))
        worklist = worklist.filter(matches)
    return worklist.prefetch_related(
        Prefetch("events", queryset=StatusEvent.objects.select_related("actor").order_by("-occurred_at", "-id"))
    ).order_by("urgency_rank", F("due_on").asc(nulls_last=True), "task__plan__code", "task__number", "pk")


def worklist_group_counts(worklist: QuerySet[Assignment]) -> dict[str, int]:
    """How many of a worklist's assignments fall in each group, in one query."""
    by_urgency = {row["urgency"]: row["n"] for row in worklist.order_by().values("urgency").annotate(n=Count("pk"))}
    return {group: sum(by_urgency.get(u, 0) for u in urgencies) for group, urgencies in WORKLIST_GROUPS.items()}


def assignment_page(*, roles: UserRoles) -> QuerySet[Assignment]:
    """The visible assignments with everything their page shows: the task and its plan, the
    agency, the owner, every agency given the same task, the history (newest first, with
    who did each step), the extension requests, the discussion and the difficulties,
    obstacles and proposals with their steps (oldest first). A fixed
    number of queries whatever the length of the history."""
    return assignment_list(roles=roles).prefetch_related(
        Prefetch(
            "task__assignments",
            queryset=Assignment.objects.select_related("agency").order_by("role", "agency__name"),
            to_attr="all_assignments",
        ),
        Prefetch(
            "events",
            queryset=StatusEvent.objects.select_related("actor", "agency", "owner").order_by("-occurred_at", "-id"),
        ),
        Prefetch(
            "extension_requests",
            queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by").order_by("-requested_at"),
        ),
        Prefetch("comments", queryset=comments_in_full()),
        Prefetch("obstacles", queryset=obstacles_in_full()),
    )


def comments_in_full() -> QuerySet[Comment]:
    """Comments oldest first, with their authors and their earlier texts (oldest first):
    a fixed number of queries whatever the length of the thread."""
    return (
        Comment.objects.select_related("author")
        .prefetch_related(Prefetch("revisions", queryset=CommentRevision.objects.order_by("replaced_at", "id")))
        .order_by("created_at", "id")
    )


def comments_visible_to(*, roles: UserRoles) -> QuerySet[Comment]:
    """Whoever may see an assignment may read its discussion, and nobody else."""
    comments = comments_in_full()
    if roles.is_committee_staff:
        return comments
    return comments.filter(assignment__in=assignments_visible_to(roles=roles).values("pk"))


def assignment_participants(*, assignment: Assignment, among: QuerySet) -> QuerySet:
    """Those of `among` (users) who have taken part in an assignment: commented on it, or
    acted on it (an event's actor)."""
    return among.filter(
        Q(pk__in=Comment.objects.filter(assignment=assignment).values("author_id"))
        | Q(pk__in=StatusEvent.objects.filter(assignment=assignment, actor__isnull=False).values("actor_id"))
    )


def _with_last_report(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Oldest report first (the longest wait comes first), each with when its last report
    was made and that report's id."""
    last_report = report_events().filter(assignment=OuterRef("pk"))
    return assignments.annotate(
        reported_at=Subquery(last_report.values("occurred_at")[:1]),
        report_id=Subquery(last_report.values("pk")[:1]),
    ).order_by(F("reported_at").asc(nulls_first=True), "pk")


def review_queue(*, roles: UserRoles) -> QuerySet[Assignment]:
    """The reported work this user sees waiting for committee staff to accept or return it,
    with what a list shows (assignment_list), oldest report first."""
    return _with_last_report(assignment_list(roles=roles).filter(awaiting_review_condition(status="state_status")))


def reports_awaiting_review() -> QuerySet[Assignment]:
    """Every report waiting for the committee, oldest first, with its task and agency: what
    the staff's daily digest lists."""
    return _with_last_report(
        Assignment.objects.filter(awaiting_review_condition()).select_related("task__plan", "agency")
    )


def review_queue_count() -> int:
    """How many reports wait for committee staff: one COUNT, for the header of every page."""
    return Assignment.objects.filter(awaiting_review_condition()).count()


def with_reports(assignments: Iterable[Assignment]) -> list[Assignment]:
    """Gives each assignment of the review queue its last report (`report`, with who made it)
    and whether it was made by the deadline (`reported_on_time`: work counts as completed on
    the day it was reported), in one query for the whole list."""
    assignments = list(assignments)
    reports = StatusEvent.objects.select_related("actor").in_bulk([a.report_id for a in assignments if a.report_id])
    for assignment in assignments:
        assignment.report = reports.get(assignment.report_id)
        reported_on = timezone.localdate(assignment.reported_at) if assignment.reported_at else None
        assignment.reported_on_time = (
            None if reported_on is None else assignment.due_on is None or reported_on <= assignment.due_on
        )
    return assignments


# The filter value for an open request past its answer date: derived, never stored.
EXPLANATION_LATE = "late"


def explanation_late_condition(*, today: date, prefix: str = "") -> Q:
    """Still waiting for the agency's answer after its answer date."""
    return Q(**{f"{prefix}status": ExplanationStatus.OPEN, f"{prefix}answer_due_on__lt": today})


def _late_case(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def explanation_requests_visible_to(*, roles: UserRoles) -> QuerySet[ExplanationRequest]:
    """Committee staff see every request; an agency's focal points and leaders its own.
    Each carries `is_late`, its items (with their assignment, task and plan) and its steps,
    in a fixed number of queries whatever the rows."""
    today = timezone.localdate()
    requests = (
        ExplanationRequest.objects.select_related("agency", "created_by", "decided_by")
        .annotate(is_late=_late_case(explanation_late_condition(today=today)))
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ExplanationItem.objects.select_related(
                    "assignment__task__plan", "assignment__agency", "answered_by"
                ),
            ),
            "steps__actor",
        )
    )
    if roles.is_committee_staff:
        return requests
    return requests.filter(agency_id__in=roles.agency_ids)


def explanation_requests_filtered(
    requests: QuerySet[ExplanationRequest], *, status: str = "", agency: str = "", plan: str = ""
) -> QuerySet[ExplanationRequest]:
    """`status` is a stored status or "late"; "open" means open and not yet late. `agency`
    and `plan` are codes."""
    today = timezone.localdate()
    if status == EXPLANATION_LATE:
        requests = requests.filter(explanation_late_condition(today=today))
    elif status == ExplanationStatus.OPEN:
        requests = requests.filter(status=status).exclude(explanation_late_condition(today=today))
    elif status:
        requests = requests.filter(status=status)
    if agency:
        requests = requests.filter(agency__code=agency)
    if plan:
        requests = requests.filter(
            Exists(ExplanationItem.objects.filter(request=OuterRef("pk"), assignment__task__plan__code=plan))
        )
    return requests


def explanation_items_of(*, assignment: Assignment) -> QuerySet[ExplanationItem]:
    """The requests concerning one assignment, newest first, each item with its request
    (`request_is_late`, and `request_size`: how many assignments it lists), who asked and
    answered, and the request's steps."""
    late = explanation_late_condition(today=timezone.localdate(), prefix="request__")
    size = ExplanationItem.objects.filter(request=OuterRef("request")).values("request").annotate(n=Count("pk"))
    return (
        ExplanationItem.objects.filter(assignment=assignment)
        .annotate(request_is_late=_late_case(late), request_size=Subquery(size.values("n")))
        .select_related("request__created_by", "request__decided_by", "answered_by")
        .prefetch_related("request__steps__actor")
        .order_by("-request__created_at", "-request_id")
    )


# The explanations page's lists, each a value of its status filter: the stored statuses and
# "late", an open request past its answer date.
EXPLANATION_LISTS = (
    ExplanationStatus.ANSWERED.value,
    EXPLANATION_LATE,
    ExplanationStatus.OPEN.value,
    ExplanationStatus.ACCEPTED.value,
)


def explanation_request_desk(
    *, roles: UserRoles, status: str = "", plan: str = "", agency: str = "", agency_kind: str = ""
) -> QuerySet[ExplanationRequest]:
    """The requests of the explanations page, each with `days_late`. What waits for this
    viewer comes first: for committee staff the answers to review, then the late and the open
    requests; for an agency's people the late and the open ones, then those answered. Within
    each, the longest waiting first; the accepted last, the latest decision first."""
    today = timezone.localdate()
    late = explanation_late_condition(today=today)
    staff_first = [Q(status=ExplanationStatus.ANSWERED), late, Q(status=ExplanationStatus.OPEN)]
    agency_first = [late, Q(status=ExplanationStatus.OPEN), Q(status=ExplanationStatus.ANSWERED)]
    ranks = staff_first if roles.is_committee_staff else agency_first
    requests = explanation_requests_filtered(
        explanation_requests_visible_to(roles=roles), status=status, agency=agency, plan=plan
    )
    if agency_kind:
        requests = requests.filter(agency__kind=agency_kind)
    return requests.annotate(
        rank=Case(
            *(When(q, then=Value(n)) for n, q in enumerate(ranks)),
            default=Value(len(ranks)),
            output_field=IntegerField(),
        ),
        days_late=Case(
            When(late, then=ExpressionWrapper(Value(today) - F("answer_due_on"), output_field=DurationField())),
            default=Value(None),
            output_field=DurationField(),
        ),
        answered_since=Case(When(status=ExplanationStatus.ANSWERED, then=F("answered_at"))),
        open_until=Case(When(status=ExplanationStatus.OPEN, then=F("answer_due_on"))),
    ).order_by(
        "rank",
        F("answered_since").asc(nulls_last=True),
        F("open_until").asc(nulls_last=True),
        F("decided_at").desc(nulls_last=True),
        "pk",
    )


def explanation_request_counts(
    *,
    roles: UserRoles,
    plan: Plan | None = None,
    agency: Agency | None = None,
    agency_kind: str = "",
    today: date | None = None,
) -> dict[str, int]:
    """How many of the requests this user sees are open (not yet late), answered (waiting
    for review), late (open past the answer date) and accepted, in one query; narrowed to
    the requests listing work of `plan` and to those asked of `agency` or of agencies of
    `agency_kind`."""
    today = today or timezone.localdate()
    late = explanation_late_condition(today=today)
    requests = ExplanationRequest.objects.all()
    if not roles.is_committee_staff:
        requests = requests.filter(agency_id__in=roles.agency_ids)
    if agency is not None:
        requests = requests.filter(agency=agency)
    if agency_kind:
        requests = requests.filter(agency__kind=agency_kind)
    if plan is not None:
        requests = requests.filter(
            Exists(ExplanationItem.objects.filter(request=OuterRef("pk"), assignment__task__plan=plan))
        )
    return requests.aggregate(
        **{
            ExplanationStatus.OPEN.value: Count("pk", filter=Q(status=ExplanationStatus.OPEN) & ~late),
            ExplanationStatus.ANSWERED.value: Count("pk", filter=Q(status=ExplanationStatus.ANSWERED)),
            EXPLANATION_LATE: Count("pk", filter=late),
            ExplanationStatus.ACCEPTED.value: Count("pk", filter=Q(status=ExplanationStatus.ACCEPTED)),
        }
    )


def assignments_under_explanation(*, assignment_ids: Iterable[int]) -> set[int]:
    """Those of these assignments that a request not yet accepted lists: one at a time."""
    return set(
        ExplanationItem.objects.filter(assignment_id__in=list(assignment_ids))
        .exclude(request__status=ExplanationStatus.ACCEPTED)
        .values_list("assignment_id", flat=True)
    )


def explanations_awaiting_review_count() -> int:
    """How many answers wait for committee staff's review (the header's badge)."""
    return ExplanationRequest.objects.filter(status=ExplanationStatus.ANSWERED).count()


def explanations_awaiting_answer_count(*, agency_ids: Iterable[int]) -> int:
    """How many requests wait for these agencies' answer, late ones included (the badge a
    focal point sees)."""
    return ExplanationRequest.objects.filter(agency_id__in=agency_ids, status=ExplanationStatus.OPEN).count()


def obstacles_in_full() -> QuerySet[Obstacle]:
    """Obstacles with what a list or a page shows of each: the task, its plan, the agency
    that raised it, the addressee, the people of each step and the steps (oldest first),
    and `age` (how long since it was raised); oldest first. A fixed number of queries
    whatever the rows."""
    return (
        Obstacle.objects.select_related(
            "assignment__task__plan", "assignment__agency", "addressee", "raised_by", "answered_by", "resolved_by"
        )
        .prefetch_related(Prefetch("steps", queryset=ObstacleStep.objects.select_related("actor")))
        .annotate(age=ExpressionWrapper(Value(timezone.now()) - F("raised_at"), output_field=DurationField()))
        .order_by("raised_at", "pk")
    )


def obstacles_visible_to(*, roles: UserRoles) -> QuerySet[Obstacle]:
    """Committee staff see every item; an agency's focal points and leaders the items
    raised on their agency's work and the items addressed to their agency (to answer)."""
    obstacles = obstacles_in_full()
    if roles.is_committee_staff:
        return obstacles
    return obstacles.filter(Q(assignment__agency_id__in=roles.agency_ids) | Q(addressee_id__in=roles.agency_ids))


# The status filter of the items not yet closed: open or answered.
OBSTACLES_UNFINISHED = "unfinished"


def obstacles_of_side(obstacles: QuerySet[Obstacle], *, roles: UserRoles, addressed: bool) -> QuerySet[Obstacle]:
    """Of an agency's people's items, those addressed to their agencies (`addressed`: theirs
    to answer) or those raised on their agencies' work."""
    if addressed:
        return obstacles.filter(addressee_id__in=roles.agency_ids)
    return obstacles.filter(assignment__agency_id__in=roles.agency_ids)


def obstacles_filtered(
    obstacles: QuerySet[Obstacle],
    *,
    status: str = "",
    kind: str = "",
    addressee: str = "",
    agency: str = "",
    plan: str = "",
) -> QuerySet[Obstacle]:
    """`status` is a stored status or "unfinished"; `addressee` is an agency's code or
    "committee"; `agency` (the agency that raised the item) and `plan` are codes."""
    if status == OBSTACLES_UNFINISHED:
        obstacles = obstacles.filter(status__in=OBSTACLE_UNFINISHED)
    elif status:
        obstacles = obstacles.filter(status=status)
    if kind:
        obstacles = obstacles.filter(kind=kind)
    if addressee == COMMITTEE_ADDRESSEE:
        obstacles = obstacles.filter(addressee__isnull=True)
    elif addressee:
        obstacles = obstacles.filter(addressee__code=addressee)
    if agency:
        obstacles = obstacles.filter(assignment__agency__code=agency)
    if plan:
        obstacles = obstacles.filter(assignment__task__plan__code=plan)
    return obstacles


def obstacles_by_addressee(obstacles: QuerySet[Obstacle]) -> QuerySet[Obstacle]:
    """Grouped by addressee (the committee first, then agencies by name), oldest first in each."""
    return obstacles.order_by(F("addressee__name").asc(nulls_first=True), "addressee_id", "raised_at", "pk")
