"""The focal point's page: their agencies' assignments, most urgent first, and the forms
to act on them. Each form calls the same service as the API; a refusal is a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agencies.selectors import user_roles
from core.errors import DomainError
from tasks_app.models import StatusEvent
from tasks_app.selectors import Urgency, agency_worklist, assignments_visible_to
from tasks_app.timeliness import DUE_SOON_DAYS
from tasks_app.views.acts import FORMS, act_done_message, act_perform, agency_acts_offered
from tasks_app.workflow import allowed_actions


@login_required
def my_assignments(request):
    roles = user_roles(request.user)
    groups = {urgency: [] for urgency in Urgency.values}
    for assignment in agency_worklist(roles=roles):
        assignment.actions = allowed_actions(
            status=assignment.status,
            agency_id=assignment.agency_id,
            roles=roles,
            reported_by_id=assignment.reported_by_id,
        )
        assignment.is_focal_point = roles.is_focal_point_of(assignment.agency_id)
        assignment.agency_acts = agency_acts_offered(assignment, roles)
        assignment.urgency_label = Urgency(assignment.urgency).label
        # Each card's fields get ids of their own, so that every label names its field.
        auto_id = f"a{assignment.pk}_%s"
        assignment.forms = {act: form(auto_id=auto_id) for act, form in ACTS.items()}
        groups[assignment.urgency].append(assignment)
    sections = [
        (Urgency.OVERDUE, groups[Urgency.OVERDUE]),
        (Urgency.DUE_SOON, groups[Urgency.DUE_SOON]),
        ("open", groups[Urgency.ON_TRACK] + groups[Urgency.NO_DEADLINE]),
        (Urgency.AWAITING_REVIEW, groups[Urgency.AWAITING_REVIEW]),
        (Urgency.FINISHED, groups[Urgency.FINISHED]),
    ]
    return render(
        request,
        "tasks_app/my_assignments.html",
        {
            "sections": sections,
            "has_agency": bool(roles.agency_ids),
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


# The acts the cards offer: a focal point's own. Committee staff decide on the assignment page.
ACTS = {act: FORMS[act] for act in ("start", "report_done", "progress", "extension")}


@login_required
@require_POST
def assignment_act(request, pk, act):
    """One action on one assignment from the page; back to the page with what happened."""
    if act not in ACTS:
        raise Http404
    roles = user_roles(request.user)
    assignment = get_object_or_404(assignments_visible_to(roles=roles).select_related("task__plan"), pk=pk)
    form = ACTS[act](request.POST, request.FILES)
    back = f"{reverse('my_assignments')}#assignment-{assignment.pk}"
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(back)
    try:
        act_perform(act=act, assignment=assignment, actor=request.user, data=form.cleaned_data)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, act_done_message(act, assignment))
    return redirect(back)


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
