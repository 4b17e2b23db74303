"""What a periodic report says: a plan's figures as they stood at the end of its cut-off
day, in the Government Office's shape (Báo cáo 1270/BC-TCTTTg): "đã hoàn thành (đúng hạn
/ quá hạn); chưa hoàn thành (trong hạn / quá hạn)", for the tasks, for the assignments and
for each agency; every rate with the figure it divides by; the agencies holding overdue
work; the overdue assignments with their explanations and open obstacles; the explanation
requests as they stood; the difficulties and proposals still open, by addressee; the
extension requests decided in the period; and a ranking of the agencies by the rule in
settings.

The figures come from the dashboards' own selectors (plan_summary, agency_breakdown, the
"as of" selectors), so a report and the dashboard of its cut-off agree. The result is
plain JSON (dates as ISO strings), so that figures frozen when a report is issued compare
equal to the same figures computed again.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import AgencyKind, Region
from agencies.selectors import UserRoles
from reports.periods import ReportPeriod
from tasks_app.dashboards import agency_breakdown, plan_summary, with_agencies
from tasks_app.models import (
    COMMITTEE_ADDRESSEE,
    COMMITTEE_ADDRESSEE_LABEL,
    OPEN_STATUSES,
    Assignment,
    AssignmentRole,
    ExplanationItem,
    ExplanationRequest,
    ExplanationStatus,
    ExplanationStep,
    ExplanationStepKind,
    ExtensionRequest,
    ExtensionStatus,
    Obstacle,
    ObstacleStatus,
    ObstacleStep,
    ObstacleStepKind,
    Plan,
    Status,
    Task,
    Timeliness,
)
from tasks_app.selectors import (
    EXPLANATION_LATE,
    assignments_as_of,
    explanation_late_condition,
    obstacles_by_addressee,
    overdue_list,
    tasks_as_of,
    with_state_relations,
)
from tasks_app.timeliness import end_of_day

# A report counts the whole plan, whoever reads it.
WHOLE_PLAN = UserRoles(
    user_id=None, is_committee_staff=True, focal_point_agency_ids=frozenset(), leader_agency_ids=frozenset()
)

# What a rate divides by; official reports use all three, so each rate says which.
RATE_BASES = ("all", "due_by_cut_off", "due_in_period")
# The ranking counts these, over the assignments due by the cut-off.
RANKED_CLASSES = ("done_on_time", "done_late", "on_track", "overdue")


def _rate(done: int, of: int) -> dict:
    return {"done": done, "of": of, "percent": round(done * 100 / of, 1) if of else None}


def _rates(figures: dict) -> dict:
    """Done out of each basis: all (not cancelled), due by the cut-off, due within the period."""
    return {
        "all": _rate(figures["done"], figures["total"]),
        "due_by_cut_off": _rate(figures["due_done"], figures["due"]),
        "due_in_period": _rate(figures["due_in_period_done"], figures["due_in_period"]),
    }


def _four_way(*, total: int, done: int, done_late: int, not_done: int, overdue: int, cancelled: int, **due) -> dict:
    """The Government Office's split, with the due counts and the rates over each basis."""
    figures = {
        "total": total,
        "done": done,
        "done_on_time": done - done_late,
        "done_late": done_late,
        "not_done": not_done,
        "not_done_in_time": not_done - overdue,
        "not_done_overdue": overdue,
        "cancelled": cancelled,
        **due,
    }
    return {**figures, "rates": _rates(figures)}


def _task_figures(*, plan: Plan, period: ReportPeriod, summary: dict) -> dict:
    """Tasks total, due and done as plan_summary counts them; the split of the done ones
    (late when one of its lead agencies finished after its deadline) and of the others
    (overdue when one of its lead agencies was past its deadline that day), in one query.
    The total is every task of the plan, as the dashboard and official reports give it
    ("43/229"); a task whose every lead assignment was cancelled is in it, but counted
    apart, neither done nor not done."""
    cut_off = period.end
    leads = assignments_as_of(
        as_of=cut_off, queryset=Assignment.objects.filter(task=OuterRef("pk"), role=AssignmentRole.LEAD)
    )
    tasks = tasks_as_of(as_of=cut_off, queryset=Task.objects.filter(plan=plan)).annotate(
        any_lead=Exists(leads),
        any_open=Exists(leads.filter(state_status__in=OPEN_STATUSES)),
        any_late=Exists(leads.filter(timeliness=Timeliness.DONE_LATE)),
        any_overdue=Exists(leads.filter(timeliness=Timeliness.OVERDUE)),
    )
    done, due = Q(is_done=True), Q(due_on__lte=cut_off)
    in_period = Q(due_on__range=(period.start, cut_off))
    counts = tasks.aggregate(
        done_late=Count("pk", filter=done & Q(any_late=True)),
        overdue=Count("pk", filter=~done & Q(any_overdue=True)),
        cancelled=Count("pk", filter=~done & Q(any_lead=True, any_open=False)),
        due_done=Count("pk", filter=due & done),
        due_in_period=Count("pk", filter=in_period),
        due_in_period_done=Count("pk", filter=in_period & done),
    )
    given = summary["tasks"]
    return _four_way(
        total=given["total"],
        done=given["done"],
        not_done=given["total"] - given["done"] - counts["cancelled"],
        due=given["due"],
        **counts,
    )


def _due_by_agency(*, plan: Plan, period: ReportPeriod) -> dict[int, dict]:
    """Per agency that held them on the cut-off: its assignments (not cancelled) due by
    the cut-off and within the period, how many of each were done, and how many of those
    due were done on time, in one query."""
    cut_off = period.end
    live = ~Q(state_status=Status.CANCELLED)
    due, in_period = live & Q(state_due_on__lte=cut_off), live & Q(state_due_on__range=(period.start, cut_off))
    done = Q(state_status=Status.DONE)
    rows = (
        assignments_as_of(as_of=cut_off, queryset=Assignment.objects.filter(task__plan=plan))
        .values("state_agency_id")
        .annotate(
            due=Count("pk", filter=due),
            due_done=Count("pk", filter=due & done),
            due_done_on_time=Count("pk", filter=due & Q(timeliness=Timeliness.DONE_ON_TIME)),
            due_in_period=Count("pk", filter=in_period),
            due_in_period_done=Count("pk", filter=in_period & done),
        )
        .order_by()
    )
    return {row.pop("state_agency_id"): row for row in rows}


NO_DUE = {"due": 0, "due_done": 0, "due_done_on_time": 0, "due_in_period": 0, "due_in_period_done": 0}


def _agency_rows(*, plan: Plan, period: ReportPeriod) -> list[dict]:
    """Each agency's split as agency_breakdown counts it (its total leaves cancelled work
    out, as the rate it divides), with its due counts, by code."""
    due_by_agency = _due_by_agency(plan=plan, period=period)
    rows = []
    for row in with_agencies(agency_breakdown(roles=WHOLE_PLAN, as_of=period.end, plan=plan)):
        agency = row["agency"]
        due = due_by_agency.get(agency.pk, NO_DUE)
        figures = _four_way(
            total=row["total"],
            done=row["done"],
            not_done=row["total"] - row["done"],
            done_late=row["done_late"],
            overdue=row["overdue"],
            cancelled=row["cancelled"],
            **{key: value for key, value in due.items() if key != "due_done_on_time"},
        )
        rows.append(
            {
                "agency": {
                    "code": agency.code,
                    "name": agency.name,
                    "short_name": agency.short_name,
                    "kind": agency.kind,
                    "region": agency.region,
                },
                **figures,
                "due_done_on_time": due["due_done_on_time"],
            }
        )
    return sorted(rows, key=lambda row: row["agency"]["code"])


def _sum(rows: list[dict], key: str) -> int:
    return sum(row[key] for row in rows)


def _assignment_figures(*, summary: dict, agency_rows: list[dict]) -> dict:
    """The plan's assignments as plan_summary counts them (cancelled work apart, as in the
    agency tables), due counts summed over the agencies."""
    by_status, by_timeliness = summary["assignments"]["by_status"], summary["assignments"]["by_timeliness"]
    cancelled = by_status[Status.CANCELLED]
    total = summary["assignments"]["total"] - cancelled
    return {
        **_four_way(
            total=total,
            done=by_status[Status.DONE],
            not_done=total - by_status[Status.DONE],
            done_late=by_timeliness[Timeliness.DONE_LATE],
            overdue=by_timeliness[Timeliness.OVERDUE],
            cancelled=cancelled,
            **{key: _sum(agency_rows, key) for key in NO_DUE if key != "due_done_on_time"},
        ),
        "no_deadline": by_timeliness[Timeliness.NO_DEADLINE],
    }


def _agency_tables(agency_rows: list[dict]) -> dict:
    """Ministries, central agencies and enterprises in one table; provinces by region."""
    provinces = [row for row in agency_rows if row["agency"]["kind"] == AgencyKind.PROVINCE]
    return {
        "central": [row for row in agency_rows if row["agency"]["kind"] != AgencyKind.PROVINCE],
        "provinces_by_region": [
            {"region": region, "rows": rows}
            for region in Region.values
            if (rows := [row for row in provinces if row["agency"]["region"] == region])
        ],
    }


def _agencies_with_overdue(agency_rows: list[dict]) -> dict:
    """How many agencies hold overdue work: "22 bộ, cơ quan và 16 địa phương"."""
    holding = [row["agency"]["kind"] for row in agency_rows if row["not_done_overdue"]]
    provinces = holding.count(AgencyKind.PROVINCE)
    return {
        "total": len(holding),
        "central": len(holding) - provinces,
        "provinces": provinces,
        "by_kind": {kind: holding.count(kind) for kind in AgencyKind.values if kind in holding},
    }


def ranking_rule() -> dict:
    """The rule in settings, as a report states it."""
    return {
        "weights": {key: settings.TRACKER_REPORT_RANKING[key] for key in RANKED_CLASSES},
        "basis": "due_by_cut_off",
        "tie_break": "fewer_overdue",
    }


def _ranking(agency_rows: list[dict], rule: dict) -> list[dict]:
    """Agencies with work due by the cut-off, best score first, fewer overdue first on the
    same score; equal on both, they share a rank (1, 2, 2, 4)."""
    weights = rule["weights"]
    scored = []
    for row in agency_rows:
        if not row["due"]:
            continue
        counts = {
            "done_on_time": row["due_done_on_time"],
            "done_late": row["done_late"],
            "overdue": row["not_done_overdue"],
        }
        counts["on_track"] = row["due"] - row["due_done"] - counts["overdue"]
        score = sum(weights[key] * counts[key] for key in RANKED_CLASSES) / row["due"]
        scored.append({"agency": row["agency"]["code"], "score": round(score, 4), "due": row["due"], **counts})
    scored.sort(key=lambda row: (-row["score"], row["overdue"], row["agency"]))
    ranked, previous = [], None
    for position, row in enumerate(scored, start=1):
        key = (row["score"], row["overdue"])
        rank = ranked[-1]["rank"] if key == previous else position
        ranked.append({"rank": rank, **row})
        previous = key
    return ranked


def _explanations(*, plan: Plan, cut_off: date) -> dict[int, dict]:
    """Each assignment's latest explanation given by the end of the cut-off day. A request
    asked again is answered over its earlier answer, so an answer given after the cut-off
    hides the one before it."""
    items = (
        ExplanationItem.objects.filter(assignment__task__plan=plan, answered_at__lt=end_of_day(cut_off))
        .order_by("assignment_id", "answered_at", "pk")
        .values("assignment_id", "reason_kind", "reason", "difficulties", "committed_on", "answered_at")
    )
    return {
        item["assignment_id"]: {
            "reason_kind": item["reason_kind"],
            "reason": item["reason"],
            "difficulties": item["difficulties"],
            "committed_on": _iso(item["committed_on"]),
            "answered_on": _iso(item["answered_at"].date()),
        }
        for item in items
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _overdue(*, plan: Plan, cut_off: date, obstacles: list[dict]) -> dict:
    """Open work past its deadline on the cut-off, most overdue first, as the dashboard's
    overdue list gives it, with the explanation each agency gave by then and the obstacles
    still open on it that day."""
    assignments = with_state_relations(overdue_list(roles=WHOLE_PLAN, as_of=cut_off).filter(task__plan=plan))
    explanations = _explanations(plan=plan, cut_off=cut_off)
    obstacles_on = {}
    for obstacle in obstacles:
        obstacles_on.setdefault(obstacle["assignment"], []).append(
            {key: obstacle[key] for key in ("id", "kind", "text", "status", "addressee")}
        )
    return {
        "rows": [
            {
                "assignment": assignment.pk,
                "task": {"number": assignment.task.number, "title": assignment.task.title},
                "agency": assignment.state_agency.code,
                "agency_name": assignment.state_agency.name,
                "role": assignment.role,
                "due_on": _iso(assignment.state_due_on),
                "days_overdue": assignment.days_overdue.days,
                "progress": assignment.state_progress,
                "explanation": explanations.get(assignment.pk),
                "obstacles": obstacles_on.get(assignment.pk, []),
            }
            for assignment in assignments
        ],
    }


# How each step leaves a request: asked again, it waits for an answer as when first asked.
EXPLANATION_STATE_AFTER = {
    ExplanationStepKind.REQUESTED: ExplanationStatus.OPEN,
    ExplanationStepKind.ASKED_AGAIN: ExplanationStatus.OPEN,
    ExplanationStepKind.ANSWERED: ExplanationStatus.ANSWERED,
    ExplanationStepKind.ACCEPTED: ExplanationStatus.ACCEPTED,
}


def _explanation_requests(*, plan: Plan, cut_off: date) -> dict:
    """The requests listing the plan's work as they stood at the end of the cut-off day,
    from their steps: open (within the answer date), answered (waiting for review), late
    (open past the answer date set by then) and accepted, as the dashboard counts them
    today; "chưa giải trình" is the open and the late ones. One query."""
    steps = ExplanationStep.objects.filter(request=OuterRef("pk"), occurred_at__lt=end_of_day(cut_off)).order_by(
        "-occurred_at", "-pk"
    )
    requests = (
        ExplanationRequest.objects.filter(
            Exists(ExplanationItem.objects.filter(request=OuterRef("pk"), assignment__task__plan=plan)),
            Exists(steps),
        )
        .annotate(
            state_kind=Subquery(steps.values("kind")[:1]),
            state_answer_due_on=Subquery(steps.filter(answer_due_on__isnull=False).values("answer_due_on")[:1]),
        )
        .annotate(
            state_status=Case(
                *(When(state_kind=kind, then=Value(status)) for kind, status in EXPLANATION_STATE_AFTER.items()),
                output_field=CharField(),
            )
        )
    )
    late = explanation_late_condition(today=cut_off, prefix="state_")
    counts = requests.aggregate(
        **{
            ExplanationStatus.OPEN.value: Count("pk", filter=Q(state_status=ExplanationStatus.OPEN) & ~late),
            ExplanationStatus.ANSWERED.value: Count("pk", filter=Q(state_status=ExplanationStatus.ANSWERED)),
            EXPLANATION_LATE: Count("pk", filter=late),
            ExplanationStatus.ACCEPTED.value: Count("pk", filter=Q(state_status=ExplanationStatus.ACCEPTED)),
        }
    )
    return {**counts, "not_explained": counts[ExplanationStatus.OPEN.value] + counts[EXPLANATION_LATE]}


def _obstacles_open(*, plan: Plan, cut_off: date) -> list[dict]:
    """The difficulties, obstacles and proposals raised on the plan's work that were still
    open at the end of the cut-off day (recorded by then, neither resolved nor declined by
    then), from their steps, each with the answer given by then; by addressee (the
    committee first), oldest first. One query."""
    steps = ObstacleStep.objects.filter(obstacle=OuterRef("pk"), occurred_at__lt=end_of_day(cut_off))
    answers = steps.filter(kind=ObstacleStepKind.ANSWERED).order_by("-occurred_at", "-pk")
    obstacles = (
        Obstacle.objects.filter(assignment__task__plan=plan)
        .filter(Exists(steps.filter(kind=ObstacleStepKind.RECORDED)))
        .exclude(Exists(steps.filter(kind__in=[ObstacleStepKind.RESOLVED, ObstacleStepKind.DECLINED])))
        .annotate(answer_then=Subquery(answers.values("note")[:1]))
        .select_related("assignment__task", "assignment__agency", "addressee")
    )
    return [
        {
            "id": obstacle.pk,
            "assignment": obstacle.assignment_id,
            "task": {"number": obstacle.assignment.task.number, "title": obstacle.assignment.task.title},
            "agency": obstacle.assignment.agency.code,
            "agency_name": obstacle.assignment.agency.name,
            "kind": obstacle.kind,
            "text": obstacle.text,
            "raised_on": _iso(timezone.localdate(obstacle.raised_at)),
            "status": ObstacleStatus.OPEN if obstacle.answer_then is None else ObstacleStatus.ANSWERED,
            "answer": obstacle.answer_then or "",
            "addressee": obstacle.addressee.code if obstacle.addressee_id else COMMITTEE_ADDRESSEE,
            "addressee_name": obstacle.addressee.name if obstacle.addressee_id else str(COMMITTEE_ADDRESSEE_LABEL),
        }
        for obstacle in obstacles_by_addressee(obstacles)
    ]


def _obstacles_by_addressee(obstacles: list[dict]) -> dict:
    """The open items grouped by the addressee that can resolve them, in the order given."""
    groups: list[dict] = []
    for obstacle in obstacles:
        if not groups or groups[-1]["addressee"]["code"] != obstacle["addressee"]:
            groups.append(
                {"addressee": {"code": obstacle["addressee"], "name": obstacle["addressee_name"]}, "rows": []}
            )
        groups[-1]["rows"].append(
            {key: value for key, value in obstacle.items() if key not in ("addressee", "addressee_name")}
        )
    statuses = [obstacle["status"] for obstacle in obstacles]
    return {
        "total": len(obstacles),
        "open": statuses.count(ObstacleStatus.OPEN),
        "answered": statuses.count(ObstacleStatus.ANSWERED),
        "by_addressee": groups,
    }


def _extensions_decided(*, plan: Plan, period: ReportPeriod) -> dict:
    """Extension requests on the plan's work decided within the period, in the order decided."""
    requests = (
        ExtensionRequest.objects.filter(
            assignment__task__plan=plan,
            decided_at__gte=end_of_day(period.start - timedelta(days=1)),
            decided_at__lt=end_of_day(period.end),
        )
        .exclude(status=ExtensionStatus.PENDING)
        .select_related("assignment__task", "assignment__agency")
        .order_by("decided_at", "pk")
    )
    rows = [
        {
            "id": request.pk,
            "assignment": request.assignment_id,
            "task": {"number": request.assignment.task.number, "title": request.assignment.task.title},
            "agency": request.assignment.agency.code,
            "kind": request.kind,
            "requested_due_on": _iso(request.requested_due_on),
            "status": request.status,
            "decided_on": _iso(request.decided_at.date()),
        }
        for request in requests
    ]
    statuses = [row["status"] for row in rows]
    return {
        "approved": statuses.count(ExtensionStatus.APPROVED),
        "rejected": statuses.count(ExtensionStatus.REJECTED),
        "rows": rows,
    }


def report_content(*, plan: Plan, period: ReportPeriod) -> dict:
    """A plan's report for a period, as its figures stood at the end of the cut-off day.
    A fixed number of queries, whatever the number of agencies and assignments."""
    summary = plan_summary(plan=plan, roles=WHOLE_PLAN, as_of=period.end)
    agency_rows = _agency_rows(plan=plan, period=period)
    obstacles = _obstacles_open(plan=plan, cut_off=period.end)
    rule = ranking_rule()
    return {
        "plan": {"code": plan.code, "title": plan.title, "year": plan.year},
        "period": {
            "kind": period.kind,
            "year": period.year,
            "number": period.number,
            "start": period.start.isoformat(),
            "cut_off": period.end.isoformat(),
        },
        "tasks": _task_figures(plan=plan, period=period, summary=summary),
        "assignments": _assignment_figures(summary=summary, agency_rows=agency_rows),
        "agencies": _agency_tables(agency_rows),
        "agencies_with_overdue": _agencies_with_overdue(agency_rows),
        "overdue": _overdue(plan=plan, cut_off=period.end, obstacles=obstacles),
        "explanation_requests": _explanation_requests(plan=plan, cut_off=period.end),
        "obstacles": _obstacles_by_addressee(obstacles),
        "extension_requests": _extensions_decided(plan=plan, period=period),
        "ranking": {"rule": rule, "rows": _ranking(agency_rows, rule)},
    }


def ranking_rule_text(rule: dict) -> str:
    """The ranking rule in words, as a report states it."""
    weights = {key: f"{value:g}".replace(".", ",") for key, value in rule["weights"].items()}
    return (
        _(
            "Điểm của mỗi cơ quan = (%(done_on_time)s × số phân công hoàn thành đúng hạn "
            "+ %(done_late)s × số hoàn thành quá hạn + %(on_track)s × số chưa hoàn thành, còn trong hạn "
            "+ %(overdue)s × số quá hạn) / số phân công đến hạn đến ngày tính số liệu; "
            "cùng điểm, cơ quan ít phân công quá hạn hơn xếp trên."
        )
        % weights
    )
