"""The difficulties, obstacles and proposals page (/obstacles/): for committee staff every
item, not yet closed unless asked otherwise, filtered by plan, kind, addressee, status and
the agency that raised it, oldest first or grouped by addressee, paged with the total and
downloadable as a spreadsheet; for an agency's focal points and leaders the items addressed
to their agency (to answer) and the ones it raised. Each item shows its steps and the forms
of what the viewer may do to it: answer it, or resolve or decline it.

The assignment page shows its own items with the same forms (obstacle_with_forms). A refused
form is shown again with what was typed and the error beside its field; only a success
redirects, back to the list as it was filtered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from agencies.selectors import user_roles
from core.errors import DomainError
from core.paging import page_link_prefix
from core.renderers import XLSXRenderer
from tasks_app.api.exports import obstacle_table
from tasks_app.forms import ObstacleAnswerForm, ObstacleListForm, ObstacleResolveForm
from tasks_app.history import person
from tasks_app.selectors import (
    OBSTACLES_UNFINISHED,
    obstacles_by_addressee,
    obstacles_filtered,
    obstacles_of_side,
    obstacles_visible_to,
)
from tasks_app.services import obstacle_answer, obstacle_resolve
from tasks_app.views.acts import error_summary
from tasks_app.workflow import obstacle_answer_check, obstacle_resolve_check, passes

PER_PAGE = 50
STEP_FORMS = {"answer": ObstacleAnswerForm, "resolve": ObstacleResolveForm}
DONE = {
    "answer": gettext_lazy("%(item)s: đã gửi trả lời; người nêu đã được báo."),
    "resolve": gettext_lazy("%(item)s: đã kết thúc (“%(status)s”)."),
}


def obstacle_title(obstacle) -> str:
    """What a button or a message names: the item and the work it is about."""
    assignment = obstacle.assignment
    return (
        f"{obstacle.get_kind_display()} {timezone.localtime(obstacle.raised_at):%d/%m/%Y %H:%M} — "
        f"{assignment.task.plan.code} #{assignment.task.number}, {assignment.agency}"
    )


def step_form(act: str, obstacle, data=None):
    # Each item's fields get ids of their own, so that every label names its field.
    return STEP_FORMS[act](data, auto_id=f"o{obstacle.pk}_{act}_%s")


def obstacle_with_forms(obstacle, roles, *, action_url, bound: tuple[str, object] | None = None):
    """Gives an item what its card shows: its title, its steps with who took them, whether
    the viewer may open its assignment, and the forms of the steps the viewer may take now
    (the refused one as it was sent), each posting to `action_url(act)`."""
    obstacle.title = obstacle_title(obstacle)
    obstacle.may_open_assignment = roles.is_committee_staff or obstacle.assignment.agency_id in roles.agency_ids
    for step in obstacle.steps.all():
        step.actor_name = person(step.actor)
    may = {
        "answer": passes(
            obstacle_answer_check, status=obstacle.status, addressee_id=obstacle.addressee_id, roles=roles
        ),
        "resolve": passes(
            obstacle_resolve_check, status=obstacle.status, agency_id=obstacle.assignment.agency_id, roles=roles
        ),
    }
    bound_act, bound_form = bound or ("", None)
    obstacle.forms = [
        {
            "act": act,
            "form": bound_form if act == bound_act else step_form(act, obstacle),
            "url": action_url(act),
            "button": _("Gửi trả lời") if act == "answer" else _("Ghi kết quả"),
        }
        for act in STEP_FORMS
        if may[act] or act == bound_act
    ]
    return obstacle


def obstacle_step_perform(*, act: str, obstacle, actor, data: dict):
    """Call the service behind a step with a valid form's data; a refusal raises its DomainError."""
    if act == "answer":
        return obstacle_answer(obstacle=obstacle, text=data["text"], actor=actor)
    return obstacle_resolve(obstacle=obstacle, resolution=data["resolution"], note=data["note"], actor=actor)


def obstacle_step_done_message(act: str, obstacle) -> str:
    return DONE[act] % {"item": obstacle_title(obstacle), "status": obstacle.get_status_display()}


def _roles(request):
    """Committee staff, and the focal points and leaders of an agency: they have items to see."""
    roles = user_roles(request.user)
    if not (roles.is_committee_staff or roles.agency_ids):
        raise PermissionDenied(
            _("Trang này dành cho Tổ giúp việc và đầu mối, lãnh đạo các cơ quan được giao nhiệm vụ.")
        )
    return roles


def _listed(roles, form: ObstacleListForm):
    data = form.cleaned_data
    obstacles = obstacles_visible_to(roles=roles)
    if not roles.is_committee_staff:
        obstacles = obstacles_of_side(obstacles, roles=roles, addressed=data["box"] == ObstacleListForm.TO_US)
    status = {"": OBSTACLES_UNFINISHED, ObstacleListForm.ALL: ""}.get(data["status"], data["status"])
    obstacles = obstacles_filtered(
        obstacles,
        status=status,
        kind=data["kind"],
        addressee=data["addressee"],
        agency=data["agency"].code if data["agency"] else "",
        plan=data["plan"].code if data["plan"] else "",
    )
    if data["order"] == ObstacleListForm.BY_ADDRESSEE:
        obstacles = obstacles_by_addressee(obstacles)
    return obstacles


def _download(obstacles) -> HttpResponse:
    caption = _("Khó khăn, vướng mắc, kiến nghị, đến ngày %(day)s") % {"day": f"{timezone.localdate():%d/%m/%Y}"}
    response = HttpResponse(
        XLSXRenderer().render(obstacle_table(obstacles, caption=caption)), content_type=XLSXRenderer.media_type
    )
    response["Content-Disposition"] = f'attachment; filename="kho-khan-vuong-mac-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def _render(request, roles, *, bound=None, status: int = 200):
    """The list as the query string asks for it; `bound` is a refused step (the item, the
    act and its form), shown first when the list does not hold it."""
    form = ObstacleListForm(request.GET, staff=roles.is_committee_staff)
    if not form.is_valid():
        return render(request, "tasks_app/obstacles.html", {"filters": form}, status=400)
    obstacles = _listed(roles, form)
    if request.GET.get("format") == "xlsx":
        return _download(obstacles)
    page = Paginator(obstacles, PER_PAGE).get_page(form.cleaned_data["page"])
    rows = list(page.object_list)
    errors = []
    query = request.GET.urlencode()
    bound_for = {}
    if bound is not None:
        refused, act, bound_form = bound
        errors = error_summary(bound_form)
        if not any(row.pk == refused.pk for row in rows):
            rows.insert(0, refused)
        bound_for[refused.pk] = (act, bound_form)

    def action_url(obstacle):
        return lambda act: reverse("obstacle_step", args=[obstacle.pk, act]) + (f"?{query}" if query else "")

    rows = [obstacle_with_forms(row, roles, action_url=action_url(row), bound=bound_for.get(row.pk)) for row in rows]
    context = {
        "filters": form,
        "staff": roles.is_committee_staff,
        "box": form.cleaned_data.get("box"),
        "page": page,
        "rows": rows,
        "errors": errors,
        "page_url": page_link_prefix(request.GET),
    }
    return render(request, "tasks_app/obstacles.html", context, status=status)


@login_required
@require_GET
def obstacles_page(request):
    return _render(request, _roles(request))


@login_required
@require_POST
def obstacle_step(request, pk, act):
    if act not in STEP_FORMS:
        raise Http404
    roles = _roles(request)
    obstacle = get_object_or_404(obstacles_visible_to(roles=roles), pk=pk)
    form = step_form(act, obstacle, request.POST)
    if not form.is_valid():
        return _render(request, roles, bound=(obstacle, act, form), status=400)
    try:
        done = obstacle_step_perform(act=act, obstacle=obstacle, actor=request.user, data=form.cleaned_data)
    except DomainError as refusal:
        refusal.show_on(form)
        obstacle = obstacles_visible_to(roles=roles).get(pk=pk)
        return _render(request, roles, bound=(obstacle, act, form), status=refusal.status_code)
    messages.success(request, obstacle_step_done_message(act, done))
    query = request.GET.urlencode()
    return redirect(f"{reverse('obstacles')}?{query}" if query else reverse("obstacles"))
