"""One assignment's page, for whoever may see it: the task, the agencies given it, the
deadlines, the latest report with its evidence, the history in words, the extension
requests, the discussion (with the forms to post and, for a while, to correct a comment),
the difficulties, obstacles and proposals raised on it (with the forms to raise one, answer
it and close it), and the forms of the acts this viewer may take now.

A refused form is shown again on the page, with what was typed and the error beside its
field; only a success redirects (post/redirect/get)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from agencies.selectors import user_roles
from core.errors import DomainError
from tasks_app.forms import CommentForm
from tasks_app.history import comment_entry, event_summary, explanation_step_entry, obstacle_step_entry, person
from tasks_app.models import EventKind, ExplanationStatus, ExtensionStatus, Timeliness
from tasks_app.selectors import Urgency, assignment_page, explanation_items_of
from tasks_app.services import comment_correct
from tasks_app.views.acts import FORMS, act_done_message, act_form, act_perform, agency_acts_offered, error_summary
from tasks_app.views.obstacles import (
    STEP_FORMS,
    obstacle_step_done_message,
    obstacle_step_perform,
    obstacle_with_forms,
    step_form,
)
from tasks_app.workflow import (
    Action,
    allowed_actions,
    comment_correction_check,
    comment_post_check,
    explanation_answer_check,
    explanation_decision_check,
    explanation_item_check,
    explanation_request_check,
    extension_decision_check,
    find_transition,
    obstacle_record_check,
    passes,
)

# The acts of the workflow table, in the order their forms appear; then the ones outside it:
# the agency's progress and extension requests, committee staff's decision on a request.
WORKFLOW_ACTS = [Action.START, Action.REPORT_DONE, Action.ACCEPT, Action.RETURN, Action.REOPEN, Action.CANCEL]
BUTTONS = {
    **{act.value: act.label for act in WORKFLOW_ACTS},
    "report_done": _("Gửi báo cáo hoàn thành"),
    "progress": _("Cập nhật tiến độ"),
    "extension": _("Gửi đề nghị điều chỉnh thời hạn"),
    "extension_decide": _("Gửi quyết định về đề nghị"),
    "explain_ask": _("Gửi yêu cầu giải trình"),
    "explain_answer": _("Gửi giải trình"),
    "explain_decide": _("Gửi ý kiến về giải trình"),
}


def _timeliness_label(assignment) -> str:
    # Reported work waits on the committee: its page says so rather than that it is overdue.
    if assignment.awaiting_review:
        return Urgency.AWAITING_REVIEW.label
    return Timeliness(assignment.timeliness).label if assignment.timeliness else ""


def _pending_extension(assignment):
    return next((r for r in assignment.extension_requests.all() if r.status == ExtensionStatus.PENDING), None)


def _acts_offered(assignment, roles, pending) -> list[str]:
    allowed = allowed_actions(
        status=assignment.status,
        agency_id=assignment.agency_id,
        roles=roles,
        reported_by_id=assignment.reported_by_id,
    )
    offered = [act.value for act in WORKFLOW_ACTS if act in allowed]
    offered += agency_acts_offered(assignment, roles)
    if pending is not None and passes(extension_decision_check, roles=roles, requested_by_id=pending.requested_by_id):
        offered.append("extension_decide")
    return offered


def _explanation_acts(assignment, roles, current, *, size: int = 1) -> list[str]:
    """What this viewer may do about explanations now: ask (overdue work with no request
    under way), answer the open one, or decide the answered one. A request listing `size`
    assignments is answered for all of them at once, on the explanations page."""
    if current is None:
        overdue = passes(
            explanation_item_check,
            status=assignment.status,
            due_on=assignment.due_on,
            agency_id=assignment.agency_id,
            request_agency_id=assignment.agency_id,
            today=timezone.localdate(),
        )
        return ["explain_ask"] if overdue and passes(explanation_request_check, roles=roles) else []
    facts = {"status": current.status, "roles": roles}
    if passes(explanation_answer_check, agency_id=current.agency_id, **facts):
        return ["explain_answer"] if size == 1 else []
    if passes(explanation_decision_check, **facts):
        return ["explain_decide"]
    return []


def _correction_id(comment_pk: int) -> str:
    return f"correct_{comment_pk}_%s"


def _comments(assignment, roles, bound_act: str, bound_form) -> list:
    """The thread, each comment with its author's name and, while its author may still
    correct it, the correction form (the refused one, if that is what was sent)."""
    comments = list(assignment.comments.all())
    for comment in comments:
        comment.author_name = person(comment.author)
        comment.correction_form = None
        if bound_act == f"correct:{comment.pk}" and comment.author_id == roles.user_id:
            comment.correction_form = bound_form
        elif passes(comment_correction_check, author_id=comment.author_id, posted_at=comment.created_at, roles=roles):
            comment.correction_form = CommentForm(auto_id=_correction_id(comment.pk), initial={"text": comment.text})
    return comments


def _obstacles(assignment, roles, bound_act: str, bound_form) -> list:
    """The items raised on this work, each with the forms of the steps this viewer may take
    (the refused one, if that is what was sent), posting to this page."""
    obstacles = list(assignment.obstacles.all())
    for obstacle in obstacles:

        def action_url(act, obstacle=obstacle):
            return reverse("assignment_obstacle_step", args=[assignment.pk, obstacle.pk, act])

        act, _sep, pk = bound_act.partition(":")
        bound = (act, bound_form) if act in STEP_FORMS and pk == str(obstacle.pk) else None
        obstacle_with_forms(obstacle, roles, action_url=action_url, bound=bound)
    return obstacles


def _render(request, assignment, roles, *, bound: tuple[str, object] | None = None, status: int = 200):
    pending = _pending_extension(assignment)
    explanations = list(explanation_items_of(assignment=assignment))
    # The request under way, if any: an assignment is in one unfinished request at a time.
    current_item = next((item for item in explanations if item.request.status != ExplanationStatus.ACCEPTED), None)
    current = current_item.request if current_item else None
    size = current_item.request_size if current_item else 1
    offered = _acts_offered(assignment, roles, pending) + _explanation_acts(assignment, roles, current, size=size)
    # The agency answers a request of several assignments once, for all of them, on the explanations page.
    answer_elsewhere = (
        current is not None
        and size > 1
        and passes(explanation_answer_check, status=current.status, agency_id=current.agency_id, roles=roles)
    )
    initial = {
        "extension_decide": {"request": pending.pk if pending else None},
        "explain_answer": {"request": current.pk if current else None},
        "explain_decide": {"request": current.pk if current else None},
    }
    forms = {act: act_form(act, assignment, auto_id=f"{act}_%s", initial=initial.get(act)) for act in offered}
    may_comment = passes(comment_post_check, agency_id=assignment.agency_id, roles=roles)
    comment_form = CommentForm(auto_id="comment_%s") if may_comment else None
    may_raise = passes(obstacle_record_check, status=assignment.status, agency_id=assignment.agency_id, roles=roles)
    obstacle_form = act_form("obstacle", assignment, auto_id="obstacle_%s") if may_raise else None
    bound_act, bound_form = bound or ("", None)
    comments = _comments(assignment, roles, bound_act, bound_form)
    obstacles = _obstacles(assignment, roles, bound_act, bound_form)
    errors = []
    if bound_form is not None:
        if bound_act in forms:
            forms[bound_act] = bound_form
        elif bound_act == "comment" and may_comment:
            comment_form = bound_form
        elif bound_act == "obstacle" and may_raise:
            obstacle_form = bound_form
        on_page = (
            bound_act in forms
            or bound_form in (comment_form, obstacle_form)
            or any(comment.correction_form is bound_form for comment in comments)
            or any(step["form"] is bound_form for obstacle in obstacles for step in obstacle.forms)
        )
        errors = error_summary(bound_form, on_page=on_page)
    events = assignment.events.all()
    for event in events:
        event.summary = event_summary(event)
        event.actor_name = person(event.actor)
    # Events come newest first; the comments join them in the history, in the same order.
    history = sorted(
        [
            *events,
            *(comment_entry(comment) for comment in comments),
            *(explanation_step_entry(step) for item in explanations for step in item.request.steps.all()),
            *(obstacle_step_entry(step, obstacle) for obstacle in obstacles for step in obstacle.steps.all()),
        ],
        key=lambda entry: entry.occurred_at,
        reverse=True,
    )
    latest_report = next((e for e in events if e.kind == EventKind.STATUS and e.action == Action.REPORT_DONE), None)
    extensions = assignment.extension_requests.all()
    context = {
        "assignment": assignment,
        "task": assignment.task,
        "others": [a for a in assignment.task.all_assignments if a.pk != assignment.pk],
        "timeliness_label": _timeliness_label(assignment),
        "due_changed": assignment.due_on != assignment.original_due_on,
        "latest_report": latest_report,
        "history": history,
        "extensions": extensions,
        "explanations": explanations,
        "answer_elsewhere": current if answer_elsewhere else None,
        "committed_on": next((item.committed_on for item in explanations if item.committed_on), None),
        "comments": comments,
        "comment_form": comment_form,
        "obstacles": obstacles,
        "obstacle_form": obstacle_form,
        "has_pending_extension": pending is not None,
        "actions": [
            {
                "act": act,
                "form": form,
                "button": BUTTONS[act],
                "note_required": getattr(find_transition(assignment.status, act), "note_required", False),
            }
            for act, form in forms.items()
        ],
        "errors": errors,
        "title": f"{assignment.task.plan.code} #{assignment.task.number}, {assignment.agency}",
    }
    return render(request, "tasks_app/assignment_page.html", context, status=status)


def _visible(request, pk):
    roles = user_roles(request.user)
    return get_object_or_404(assignment_page(roles=roles), pk=pk), roles


@login_required
@require_GET
def assignment_detail(request, pk):
    assignment, roles = _visible(request, pk)
    return _render(request, assignment, roles)


@login_required
@require_POST
def assignment_detail_act(request, pk, act):
    if act not in FORMS:
        raise Http404
    assignment, roles = _visible(request, pk)
    form = act_form(act, assignment, request.POST, request.FILES, auto_id=f"{act}_%s")
    if not form.is_valid():
        return _render(request, assignment, roles, bound=(act, form), status=400)
    try:
        act_perform(act=act, assignment=assignment, actor=request.user, data=form.cleaned_data)
    except DomainError as refusal:
        refusal.show_on(form)
        return _render(request, assignment, roles, bound=(act, form), status=refusal.status_code)
    messages.success(request, act_done_message(act, assignment))
    # A comment lands back at the thread, an obstacle at its section, where the new one is.
    anchor = {"comment": "#comments", "obstacle": "#obstacles"}.get(act, "")
    return redirect(reverse("assignment_detail", args=[assignment.pk]) + anchor)


@login_required
@require_POST
def assignment_comment_correct(request, pk, comment_pk):
    """The author's correction of a comment on this assignment's page."""
    assignment, roles = _visible(request, pk)
    comment = next((c for c in assignment.comments.all() if c.pk == comment_pk), None)
    if comment is None:
        raise Http404
    form = CommentForm(request.POST, auto_id=_correction_id(comment.pk))
    bound = (f"correct:{comment.pk}", form)
    if not form.is_valid():
        return _render(request, assignment, roles, bound=bound, status=400)
    try:
        comment_correct(comment=comment, actor=request.user, text=form.cleaned_data["text"])
    except DomainError as refusal:
        refusal.show_on(form)
        return _render(request, assignment, roles, bound=bound, status=refusal.status_code)
    messages.success(request, act_done_message("comment_correct", assignment))
    return redirect(f"{reverse('assignment_detail', args=[assignment.pk])}#comment-{comment.pk}")


@login_required
@require_POST
def assignment_obstacle_step(request, pk, obstacle_pk, act):
    """An answer to, or the end of, one of the items raised on this work, from its page."""
    if act not in STEP_FORMS:
        raise Http404
    assignment, roles = _visible(request, pk)
    obstacle = next((o for o in assignment.obstacles.all() if o.pk == obstacle_pk), None)
    if obstacle is None:
        raise Http404
    form = step_form(act, obstacle, request.POST)
    bound = (f"{act}:{obstacle.pk}", form)
    if not form.is_valid():
        return _render(request, assignment, roles, bound=bound, status=400)
    try:
        done = obstacle_step_perform(act=act, obstacle=obstacle, actor=request.user, data=form.cleaned_data)
    except DomainError as refusal:
        refusal.show_on(form)
        assignment, roles = _visible(request, pk)
        return _render(request, assignment, roles, bound=bound, status=refusal.status_code)
    messages.success(request, obstacle_step_done_message(act, done))
    return redirect(f"{reverse('assignment_detail', args=[assignment.pk])}#obstacle-{obstacle.pk}")
