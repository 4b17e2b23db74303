"""Committee staff's review queue: the reports waiting for acceptance, oldest first, each
with its note and evidence in view, and the forms to accept or return them one at a time
or as a selection. The filters are the dashboard's (plan, agency kind, region, agency) and
stay through paging and after every action.

A refused form is shown again on the page, with what was typed and the error beside its
field; only a success redirects (post/redirect/get)."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_GET, require_POST

from agencies.models import Agency
from core.errors import DomainError
from core.paging import page_link_prefix
from tasks_app.api.filters import OverdueFilter
from tasks_app.forms import agency_kind_field, plan_code_field, region_field
from tasks_app.models import Plan
from tasks_app.selectors import assignments_visible_to, review_queue, with_reports
from tasks_app.services import REVIEW_ACTIONS, assignments_review
from tasks_app.views.acts import FORMS, act_done_message, act_perform, committee_staff_roles
from tasks_app.workflow import Action

PAGE_SIZE = 50
FILTERS = ("plan", "kind", "region", "agency")
DONE_SELECTION = {
    Action.ACCEPT.value: ngettext_lazy(
        "Đã xác nhận hoàn thành %(n)d báo cáo: %(tasks)s.", "Đã xác nhận hoàn thành %(n)d báo cáo: %(tasks)s.", "n"
    ),
    Action.RETURN.value: ngettext_lazy(
        "Đã trả lại %(n)d báo cáo cho cơ quan: %(tasks)s.", "Đã trả lại %(n)d báo cáo cho cơ quan: %(tasks)s.", "n"
    ),
}


class QueueFilterForm(forms.Form):
    """The queue's query string: the dashboard's filter vocabulary, each optional."""

    plan = plan_code_field(required=False)
    kind = agency_kind_field()
    region = region_field()
    agency = forms.ChoiceField(
        label=_("Cơ quan"), required=False, error_messages={"invalid_choice": _("Không có cơ quan với mã này.")}
    )

    def __init__(self, query):
        super().__init__(query, auto_id="filter_%s")
        self.fields["plan"].choices = [("", _("Tất cả các kế hoạch"))] + [
            (code, f"{code} — {title}") for code, title in Plan.objects.values_list("code", "title")
        ]
        self.fields["agency"].choices = [
            ("", _("Tất cả các cơ quan")),
            *Agency.objects.order_by("name").values_list("code", "name"),
        ]


class SelectionForm(forms.Form):
    """A decision on the reports ticked in the queue, with one note for all of them."""

    act = forms.ChoiceField(choices=[(action.value, action.label) for action in REVIEW_ACTIONS])
    selected = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Chọn ít nhất một báo cáo."),
            "invalid_choice": _("Không có phân công %(value)s."),
            "invalid_pk_value": _("Không có phân công %(pk)s."),
        },
    )
    note = forms.CharField(
        label=_("Ghi chú cho các báo cáo đã chọn (bắt buộc khi trả lại)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, auto_id="selection_%s", **kwargs)
        self.fields["selected"].queryset = assignments_visible_to(roles=roles).select_related("task__plan", "agency")


def _staff_roles(request):
    return committee_staff_roles(request, refusal=_("Trang này chỉ dành cho Tổ giúp việc."))


def _query(request) -> str:
    """The filters and the page of the queue as the user left it, to come back to."""
    return urlencode({key: request.GET[key] for key in (*FILTERS, "page") if request.GET.get(key)})


def _back(request):
    query = _query(request)
    return redirect(f"{reverse('review_queue')}?{query}" if query else reverse("review_queue"))


def _label(assignment) -> str:
    return f"{assignment.task.plan.code} #{assignment.task.number}, {assignment.agency}"


def _row_form(assignment, data=None):
    return FORMS[Action.RETURN](data, auto_id=f"review-{assignment.pk}_%s")


def _errors(form, *, in_view: bool) -> list[dict]:
    """The error summary's entries, each linking to its field where the field is on the page."""
    errors = []
    for name, field_errors in form.errors.items():
        field = form[name] if in_view and name in form.fields and not form.fields[name].widget.is_hidden else None
        errors += [{"id": field.id_for_label if field else "", "message": message} for message in field_errors]
    return errors


def _render(request, roles, *, row=None, selection=None, status=200):
    """The queue page; `row` is (assignment pk, bound form) of a refused single decision,
    `selection` a refused bound SelectionForm."""
    filters = QueueFilterForm(request.GET)
    if not filters.is_valid():
        return render(request, "tasks_app/review_queue.html", {"filters": filters}, status=400)
    queue = OverdueFilter({key: filters.cleaned_data[key] for key in FILTERS}, queryset=review_queue(roles=roles)).qs
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    reports = with_reports(page.object_list)
    bound_pk, bound_form = row or (None, None)
    for assignment in reports:
        assignment.label = _label(assignment)
        assignment.evidence_name = Path(assignment.report.evidence_file.name).name if assignment.report else ""
        assignment.form = bound_form if assignment.pk == bound_pk else _row_form(assignment)
    errors = []
    if bound_form is not None:
        errors = _errors(bound_form, in_view=any(a.pk == bound_pk for a in reports))
    selection = selection or SelectionForm(roles=roles)
    if selection.is_bound:
        errors = _errors(selection, in_view=True)
    checked = {str(pk) for pk in selection.data.getlist("selected")} if selection.is_bound else set()
    query = _query(request)
    context = {
        "filters": filters,
        "page": page,
        "reports": reports,
        "total": page.paginator.count,
        "selection": selection,
        "checked": checked,
        "errors": errors,
        "query": query,
        "page_url": page_link_prefix(request.GET, keep=FILTERS),
    }
    return render(request, "tasks_app/review_queue.html", context, status=status)


@login_required
@require_GET
def review_queue_page(request):
    return _render(request, _staff_roles(request))


@login_required
@require_POST
def review_decide(request, pk):
    """Accept or return one report, from its own form in the queue."""
    roles = _staff_roles(request)
    assignment = get_object_or_404(assignments_visible_to(roles=roles).select_related("task__plan", "agency"), pk=pk)
    act = request.POST.get("act")
    if act not in REVIEW_ACTIONS:
        form = _row_form(assignment, request.POST)
        form.add_error(None, _("Chọn xác nhận hoặc trả lại báo cáo."))
        return _render(request, roles, row=(assignment.pk, form), status=400)
    form = FORMS[act](request.POST, auto_id=f"review-{assignment.pk}_%s")
    if not form.is_valid():
        return _render(request, roles, row=(assignment.pk, form), status=400)
    try:
        act_perform(act=act, assignment=assignment, actor=request.user, data=form.cleaned_data)
    except DomainError as refusal:
        refusal.show_on(form, message=f"{_label(assignment)}: {refusal.message}")
        return _render(request, roles, row=(assignment.pk, form), status=refusal.status_code)
    messages.success(request, act_done_message(act, assignment))
    return _back(request)


@login_required
@require_POST
def review_selection(request):
    """Accept or return every ticked report with one note: each is done or refused on its
    own, and the refused ones are named with the reason."""
    roles = _staff_roles(request)
    form = SelectionForm(request.POST, roles=roles)
    if not form.is_valid():
        return _render(request, roles, selection=form, status=400)
    try:
        outcome = assignments_review(
            assignments=form.cleaned_data["selected"].order_by("pk"),
            action=form.cleaned_data["act"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except DomainError as refusal:
        refusal.show_on(form)
        return _render(request, roles, selection=form, status=refusal.status_code)
    done = DONE_SELECTION[form.cleaned_data["act"]]
    if outcome.done:
        tasks = "; ".join(_label(a) for a in outcome.done)
        messages.success(request, done % {"n": len(outcome.done), "tasks": tasks})
    for assignment, reason in outcome.refused:
        messages.error(
            request, _("Không thực hiện được với %(task)s: %(reason)s") % {"task": _label(assignment), "reason": reason}
        )
    return _back(request)
