"""The reports' pages. The list shows every plan's periods whose cut-off has passed, each
issued or, for committee staff, a draft; a draft shows the live figures and lets staff
issue it (chốt số liệu); an issued report shows its frozen figures, what changed since it
was issued, its downloads and, for staff, "new version". An agency's people see the issued
reports of their plans, their own agencies' rows marked.

A refusal (already issued: 409, cut-off not ended: 400, not staff: 403) comes back on the
page it was asked from, in words; only a success redirects, to the issued report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import Agency, Region
from agencies.selectors import user_roles
from core.errors import DomainError, InvalidInput
from reports.content import ranking_rule_text
from reports.forms import AdHocReportForm, ReportListForm
from reports.labels import figure_label
from reports.models import Report
from reports.periods import CALENDAR_KINDS, PeriodKind, report_period
from reports.selectors import (
    CHANGES,
    draft_path,
    plans_reported_to,
    report_differences,
    report_draft_content,
    report_list,
    report_versions,
    reports_visible_to,
)
from reports.services import report_issue, report_new_version
from tasks_app.models import ObstacleKind, ObstacleStatus, Plan, ReasonKind
from tasks_app.views.acts import error_summary

# The documents of an issued report, served by the API (reports.api).
DOCUMENT_FORMATS = (
    ("docx", gettext_lazy("Báo cáo (DOCX, sửa được bằng Word)")),
    ("xlsx", gettext_lazy("Phụ lục số liệu (XLSX)")),
    ("pdf", gettext_lazy("Bản để phát hành (PDF)")),
)


def _reader_roles(request):
    roles = user_roles(request.user)
    if not roles.is_committee_staff and not roles.agency_ids:
        raise PermissionDenied(
            _("Báo cáo định kỳ dành cho Tổ giúp việc và cho đầu mối, lãnh đạo của các cơ quan được giao nhiệm vụ.")
        )
    return roles


def _staff_roles(request):
    roles = user_roles(request.user)
    if not roles.is_committee_staff:
        raise PermissionDenied(
            _("Dự thảo báo cáo chỉ dành cho Tổ giúp việc; báo cáo đã chốt số liệu có trong danh sách.")
        )
    return roles


@login_required
def report_list_page(request):
    roles = _reader_roles(request)
    plans = list(plans_reported_to(roles=roles))
    form = ReportListForm(request.GET, plans=plans)
    if not form.is_valid():
        return render(request, "reports/list.html", {"form": form, "rows": []}, status=400)
    data = form.cleaned_data
    rows = report_list(roles=roles, today=timezone.localdate(), plan=data["plan"], kind=data["kind"], year=data["year"])
    for row in rows:
        row.url = reverse("report_detail", args=[row.report.pk]) if row.report else draft_path(row.plan, row.period)
        row.kind_label = PeriodKind(row.period.kind).label
    context = {"form": form, "rows": rows, "is_staff": roles.is_committee_staff}
    return render(request, "reports/list.html", context)


def _labelled(rows: list[dict]) -> list[dict]:
    return [{**row, "label": figure_label(row["figure"])} for row in rows]


def _page_context(*, figures: dict, plan: Plan, period, roles) -> dict:
    """What the tables of a report need beside its figures: the agencies' names, the viewer's
    own agencies to mark, the rule in words and the labels of the kinds and statuses."""
    agency_rows = [*figures["agencies"]["central"]]
    agency_rows += [row for region in figures["agencies"]["provinces_by_region"] for row in region["rows"]]
    names = {row["agency"]["code"]: row["agency"]["name"] for row in agency_rows}
    own = set()
    if roles.agency_ids and not roles.is_committee_staff:
        own = set(Agency.objects.filter(pk__in=roles.agency_ids).values_list("code", flat=True))
    changes = figures.get(CHANGES) or {"previous": None, "headline": [], "ranks": []}
    return {
        "figures": figures,
        "plan": plan,
        "period": period,
        "own_agencies": own,
        "agency_names": names,
        "ranking_rule": ranking_rule_text(figures["ranking"]["rule"]),
        "changes": {**changes, "headline": _labelled(changes["headline"])},
        "rank_changes": {row["agency"]: row["change"] for row in changes["ranks"]},
        "region_labels": dict(Region.choices),
        "reason_labels": dict(ReasonKind.choices),
        "obstacle_kinds": dict(ObstacleKind.choices),
        "obstacle_statuses": dict(ObstacleStatus.choices),
        "kind_label": PeriodKind(period.kind).label,
    }


def _report_page(request, report: Report, roles, *, errors=(), status=200):
    differences = report_differences(report=report)
    latest = report.is_latest
    context = _page_context(figures=report.figures, plan=report.plan, period=report.period, roles=roles)
    context |= {
        "report": report,
        "differences": _labelled(differences),
        "versions": report_versions(plan=report.plan, period=report.period).select_related("issued_by"),
        "downloads": [
            {"label": label, "url": f"/api/v1/reports/{report.pk}/document/?format={code}"}
            for code, label in DOCUMENT_FORMATS
        ],
        "can_issue_again": roles.is_committee_staff and latest and bool(differences),
        "errors": list(errors),
    }
    return render(request, "reports/report.html", context, status=status)


def _visible(roles, pk) -> Report:
    return get_object_or_404(reports_visible_to(roles=roles), pk=pk)


@login_required
def report_detail(request, pk):
    roles = _reader_roles(request)
    return _report_page(request, _visible(roles, pk), roles)


@login_required
@require_POST
def report_new_version_page(request, pk):
    roles = _reader_roles(request)
    report = _visible(roles, pk)
    try:
        issued = report_new_version(report=report, actor=request.user)
    except DomainError as refusal:
        return _report_page(request, report, roles, errors=[{"message": refusal.message}], status=refusal.status_code)
    messages.success(request, _("Đã chốt số liệu phiên bản %(version)d.") % {"version": issued.version})
    return redirect("report_detail", pk=issued.pk)


def _draft_page(request, *, plan: Plan, period, roles, form=None, errors=(), status=200):
    issued = report_versions(plan=plan, period=period).first()
    context = _page_context(
        figures=report_draft_content(plan=plan, period=period), plan=plan, period=period, roles=roles
    )
    context |= {
        "draft": True,
        "form": form,
        "issued": issued,
        "ended": period.end < timezone.localdate(),
        "errors": list(errors),
        "action": request.get_full_path(),
    }
    return render(request, "reports/report.html", context, status=status)


def _issue(request, *, plan: Plan, period, roles, form=None):
    """Issue the draft; a refusal is shown on the draft, the issued report otherwise."""
    try:
        report = report_issue(plan=plan, period=period, actor=request.user)
    except DomainError as refusal:
        if form is not None:
            refusal.show_on(form)
            errors = error_summary(form)
        else:
            errors = [{"message": refusal.message}]
        return _draft_page(
            request, plan=plan, period=period, roles=roles, form=form, errors=errors, status=refusal.status_code
        )
    done = _("%(plan)s · %(period)s: đã chốt số liệu và ban hành.")
    messages.success(request, done % {"plan": plan.code, "period": period.label})
    return redirect("report_detail", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_draft(request, plan, kind, year, number):
    """A calendar period's draft; posted, it is issued."""
    roles = _staff_roles(request)
    plan = get_object_or_404(Plan, code=plan)
    if kind not in CALENDAR_KINDS:
        raise Http404
    try:
        period = report_period(kind=kind, year=year, number=number)
    except InvalidInput as refusal:
        raise Http404 from refusal
    if request.method == "POST":
        return _issue(request, plan=plan, period=period, roles=roles)
    return _draft_page(request, plan=plan, period=period, roles=roles)


@login_required
@require_http_methods(["GET", "POST"])
def report_ad_hoc(request):
    """An ad-hoc report: the form asks for a plan and a cut-off; once given, the draft is
    shown under it, and posted, it is issued."""
    roles = _staff_roles(request)
    plans = list(Plan.objects.order_by("-year", "code"))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = AdHocReportForm(data, plans=plans)
    if data is None:
        return render(request, "reports/ad_hoc.html", {"form": form})
    if not form.is_valid():
        return render(request, "reports/ad_hoc.html", {"form": form, "errors": error_summary(form)}, status=400)
    plan = next(plan for plan in plans if plan.code == form.cleaned_data["plan"])
    try:
        period = report_period(kind=PeriodKind.AD_HOC, cut_off=form.cleaned_data["cut_off"])
    except InvalidInput as refusal:
        refusal.show_on(form)
        return render(request, "reports/ad_hoc.html", {"form": form, "errors": error_summary(form)}, status=400)
    if request.method == "POST":
        return _issue(request, plan=plan, period=period, roles=roles, form=form)
    return _draft_page(request, plan=plan, period=period, roles=roles, form=form)
