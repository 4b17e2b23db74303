"""What the pages let a user do to one assignment: each act's form and the service it
calls. The /my/ cards and the assignment page share them, so both refuse alike."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from agencies.selectors import user_roles
from core.errors import InvalidInput
from tasks_app.forms import (
    CommentForm,
    ExplanationAnswerForm,
    ExplanationAskForm,
    ExplanationDecisionForm,
    ExtensionForm,
    NoteForm,
    ObstacleForm,
    PendingExtensionDecisionForm,
    ProgressForm,
    ReportDoneForm,
)
from tasks_app.models import Assignment
from tasks_app.services import (
    ExplanationAnswer,
    assignment_transition,
    assignment_update_progress,
    comment_post,
    explanation_request_answer,
    explanation_request_create,
    explanation_request_decide,
    extension_request_create,
    extension_request_decide,
    obstacle_record,
)
from tasks_app.workflow import Action, extension_kinds, extension_request_check, passes, progress_update_check

FORMS = {
    "start": NoteForm,
    "report_done": ReportDoneForm,
    "progress": ProgressForm,
    "extension": ExtensionForm,
    "extension_decide": PendingExtensionDecisionForm,
    "accept": NoteForm,
    "return": NoteForm,
    "cancel": NoteForm,
    "reopen": NoteForm,
    "comment": CommentForm,
    "explain_ask": ExplanationAskForm,
    "explain_answer": ExplanationAnswerForm,
    "explain_decide": ExplanationDecisionForm,
    "obstacle": ObstacleForm,
}

DONE = {
    "start": _("%(task)s: đã bắt đầu thực hiện."),
    "report_done": _("%(task)s: đã báo cáo hoàn thành, chờ Tổ giúp việc xác nhận."),
    "progress": _("%(task)s: đã cập nhật tiến độ."),
    "extension": _("%(task)s: đã gửi đề nghị điều chỉnh thời hạn."),
    "extension_decide": _("%(task)s: đã quyết định đề nghị điều chỉnh thời hạn."),
    "accept": _("%(task)s: đã xác nhận hoàn thành."),
    "return": _("%(task)s: đã trả lại báo cáo cho cơ quan."),
    "cancel": _("%(task)s: đã dừng thực hiện."),
    "reopen": _("%(task)s: đã mở lại."),
    "comment": _("%(task)s: đã gửi ý kiến trao đổi."),
    "comment_correct": _("%(task)s: đã sửa ý kiến trao đổi."),
    "explain_ask": _("%(task)s: đã gửi yêu cầu giải trình; đầu mối của cơ quan đã được báo."),
    "explain_answer": _("%(task)s: đã gửi giải trình, chờ Tổ giúp việc xem xét."),
    "explain_decide": _("%(task)s: đã gửi ý kiến về giải trình."),
    "obstacle": _("%(task)s: đã gửi khó khăn, vướng mắc, kiến nghị; nơi nhận đã được báo."),
}


# The agency's own acts outside the workflow table, each with the check its service makes.
AGENCY_ACT_CHECKS = {"progress": progress_update_check, "extension": extension_request_check}


def agency_acts_offered(assignment: Assignment, roles) -> list[str]:
    """Those of the agency's own acts (progress, extension request) the services would accept now."""
    facts = {"status": assignment.status, "agency_id": assignment.agency_id, "roles": roles}
    return [act for act, check in AGENCY_ACT_CHECKS.items() if passes(check, **facts)]


def act_form(act: str, assignment: Assignment, *args, **kwargs):
    """The form of `act` on this assignment, bound or not (Django's form arguments): a
    request about the deadline offers only the kinds this assignment allows; an obstacle is
    addressed to any agency but the assignment's own."""
    if act == "extension":
        kwargs["kinds"] = extension_kinds(due_on=assignment.due_on)
    if act == "obstacle":
        kwargs["agency_id"] = assignment.agency_id
    return FORMS[act](*args, **kwargs)


def act_perform(*, act: str, assignment: Assignment, actor, data: dict) -> None:
    """Call the service behind `act` with a valid form's data; a refusal raises its DomainError."""
    if act == "progress":
        assignment_update_progress(assignment=assignment, progress=data["progress"], actor=actor, note=data["note"])
    elif act == "extension":
        extension_request_create(
            assignment=assignment,
            kind=data["kind"],
            reason=data["reason"],
            requested_due_on=data.get("requested_due_on"),
            actor=actor,
        )
    elif act == "comment":
        comment_post(assignment=assignment, author=actor, text=data["text"])
    elif act == "obstacle":
        obstacle_record(
            assignment=assignment, kind=data["kind"], text=data["text"], addressee=data["addressee"], actor=actor
        )
    elif act == "explain_ask":
        explanation_request_create(
            agency=assignment.agency,
            assignments=[assignment],
            message=data["message"],
            answer_due_on=data["answer_due_on"],
            actor=actor,
        )
    elif act in ("explain_answer", "explain_decide"):
        item = assignment.explanation_items.select_related("request").filter(request_id=data["request"]).first()
        if item is None:
            raise InvalidInput(_("Không có yêu cầu giải trình này."), field="request")
        if act == "explain_answer":
            answer = ExplanationAnswer(
                assignment=assignment.pk,
                reason_kind=data["reason_kind"],
                reason=data["reason"],
                difficulties=data["difficulties"],
                committed_on=data["committed_on"],
            )
            explanation_request_answer(request=item.request, answers=[answer], actor=actor)
        else:
            explanation_request_decide(request=item.request, decision=data["decision"], note=data["note"], actor=actor)
    elif act == "extension_decide":
        request = assignment.extension_requests.filter(pk=data["request"]).first()
        if request is None:
            raise InvalidInput(_("Không có đề nghị này."), field="request")
        extension_request_decide(request=request, approve=data["approve"], actor=actor, note=data["note"])
    else:
        assignment_transition(
            assignment=assignment,
            action=Action(act),
            actor=actor,
            note=data["note"],
            evidence_url=data.get("evidence_url", ""),
            evidence_file=data.get("evidence_file"),
        )


def committee_staff_roles(request, *, refusal: str):
    """The roles of a user on a page for committee staff only: anyone else gets a 403 saying
    `refusal`."""
    roles = user_roles(request.user)
    if not roles.is_committee_staff:
        raise PermissionDenied(refusal)
    return roles


def error_summary(form, *, on_page: bool = True) -> list[dict]:
    """A refused form's errors for the summary at the top of its page, each with the id of
    its field to link to where the form is on the page (a group of radios has no single
    input: its group's id then)."""
    errors = []
    for name, field_errors in form.errors.items():
        field = form[name] if name in form.fields and on_page else None
        target = (field.id_for_label or field.auto_id) if field else ""
        errors += [{"id": target, "message": message} for message in field_errors]
    return errors


def act_done_message(act: str, assignment: Assignment) -> str:
    return DONE[act] % {"task": f"{assignment.task.plan.code} #{assignment.task.number}"}
