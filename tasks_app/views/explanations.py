"""The explanations page. Committee staff see every request: the answers waiting for their
review first, then the late and the open ones, and accept an answer or ask again from the
page. An agency's focal points and leaders see their agency's requests, those waiting for
an answer first, and its focal points answer a whole request, every assignment it lists,
in one form.

A refused form comes back on the page with what was typed and the error beside its field;
only a success redirects, back to the list as it was filtered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from agencies.selectors import user_roles
from core.errors import DomainError
from core.paging import page_link_prefix
from tasks_app.forms import ExplanationDeskForm, ExplanationRequestAnswerForm, ExplanationReviewForm
from tasks_app.history import explanation_step_entry
from tasks_app.models import ExplanationStatus
from tasks_app.selectors import (
    EXPLANATION_LATE,
    EXPLANATION_LISTS,
    explanation_request_counts,
    explanation_request_desk,
)
from tasks_app.services import ExplanationAnswer, explanation_request_answer, explanation_request_decide
from tasks_app.views.acts import error_summary
from tasks_app.workflow import ExplanationDecision, explanation_answer_check, explanation_decision_check, passes

PER_PAGE = 50

# Each list's tab, in the order its viewers act on it.
TAB_LABELS = {
    ExplanationStatus.ANSWERED.value: gettext_lazy("Chờ xem xét"),
    EXPLANATION_LATE: gettext_lazy("Quá hạn giải trình"),
    ExplanationStatus.OPEN.value: gettext_lazy("Chờ giải trình (trong hạn)"),
    ExplanationStatus.ACCEPTED.value: gettext_lazy("Đã chấp nhận"),
}
STAFF_TABS = EXPLANATION_LISTS
AGENCY_TABS = (
    EXPLANATION_LATE,
    ExplanationStatus.OPEN.value,
    ExplanationStatus.ANSWERED.value,
    ExplanationStatus.ACCEPTED.value,
)


def _desk_roles(request):
    roles = user_roles(request.user)
    if not roles.is_committee_staff and not roles.agency_ids:
        raise PermissionDenied(
            _("Trang giải trình dành cho Tổ giúp việc và cho đầu mối, lãnh đạo của cơ quan được yêu cầu giải trình.")
        )
    return roles


def _title(explanation_request) -> str:
    """What a button or a message names: the agency and the tasks, as officials refer to them."""
    tasks = ", ".join(f"{i.assignment.task.plan.code} #{i.assignment.task.number}" for i in _items(explanation_request))
    return f"{explanation_request.agency} — {tasks}"


def _items(explanation_request) -> list:
    return list(explanation_request.items.all())


def _answer_form(explanation_request, data=None) -> ExplanationRequestAnswerForm:
    """The whole request's answer; asked again, it starts from the answer given before."""
    items = _items(explanation_request)
    initial = {
        f"{item.assignment_id}-{name}": getattr(item, name)
        for item in items
        for name in ("reason_kind", "reason", "difficulties", "committed_on")
    }
    # Each request's fields get ids of their own, so that every label names its field.
    return ExplanationRequestAnswerForm(data, items=items, initial=initial, auto_id=f"r{explanation_request.pk}_%s")


def _review_form(explanation_request, data=None) -> ExplanationReviewForm:
    return ExplanationReviewForm(data, auto_id=f"r{explanation_request.pk}_%s")


def _with_page_facts(explanation_request, roles, bound=None):
    """The row's title, steps in words and, where this viewer may act on it now, its form
    (`bound`, the refused one, whatever the request's state since)."""
    explanation_request.title = _title(explanation_request)
    explanation_request.step_entries = [explanation_step_entry(step) for step in explanation_request.steps.all()]
    facts = {"status": explanation_request.status, "roles": roles}
    explanation_request.answer_form = explanation_request.review_form = None
    kind, form = bound or ("", None)
    if kind == "answer" or (
        not kind and passes(explanation_answer_check, agency_id=explanation_request.agency_id, **facts)
    ):
        explanation_request.answer_form = form or _answer_form(explanation_request)
    elif kind == "review" or (not kind and passes(explanation_decision_check, **facts)):
        explanation_request.review_form = form or _review_form(explanation_request)
    return explanation_request


def _tabs(desk: ExplanationDeskForm, roles, current: str) -> list[dict]:
    data = desk.cleaned_data
    counts = explanation_request_counts(
        roles=roles, plan=data["plan"], agency=data.get("agency"), agency_kind=data.get("kind", "")
    )
    order = STAFF_TABS if roles.is_committee_staff else AGENCY_TABS
    tabs = [{"value": "", "label": _("Tất cả"), "count": sum(counts.values()), "current": not current}]
    tabs += [
        {"value": value, "label": TAB_LABELS[value], "count": counts[value], "current": value == current}
        for value in order
    ]
    return tabs


def _render(request, roles, *, bound=None, status: int = 200):
    """The list as the query string asks for it; `bound` is a refused form, (the request,
    "answer" or "review", the form), shown first when the list does not hold its request."""
    desk = ExplanationDeskForm(request.GET, lists=EXPLANATION_LISTS, roles=roles)
    if not desk.is_valid():
        return render(request, "tasks_app/explanations.html", {"desk": desk}, status=400)
    filters = desk.filters()
    requests = explanation_request_desk(roles=roles, **filters)
    # A page past the last shows the last: the list shrinks as requests are answered.
    page = Paginator(requests, PER_PAGE).get_page(desk.cleaned_data["page"])
    rows = list(page.object_list)
    errors = []
    bound_pk = None
    if bound is not None:
        refused, _kind, form = bound
        errors = error_summary(form)
        bound_pk = refused.pk
        if not any(row.pk == refused.pk for row in rows):
            rows.insert(0, refused)
    rows = [_with_page_facts(row, roles, bound[1:] if row.pk == bound_pk else None) for row in rows]
    context = {
        "desk": desk,
        "is_staff": roles.is_committee_staff,
        "tabs": _tabs(desk, roles, filters["status"]),
        "current": filters["status"],
        "page": page,
        "rows": rows,
        "errors": errors,
        # The forms post to their own address with the list's query: back to it after.
        "query": request.GET.urlencode(),
        "page_url": page_link_prefix(request.GET),
    }
    return render(request, "tasks_app/explanations.html", context, status=status)


def _back(request):
    query = request.GET.urlencode()
    return redirect(f"{reverse('explanations')}?{query}" if query else reverse("explanations"))


def _shown(roles, pk):
    """The request with what its row shows; another agency's is not found."""
    return get_object_or_404(explanation_request_desk(roles=roles), pk=pk)


@login_required
@require_GET
def explanations(request):
    return _render(request, _desk_roles(request))


@login_required
@require_POST
def explanation_answer(request, pk):
    """The agency's answer to every assignment of one request."""
    roles = _desk_roles(request)
    explanation_request = _shown(roles, pk)
    form = _answer_form(explanation_request, request.POST)
    if not form.is_valid():
        return _render(request, roles, bound=(explanation_request, "answer", form), status=400)
    try:
        explanation_request_answer(
            request=explanation_request,
            answers=[ExplanationAnswer(**answer) for answer in form.answers()],
            actor=request.user,
        )
    except DomainError as refusal:
        refusal.show_on(form)
        return _render(request, roles, bound=(explanation_request, "answer", form), status=refusal.status_code)
    done = _("%(request)s: đã gửi giải trình, chờ Tổ giúp việc xem xét.")
    messages.success(request, done % {"request": _title(explanation_request)})
    return _back(request)


@login_required
@require_POST
def explanation_review(request, pk):
    """Committee staff accept an answer or ask again, with a note."""
    roles = _desk_roles(request)
    explanation_request = _shown(roles, pk)
    form = _review_form(explanation_request, request.POST)
    if not form.is_valid():
        return _render(request, roles, bound=(explanation_request, "review", form), status=400)
    decision = form.cleaned_data["decision"]
    try:
        explanation_request_decide(
            request=explanation_request, decision=decision, actor=request.user, note=form.cleaned_data["note"]
        )
    except DomainError as refusal:
        refusal.show_on(form)
        return _render(request, roles, bound=(explanation_request, "review", form), status=refusal.status_code)
    done = (
        _("%(request)s: đã chấp nhận giải trình.")
        if decision == ExplanationDecision.ACCEPT
        else _("%(request)s: đã yêu cầu giải trình lại; đầu mối của cơ quan đã được báo.")
    )
    messages.success(request, done % {"request": _title(explanation_request)})
    return _back(request)
