"""Reads of issued reports: who sees which, the report a new one is compared with, what
changed since it, and what changed since a report was issued."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from agencies.selectors import UserRoles
from reports.content import report_content
from reports.models import Report
from reports.periods import CALENDAR_KINDS, CUT_OFF_DAY, PeriodKind, ReportPeriod, periods_of
from tasks_app.models import OPEN_STATUSES, Assignment, Plan

# The figures a report compares with the previous report of its kind, by their path in the content.
SPLIT_FIGURES = (
    "total",
    "done",
    "done_on_time",
    "done_late",
    "not_done_in_time",
    "not_done_overdue",
    "cancelled",
    "due",
    "due_done",
    "due_in_period",
    "due_in_period_done",
    "rates.all.percent",
    "rates.due_by_cut_off.percent",
    "rates.due_in_period.percent",
)
HEADLINE_FIGURES = (
    *(f"{part}.{figure}" for part in ("tasks", "assignments") for figure in SPLIT_FIGURES),
    "agencies_with_overdue.central",
    "agencies_with_overdue.provinces",
)

# What the service adds to the content when it freezes it, and live content never has.
CHANGES = "changes"


def reports_visible_to(*, roles: UserRoles) -> QuerySet[Report]:
    """Committee staff see every issued report; an agency's focal points and leaders those
    of the plans their agencies have work in. Each carries `is_latest` (no later version)."""
    newer = Report.objects.filter(
        plan=OuterRef("plan"),
        kind=OuterRef("kind"),
        year=OuterRef("year"),
        number=OuterRef("number"),
        version__gt=OuterRef("version"),
    )
    reports = Report.objects.select_related("plan", "issued_by").annotate(is_latest=~Exists(newer))
    if roles.is_committee_staff:
        return reports
    work = Assignment.objects.filter(task__plan=OuterRef("plan"), agency_id__in=roles.agency_ids)
    return reports.filter(Exists(work))


def plans_reported_to(*, roles: UserRoles) -> QuerySet[Plan]:
    """The plans whose reports this user reads: every plan for committee staff, those their
    agencies have work in for an agency's people."""
    plans = Plan.objects.order_by("-year", "code")
    if roles.is_committee_staff:
        return plans
    return plans.filter(Exists(Assignment.objects.filter(task__plan=OuterRef("pk"), agency_id__in=roles.agency_ids)))


def plans_active(*, on: date) -> QuerySet[Plan]:
    """The plans still reported on: those of this year or later, and older ones while they
    have open work (tasks carried over)."""
    open_work = Assignment.objects.filter(task__plan=OuterRef("pk"), status__in=OPEN_STATUSES)
    return Plan.objects.filter(Q(year__gte=on.year) | Exists(open_work)).order_by("-year", "code")


@dataclass
class ReportRow:
    """One line of the list: a plan's period, with its latest issued version, or none yet (a draft)."""

    plan: Plan
    period: ReportPeriod
    report: Report | None


KIND_ORDER = {kind: position for position, kind in enumerate(PeriodKind.values)}


def report_list(
    *, roles: UserRoles, today: date, plan: str = "", kind: str = "", year: int | None = None
) -> list[ReportRow]:
    """The list of reports, latest cut-off first: the latest version of every issued report
    this user sees and, for committee staff, the periods of the active plans whose cut-off
    has passed (this year's and last year's unless a year is asked for) that are not issued
    yet, as drafts. Two queries, whatever the rows."""
    issued = reports_filtered(reports_visible_to(roles=roles), plan=plan, kind=kind, year=year).filter(is_latest=True)
    by_period = {(r.plan_id, r.kind, r.year, r.number): r for r in issued}
    rows = [ReportRow(plan=r.plan, period=r.period, report=r) for r in by_period.values()]
    if roles.is_committee_staff and kind != PeriodKind.AD_HOC:
        plans = plans_active(on=today)
        if plan:
            plans = plans.filter(code=plan)
        years = [year] if year is not None else [today.year - 1, today.year]
        kinds = [kind] if kind else CALENDAR_KINDS
        for each in plans:
            for period in (p for y in years if y >= each.year for k in kinds for p in periods_of(k, y)):
                if period.end < today and (each.pk, period.kind, period.year, period.number) not in by_period:
                    rows.append(ReportRow(plan=each, period=period, report=None))
    return sorted(rows, key=lambda row: (-row.period.end.toordinal(), row.plan.code, KIND_ORDER[row.period.kind]))


def draft_path(plan: Plan, period: ReportPeriod) -> str:
    """The page of a period's draft (an ad-hoc one's, the form filled with its cut-off)."""
    if period.kind == PeriodKind.AD_HOC:
        return f"{reverse('report_ad_hoc')}?plan={plan.code}&cut_off={period.end.isoformat()}"
    return reverse("report_draft", args=[plan.code, period.kind, period.year, period.number])


def last_cut_off(*, before: date) -> date:
    """The latest cut-off day (the 14th) that has ended by `before`."""
    if before.day > CUT_OFF_DAY:
        return before.replace(day=CUT_OFF_DAY)
    month_before = before.replace(day=1) - timedelta(days=1)
    return month_before.replace(day=CUT_OFF_DAY)


def drafts_ended(*, on: date) -> list[ReportRow]:
    """The periods that ended on the latest cut-off before `on`, for each active plan, that
    are not issued yet: the drafts to announce. Two queries."""
    cut_off = last_cut_off(before=on)
    periods = [p for kind in CALENDAR_KINDS for p in periods_of(kind, cut_off.year) if p.end == cut_off]
    issued = set(
        Report.objects.filter(cut_off=cut_off, kind__in=[p.kind for p in periods]).values_list("plan_id", "kind")
    )
    return [
        ReportRow(plan=plan, period=period, report=None)
        for plan in plans_active(on=on)
        for period in periods
        if period.year >= plan.year and (plan.pk, period.kind) not in issued
    ]


def report_draft_content(*, plan: Plan, period: ReportPeriod) -> dict:
    """A draft's live figures, with their changes since the previous report of its kind, as
    issuing them now would freeze them."""
    content = report_content(plan=plan, period=period)
    return {**content, CHANGES: report_changes(content=content, previous=previous_report(plan=plan, period=period))}


def reports_filtered(reports: QuerySet[Report], *, plan: str = "", kind: str = "", year: int | None = None):
    """`plan` is a plan's code."""
    if plan:
        reports = reports.filter(plan__code=plan)
    if kind:
        reports = reports.filter(kind=kind)
    if year is not None:
        reports = reports.filter(year=year)
    return reports.order_by("-cut_off", "plan__code", "kind", "-version", "-pk")


def report_versions(*, plan: Plan, period: ReportPeriod) -> QuerySet[Report]:
    """The issued versions of a plan's report for a period, the latest first."""
    return Report.objects.filter(plan=plan, kind=period.kind, year=period.year, number=period.number).order_by(
        "-version"
    )


def previous_report(*, plan: Plan, period: ReportPeriod) -> Report | None:
    """The report a new one is compared with: the latest version of the previous period of
    the same kind (December's for January), or for an ad-hoc report the latest ad-hoc one
    with an earlier cut-off. None when that was never issued."""
    before = period.previous()
    if before is not None:
        return report_versions(plan=plan, period=before).first()
    return (
        Report.objects.filter(plan=plan, kind=period.kind, cut_off__lt=period.end)
        .order_by("-cut_off", "-version")
        .first()
    )


def _at(content: dict, path: str):
    """The figure at `path`, or None where a report has none (one issued before it was counted)."""
    for part in path.split("."):
        if not isinstance(content, dict) or part not in content:
            return None
        content = content[part]
    return content


def _change(previous, current):
    return None if previous is None or current is None else round(current - previous, 4)


def report_changes(*, content: dict, previous: Report | None) -> dict:
    """Each headline figure and each agency's rank against the previous report of its kind:
    the figure then, now, and the difference (a rank's change is positive when the agency
    moved up)."""
    if previous is None:
        return {"previous": None, "headline": [], "ranks": []}
    before = previous.figures
    headline = []
    for figure in HEADLINE_FIGURES:
        then, now = _at(before, figure), _at(content, figure)
        headline.append({"figure": figure, "previous": then, "current": now, "change": _change(then, now)})
    ranks_before = {row["agency"]: row["rank"] for row in before["ranking"]["rows"]}
    ranks = [
        {
            "agency": row["agency"],
            "previous": ranks_before.get(row["agency"]),
            "current": row["rank"],
            "change": None if row["agency"] not in ranks_before else ranks_before[row["agency"]] - row["rank"],
        }
        for row in content["ranking"]["rows"]
    ]
    return {
        "previous": {
            "id": previous.pk,
            "version": previous.version,
            "start": previous.start.isoformat(),
            "cut_off": previous.cut_off.isoformat(),
        },
        "headline": headline,
        "ranks": ranks,
    }


def _row_key(row) -> str:
    """What tells a row of a table from the others: its request, its assignment, its agency or its region."""
    if isinstance(row, dict):
        for key in ("id", "assignment", "agency", "region"):
            if key in row:
                value = row[key]
                return str(value["code"] if isinstance(value, dict) else value)
    return "?"


def _figures(value, path: str = ""):
    """Every figure of a content by its path ("tasks.done", "agencies.central[M1].done");
    the words around the figures (titles, reasons) are not figures."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _figures(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for item in value:
            yield from _figures(item, f"{path}[{_row_key(item)}]")
    elif value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        yield path, value


def figure_differences(*, issued: dict, now: dict) -> list[dict]:
    """The figures of a frozen report's content that differ from `now`, each as issued and as
    it stands; a figure that appeared or went is None on the other side. A section the
    report did not have when it was issued (one counted since) is no change, nor is an
    empty figure that went (an empty column now given as a list)."""
    before = dict(_figures({key: value for key, value in issued.items() if key != CHANGES}))
    after = dict(_figures({key: value for key, value in now.items() if key in issued}))
    return [
        {"figure": figure, "issued": before.get(figure), "now": after.get(figure)}
        for figure in sorted(before.keys() | after.keys())
        if before.get(figure) != after.get(figure) or (figure in before) != (figure in after)
        if not (before.get(figure) is None and figure not in after)
    ]


def report_differences(*, report: Report) -> list[dict]:
    """The figures that changed since the report was issued (history recorded later but dated
    on or before its cut-off): empty while the report still holds."""
    return figure_differences(issued=report.figures, now=report_content(plan=report.plan, period=report.period))
