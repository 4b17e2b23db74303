"""The focal point's page: their agencies' assignments, most urgent first, narrowed by plan,
status, group and a search, a page of cards at a time, with the forms to act on them. Each
form calls the same service as the API.

What happens is shown at the card acted on: a success redirects back to it (post/redirect/get)
with its message inside the card; a refused form comes back in its card, open, with what was
typed and the error beside its field (400, or the refusal's 403/409). The filters and the page
travel in each form's address, so both land on the same list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from agencies.selectors import user_roles
from core.errors import DomainError
from core.paging import page_link_prefix
from tasks_app.forms import WorklistFilterForm
from tasks_app.models import Plan, StatusEvent
from tasks_app.selectors import (
    WORKLIST_GROUPS,
    Urgency,
    agency_worklist,
    assignments_visible_to,
    worklist_group_counts,
)
from tasks_app.timeliness import DUE_SOON_DAYS
from tasks_app.views.acts import FORMS, act_done_message, act_form, act_perform, agency_acts_offered
from tasks_app.workflow import allowed_actions

CARDS_PER_PAGE = 25

# The acts the cards offer: a focal point's own. Committee staff decide on the assignment page.
ACTS = {act: FORMS[act] for act in ("start", "report_done", "progress", "extension")}

# A message about one card carries this tag with the card's id, so that the page shows it there.
CARD_TAG = "assignment-"


def _group_labels() -> dict[str, str]:
    return {
        "overdue": _("Quá hạn"),
        "due_soon": ngettext("Sắp đến hạn (trong %(days)d ngày)", "Sắp đến hạn (trong %(days)d ngày)", DUE_SOON_DAYS)
        % {"days": DUE_SOON_DAYS},
        "open": _("Trong hạn hoặc không thời hạn"),
        "awaiting_review": _("Đã báo cáo, chờ xác nhận"),
        "finished": _("Đã hoàn thành hoặc dừng"),
    }


def _card_pk(message) -> int | None:
    tag = next((t for t in message.extra_tags.split() if t.startswith(CARD_TAG)), "")
    return int(tag.removeprefix(CARD_TAG)) if tag else None


def _errors(form) -> list[dict]:
    """A refused form's messages, each with the id of its field where the field is shown."""
    errors = []
    for name, messages_ in form.errors.items():
        field = form[name] if name in form.fields and not form[name].is_hidden else None
        target = (field.id_for_label or field.auto_id) if field else ""
        errors += [{"id": target, "message": message} for message in messages_]
    return errors


def _prepare_card(assignment, roles, *, query: str):
    assignment.actions = allowed_actions(
        status=assignment.status,
        agency_id=assignment.agency_id,
        roles=roles,
        reported_by_id=assignment.reported_by_id,
    )
    assignment.is_focal_point = roles.is_focal_point_of(assignment.agency_id)
    assignment.agency_acts = agency_acts_offered(assignment, roles)
    assignment.urgency_label = Urgency(assignment.urgency).label
    # What each button and disclosure names, for those who hear the page rather than see it.
    assignment.label = f"{assignment.task.plan.code} #{assignment.task.number}, {assignment.agency}"
    # Ids of their own for each form of each card, so that every label names its field.
    assignment.forms = {act: act_form(act, assignment, auto_id=f"a{assignment.pk}_{act}_%s") for act in ACTS}
    assignment.action_query = query
    assignment.open_act, assignment.errors, assignment.notes = "", [], []


def _shows_form(card, act: str) -> bool:
    if act in ("progress", "extension"):
        return act in card.agency_acts and not (act == "extension" and card.has_pending_extension)
    return card.is_focal_point and act in card.actions


def _render(request, roles, *, bound: tuple[int, str, object] | None = None, status: int = 200):
    """The page for the filters in the query string; `bound`: (assignment id, act, form) of a
    refused form, shown in its card."""
    filters = WorklistFilterForm(request.GET, plans=Plan.objects.all(), groups=_group_labels())
    context = {"filters": filters, "has_agency": bool(roles.agency_ids), "banner": [], "errors": []}
    if not filters.is_valid():
        context["errors"] = _errors(filters)
        context["has_errors"] = True
        return render(request, "tasks_app/my_assignments.html", context, status=400)
    query = filters.cleaned_data
    narrowed = {
        "roles": roles,
        "plan_id": query["plan"].pk if query["plan"] else None,
        "status": query["status"],
        "search": query["q"],
    }
    counts = worklist_group_counts(agency_worklist(**narrowed))
    filters.fields["group"].choices = [
        ("", _("Tất cả")),
        *((group, f"{label} ({counts[group]})") for group, label in _group_labels().items()),
    ]
    # A page past the last shows the last, as a list that shrank since the link was made would.
    page = Paginator(agency_worklist(**narrowed, group=query["group"]), CARDS_PER_PAGE).get_page(query["page"])
    action_query = f"?{request.GET.urlencode()}" if request.GET else ""
    cards = {}
    for assignment in page.object_list:
        _prepare_card(assignment, roles, query=action_query)
        cards[assignment.pk] = assignment

    if bound is not None:
        pk, act, form = bound
        card = cards.get(pk)
        if card is not None and _shows_form(card, act):
            card.forms[act], card.open_act, card.errors = form, act, _errors(form)
        else:
            # The card is not on this page, or no longer offers this form: the errors are said above the list.
            context["errors"] = _errors(form)
    for message in messages.get_messages(request):
        card = cards.get(_card_pk(message))
        (card.notes if card else context["banner"]).append(message)

    labels = _group_labels()
    sections = []
    for group, urgencies in WORKLIST_GROUPS.items():
        section_cards = [a for a in page.object_list if a.urgency in urgencies]
        if section_cards:
            sections.append({"key": group, "label": labels[group], "count": counts[group], "cards": section_cards})
    context["has_errors"] = bool(context["errors"]) or any(card.errors for card in cards.values())
    context |= {
        "sections": sections,
        "page": page,
        "total": page.paginator.count,
        "page_url": page_link_prefix(request.GET, path=reverse("my_assignments")),
        "filtered": any(query[f] for f in ("plan", "group", "status", "q")),
    }
    return render(request, "tasks_app/my_assignments.html", context, status=status)


@login_required
@require_GET
def my_assignments(request):
    return _render(request, user_roles(request.user))


@login_required
@require_POST
def assignment_act(request, pk, act):
    """One action on one assignment from its card: on success back to the card on the same
    list, with what happened; refused, the same list again with the form open in its card."""
    if act not in ACTS:
        raise Http404
    roles = user_roles(request.user)
    assignment = get_object_or_404(assignments_visible_to(roles=roles).select_related("task__plan"), pk=pk)
    form = act_form(act, assignment, request.POST, request.FILES, auto_id=f"a{assignment.pk}_{act}_%s")
    if not form.is_valid():
        return _render(request, roles, bound=(assignment.pk, act, form), status=400)
    try:
        act_perform(act=act, assignment=assignment, actor=request.user, data=form.cleaned_data)
    except DomainError as refusal:
        refusal.show_on(form)
        return _render(request, roles, bound=(assignment.pk, act, form), status=refusal.status_code)
    messages.success(request, act_done_message(act, assignment), extra_tags=f"{CARD_TAG}{assignment.pk}")
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return redirect(f"{reverse('my_assignments')}{query}#assignment-{assignment.pk}")


@login_required
def evidence_download(request, pk):
    """A report's evidence file, for those who may see its assignment."""
    roles = user_roles(request.user)
    event = get_object_or_404(
        StatusEvent.objects.exclude(evidence_file=""),
        pk=pk,
        assignment__in=assignments_visible_to(roles=roles).values("pk"),
    )
    return FileResponse(event.evidence_file.open("rb"), as_attachment=True)
