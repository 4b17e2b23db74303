"""The committee's dashboard page: a plan's figures as of a day, per agency, overdue work
and progress over the year. The view parses the query, calls the same selectors as the
API's dashboard endpoints (so page and API cannot disagree) and renders."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from agencies.models import Agency, AgencyKind, Region
from agencies.selectors import user_roles
from core.errors import DomainError
from core.paging import page_link_prefix
from tasks_app import charts
from tasks_app.api.filters import OverdueFilter
from tasks_app.dashboards import (
    AGENCY_BREAKDOWN_ORDERING,
    agency_breakdown,
    own_completion,
    plan_summary,
    plan_timeline,
    with_agencies,
)
from tasks_app.forms import ExplanationAskForm, agency_kind_field, page_number_field, plan_code_field, region_field
from tasks_app.models import ExplanationStatus, Plan, Timeliness
from tasks_app.selectors import (
    EXPLANATION_LATE,
    EXPLANATION_LISTS,
    assignments_under_explanation,
    assignments_visible_to,
    explanation_request_counts,
    overdue_list,
    with_state_relations,
)
from tasks_app.services import explanation_requests_create_by_agency
from tasks_app.views.acts import committee_staff_roles, error_summary
from tasks_app.workflow import explanation_item_check, passes

DEFAULT_SORT = "-completion_rate"
SORT_CHOICES = [(prefix + field, prefix + field) for field in AGENCY_BREAKDOWN_ORDERING for prefix in ("", "-")]
OVERDUE_SHOWN = 50
# Dates a report can stand at: beyond these the date arithmetic has nothing meaningful to say.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

# The agency tables' number columns, in order: (ordering field, header).
AGENCY_COLUMNS = [
    ("total", _("Tổng số")),
    ("done", _("Hoàn thành")),
    ("done_on_time", Timeliness.DONE_ON_TIME.label),
    ("done_late", Timeliness.DONE_LATE.label),
    ("on_track", _("Trong hạn")),
    ("overdue", _("Quá hạn")),
    ("cancelled", _("Đã dừng")),
    ("completion_rate", _("Tỷ lệ hoàn thành (%)")),
]


# The dashboard's explanation figures, one per list of the explanations page.
EXPLANATION_COUNT_LABELS = {
    ExplanationStatus.ANSWERED.value: _("đã giải trình, chờ xem xét"),
    EXPLANATION_LATE: _("quá hạn giải trình"),
    ExplanationStatus.OPEN.value: _("đang chờ giải trình (trong hạn)"),
    ExplanationStatus.ACCEPTED.value: _("đã chấp nhận giải trình"),
}


class DashboardForm(forms.Form):
    """The page's query string. A missing plan or date means the newest plan, today."""

    plan = plan_code_field()
    as_of = forms.DateField(
        label=_("Số liệu đến hết ngày"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ: cần dạng năm-tháng-ngày, ví dụ 2024-06-30.")},
    )
    region = region_field()
    kind = agency_kind_field(label=_("Loại cơ quan (danh sách quá hạn)"))
    # Set by a click on an agency in the overdue list, kept while the other choices change.
    agency = forms.ModelChoiceField(
        label=_("Cơ quan (danh sách quá hạn)"),
        queryset=Agency.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Không có cơ quan với mã này.")},
    )
    roll_up = forms.BooleanField(label=_("Tính công việc của cơ quan đã sáp nhập vào đơn vị kế thừa"), required=False)
    sort = forms.ChoiceField(
        label=_("Sắp xếp"),
        choices=SORT_CHOICES,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Không sắp xếp được theo cột này.")},
    )
    overdue_page = page_number_field()

    def __init__(self, query, *, today: date):
        # A handful of plans a year, newest first: read once, to check, default and list.
        self.plans = {plan.code: plan for plan in Plan.objects.all()}
        data = query.copy()
        defaults = {"plan": next(iter(self.plans), ""), "as_of": today.isoformat(), "sort": DEFAULT_SORT}
        for field, value in defaults.items():
            if not data.get(field):
                data[field] = value
        super().__init__(data)
        self.fields["plan"].choices = [(code, f"{code} — {plan.title}") for code, plan in self.plans.items()]

    def clean_plan(self) -> Plan:
        return self.plans[self.cleaned_data["plan"]]

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if not EARLIEST <= as_of <= LATEST:
            raise forms.ValidationError(
                _("Ngày phải trong khoảng %(earliest)s–%(latest)s."),
                params={"earliest": f"{EARLIEST:%d/%m/%Y}", "latest": f"{LATEST:%d/%m/%Y}"},
            )
        return as_of


def sort_columns(sort: str) -> list[dict]:
    """Each number column's header, the ordering a click on it asks for (largest first,
    then the other way on a second click) and its aria-sort value."""
    field, descending = sort.removeprefix("-"), sort.startswith("-")
    columns = []
    for key, label in AGENCY_COLUMNS:
        current = key == field
        columns.append(
            {
                "key": key,
                "label": label,
                "next_sort": key if current and descending else f"-{key}",
                "aria_sort": ("descending" if descending else "ascending") if current else None,
            }
        )
    return columns


def rows_with_bars(rows: list[dict]) -> list[dict]:
    return [{**row, "rate_width": charts.rate_width(row["completion_rate"])} for row in rows]


class ExplanationSelectionForm(ExplanationAskForm):
    """Committee staff ask about the overdue work ticked on the dashboard: one request per
    agency, with one message and answer date for all."""

    selected = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Chọn ít nhất một phân công quá hạn cần giải trình."),
            "invalid_choice": _("Không có phân công %(value)s."),
            "invalid_pk_value": _("Không có phân công %(pk)s."),
        },
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, auto_id="ask_%s", **kwargs)
        self.fields["selected"].queryset = assignments_visible_to(roles=roles).select_related("task__plan", "agency")


def _with_ask_offers(rows: list, *, today: date) -> None:
    """Marks each overdue row `under_explanation` (a request not yet accepted lists it) or
    `may_ask` (the request service would take it): only those get a box to tick."""
    under = assignments_under_explanation(assignment_ids=[row.pk for row in rows])
    for row in rows:
        row.under_explanation = row.pk in under
        row.may_ask = not row.under_explanation and passes(
            explanation_item_check,
            status=row.status,
            due_on=row.due_on,
            agency_id=row.agency_id,
            request_agency_id=row.agency_id,
            today=today,
        )


def _tasks(assignments) -> str:
    return ", ".join(f"{a.task.plan.code} #{a.task.number}" for a in assignments)


def _dashboard_page(request, *, ask: ExplanationSelectionForm | None = None, status: int = 200):
    """The page as its query string asks for it; `ask` is a refused selection to ask about."""
    form = DashboardForm(request.GET, today=timezone.localdate())
    if not form.plans:
        return render(request, "tasks_app/dashboard.html", {"form": None})
    if not form.is_valid():
        return render(request, "tasks_app/dashboard.html", {"form": form}, status=400)
    query = form.cleaned_data
    plan, as_of = query["plan"], query["as_of"]
    roles = user_roles(request.user)

    summary = plan_summary(plan=plan, roles=roles, as_of=as_of)
    timeliness_counts = summary["assignments"]["by_timeliness"]
    segments = charts.stacked_bar([(t.value, t.label, timeliness_counts[t.value]) for t in Timeliness])

    breakdown = {"as_of": as_of, "plan": plan, "roles": roles, "ordering": query["sort"], "roll_up": query["roll_up"]}
    provinces = Agency.objects.filter(kind=AgencyKind.PROVINCE)
    if query["region"]:
        provinces = provinces.filter(region=query["region"])
    central = Agency.objects.exclude(kind=AgencyKind.PROVINCE)
    central_rows = rows_with_bars(with_agencies(agency_breakdown(agencies=central, **breakdown)))
    province_rows = rows_with_bars(with_agencies(agency_breakdown(agencies=provinces, **breakdown)))

    # The API's own filter, so that the list and its download hold the same rows.
    overdue_filters = {field: query[field] for field in ("kind", "region") if query[field]}
    if query["agency"]:
        overdue_filters["agency"] = query["agency"].code
    overdue = OverdueFilter(overdue_filters, queryset=overdue_list(roles=roles, as_of=as_of).filter(task__plan=plan)).qs
    # A page past the last shows the last, as a list that shrank since the link was made would.
    overdue_page = Paginator(overdue, OVERDUE_SHOWN).get_page(query["overdue_page"])
    overdue_rows = with_state_relations(overdue_page.object_list)

    timeline = plan_timeline(plan=plan, roles=roles, period="week", until=as_of)
    burnup = charts.burnup(timeline, start=date(plan.year, 1, 1), end=date(plan.year, 12, 31))

    export_query = urlencode({"plan": plan.code, "as_of": as_of.isoformat(), **overdue_filters, "format": "xlsx"})
    # Asked about today's overdue work only: what a past day's list shows may be done since.
    may_ask = roles.is_committee_staff and as_of == timezone.localdate()
    if may_ask:
        ask = ask or ExplanationSelectionForm(roles=roles)
        _with_ask_offers(overdue_rows, today=as_of)
    explanation_counts = explanation_request_counts(roles=roles, plan=plan, agency=query["agency"])
    explanations_query = {"plan": plan.code, **({"agency": query["agency"].code} if query["agency"] else {})}
    context = {
        "form": form,
        "plan": plan,
        "as_of": as_of,
        "roll_up": query["roll_up"],
        "roles": roles,
        "summary": summary,
        # An agency's people lead with their own work: a task is done only once every agency given it is.
        "own": None
        if roles.is_committee_staff
        else {
            **own_completion(summary),
            "agencies": ", ".join(str(a) for a in Agency.objects.filter(pk__in=roles.agency_ids).order_by("name")),
        },
        "segments": segments,
        "columns": sort_columns(query["sort"]),
        "agency_tables": [
            {"id": "central", "title": _("Bộ, ngành, cơ quan trung ương và doanh nghiệp"), "rows": central_rows},
            {
                "id": "provinces",
                "title": _("Tỉnh, thành phố trực thuộc Trung ương"),
                "region": Region(query["region"]).label if query["region"] else None,
                "rows": province_rows,
            },
        ],
        "overdue_rows": overdue_rows,
        "overdue_agency": query["agency"],
        "overdue_page": overdue_page,
        "overdue_count": overdue_page.paginator.count,
        "overdue_page_url": page_link_prefix(request.GET, param="overdue_page"),
        "overdue_xlsx_url": f"{reverse('dashboard-overdue-list')}?{export_query}",
        "timeline": timeline,
        "burnup": burnup,
        "ask": ask if may_ask else None,
        "ask_checked": {str(pk) for pk in ask.data.getlist("selected")} if may_ask and ask.is_bound else set(),
        "errors": error_summary(ask) if may_ask and ask.is_bound else [],
        "explanation_counts": [
            {
                "status": status_value,
                "label": EXPLANATION_COUNT_LABELS[status_value],
                "count": explanation_counts[status_value],
                "url": f"{reverse('explanations')}?{urlencode({'status': status_value, **explanations_query})}",
            }
            for status_value in EXPLANATION_LISTS
        ],
    }
    return render(request, "tasks_app/dashboard.html", context, status=status)


@require_GET
@login_required
def dashboard(request):
    return _dashboard_page(request)


@require_POST
@login_required
def overdue_ask(request):
    """Ask each agency of the ticked overdue work to explain it: the outcome names the
    agencies asked and those refused, with the reason; back to the dashboard as it was."""
    roles = committee_staff_roles(request, refusal=_("Chỉ Tổ giúp việc mới yêu cầu giải trình được."))
    form = ExplanationSelectionForm(request.POST, roles=roles)
    if not form.is_valid():
        return _dashboard_page(request, ask=form, status=400)
    try:
        outcome = explanation_requests_create_by_agency(
            assignments=form.cleaned_data["selected"].order_by("pk"),
            message=form.cleaned_data["message"],
            answer_due_on=form.cleaned_data["answer_due_on"],
            actor=request.user,
        )
    except DomainError as refusal:
        refusal.show_on(form)
        return _dashboard_page(request, ask=form, status=refusal.status_code)
    if outcome.made:
        asked = "; ".join(f"{made.agency} ({_tasks(assignments)})" for made, assignments in outcome.made)
        done = ngettext(
            "Đã gửi %(n)d yêu cầu giải trình: %(agencies)s.",
            "Đã gửi %(n)d yêu cầu giải trình: %(agencies)s.",
            len(outcome.made),
        )
        messages.success(request, done % {"n": len(outcome.made), "agencies": asked})
    for agency, assignments, reason in outcome.refused:
        messages.error(
            request,
            _("Không gửi được yêu cầu giải trình cho %(agency)s (%(tasks)s): %(reason)s")
            % {"agency": agency, "tasks": _tasks(assignments), "reason": reason},
        )
    query = request.GET.urlencode()
    return redirect(f"{reverse('dashboard')}?{query}#overdue" if query else f"{reverse('dashboard')}#overdue")
