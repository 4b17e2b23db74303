"""Committee staff's extension desk: the requests to postpone, extend or withdraw that
wait for a decision, the longest waiting first, each with the three deadlines, the
reason, who asked and the assignment's recent history, and a form to decide it; and
the requests already decided.

A refused decision comes back on the page with what was typed and the error beside its
field; only a success redirects, back to the list as it was filtered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.paging import page_link_prefix
from tasks_app.forms import ExtensionDecisionForm, ExtensionDeskForm
from tasks_app.history import event_summary, person
from tasks_app.models import ExtensionStatus
from tasks_app.selectors import extension_request_desk, extension_requests_in_full
from tasks_app.services import extension_request_decide
from tasks_app.views.acts import committee_staff_roles, error_summary
from tasks_app.workflow import extension_decision_check, passes

PER_PAGE = 50


def _committee_staff(request):
    return committee_staff_roles(
        request, refusal=_("Chỉ Tổ giúp việc mới xem và quyết định được các đề nghị điều chỉnh thời hạn.")
    )


def _decision_form(extension_request, data=None) -> ExtensionDecisionForm:
    # Each row's fields get ids of their own, so that every label names its field.
    return ExtensionDecisionForm(data, auto_id=f"r{extension_request.pk}_%s")


def _title(extension_request) -> str:
    """What a button or a message names: the task and the agency, as officials refer to them."""
    assignment = extension_request.assignment
    return f"{assignment.task.plan.code} #{assignment.task.number}, {assignment.agency}"


def _with_page_facts(extension_request, roles, form=None):
    for event in extension_request.assignment.recent_events:
        event.summary = event_summary(event)
        event.actor_name = person(event.actor)
    extension_request.title = _title(extension_request)
    extension_request.may_decide = extension_request.status == ExtensionStatus.PENDING and passes(
        extension_decision_check, roles=roles, requested_by_id=extension_request.requested_by_id
    )
    extension_request.form = form or (_decision_form(extension_request) if extension_request.may_decide else None)
    return extension_request


def _filters(form: ExtensionDeskForm) -> dict:
    data = form.cleaned_data
    return {
        "plan": data["plan"].code if data["plan"] else "",
        "agency": data["agency"].code if data["agency"] else "",
        "agency_kind": data["kind"],
    }


def _render(request, roles, *, bound=None, status: int = 200):
    """The list as the query string asks for it; `bound` is a refused decision (the request
    and its form), shown first when the list does not hold it (decided meanwhile)."""
    desk = ExtensionDeskForm(request.GET)
    if not desk.is_valid():
        return render(request, "tasks_app/extension_requests.html", {"desk": desk}, status=400)
    decided = desk.cleaned_data["status"] == ExtensionDeskForm.DECIDED
    requests = extension_request_desk(roles=roles, decided=decided, **_filters(desk))
    # A page past the last shows the last: the list shrinks as requests are decided.
    page = Paginator(requests, PER_PAGE).get_page(desk.cleaned_data["page"])
    rows = list(page.object_list)
    errors = []
    if bound is not None:
        refused, form = bound
        errors = error_summary(form)
        shown = next((row for row in rows if row.pk == refused.pk), None)
        if shown is None:
            rows.insert(0, refused)
        else:
            refused = shown
        refused.form = form
    rows = [_with_page_facts(row, roles, getattr(row, "form", None)) for row in rows]
    context = {
        "desk": desk,
        "decided": decided,
        "page": page,
        "rows": rows,
        "errors": errors,
        # The decision forms post to their own address with the list's query: back to it after.
        "query": request.GET.urlencode(),
        "page_url": page_link_prefix(request.GET),
    }
    return render(request, "tasks_app/extension_requests.html", context, status=status)


@login_required
@require_GET
def extension_requests(request):
    return _render(request, _committee_staff(request))


@login_required
@require_POST
def extension_request_decision(request, pk):
    roles = _committee_staff(request)
    extension_request = get_object_or_404(extension_requests_in_full(roles=roles), pk=pk)
    form = _decision_form(extension_request, request.POST)
    if not form.is_valid():
        return _render(request, roles, bound=(extension_request, form), status=400)
    approve = form.cleaned_data["approve"]
    try:
        extension_request_decide(
            request=extension_request, approve=approve, actor=request.user, note=form.cleaned_data["note"]
        )
    except DomainError as refusal:
        refusal.show_on(form)
        extension_request.refresh_from_db(fields=["status", "decided_by", "decided_at", "decision_note"])
        return _render(request, roles, bound=(extension_request, form), status=refusal.status_code)
    done = (
        _("%(task)s: đã chấp thuận đề nghị “%(kind)s”.")
        if approve
        else _("%(task)s: đã không chấp thuận đề nghị “%(kind)s”.")
    )
    messages.success(request, done % {"task": _title(extension_request), "kind": extension_request.get_kind_display()})
    query = request.GET.urlencode()
    return redirect(f"{reverse('extension_requests')}?{query}" if query else reverse("extension_requests"))
