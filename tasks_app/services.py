"""Writes to assignments. Each service checks the actor's right, changes the row and
records a StatusEvent in one transaction; a refusal raises a DomainError and changes
nothing."""

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import FileExtensionValidator, URLValidator
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind
from agencies.selectors import focal_points_of, user_roles
from core.calendar import working_days_after
from core.errors import ActionForbidden, DomainError, InvalidInput, TransitionNotAllowed
from tasks_app.announcements import (
    assignment_reassigned,
    assignment_transitioned,
    comment_posted,
    explanation_answered,
    explanation_decided,
    explanation_requested,
    extension_decided,
    extension_requested,
    obstacle_answered,
    obstacle_recorded,
    obstacle_resolved,
)
from tasks_app.counts import count_key, counts_apply
from tasks_app.models import (
    COMMENT_MAX_LENGTH,
    EVIDENCE_EXTENSIONS,
    OBSTACLE_TEXT_MAX_LENGTH,
    OPEN_STATUSES,
    Assignment,
    AssignmentRole,
    Comment,
    CommentRevision,
    EventKind,
    ExplanationItem,
    ExplanationRequest,
    ExplanationStatus,
    ExplanationStep,
    ExplanationStepKind,
    ExtensionKind,
    ExtensionRequest,
    ExtensionStatus,
    Obstacle,
    ObstacleKind,
    ObstacleStatus,
    ObstacleStep,
    ObstacleStepKind,
    ReasonKind,
    Status,
    StatusEvent,
    Task,
)
from tasks_app.selectors import report_events
from tasks_app.snapshots import snapshots_invalidate_for
from tasks_app.workflow import (
    Action,
    ExplanationDecision,
    ObstacleResolution,
    comment_correction_check,
    comment_post_check,
    explanation_answer_check,
    explanation_decision_check,
    explanation_item_check,
    explanation_request_check,
    extension_date_check,
    extension_decision_check,
    extension_request_check,
    find_transition,
    obstacle_addressee_check,
    obstacle_answer_check,
    obstacle_record_check,
    obstacle_resolve_check,
    progress_update_check,
    transition_for,
)

logger = logging.getLogger(__name__)


def _event(
    assignment: Assignment,
    *,
    kind: str,
    actor: User | None,
    action: str = "",
    before: str = "",
    after: str = "",
    note: str = "",
    evidence_url: str = "",
) -> StatusEvent:
    """An unsaved event carrying the assignment's state as it is now."""
    return StatusEvent(
        assignment=assignment,
        actor=actor,
        kind=kind,
        action=action,
        before=before,
        after=after,
        note=note,
        evidence_url=evidence_url,
        occurred_at=timezone.now(),
        status=assignment.status,
        due_on=assignment.due_on,
        completed_on=assignment.completed_on,
        agency_id=assignment.agency_id,
        owner_id=assignment.owner_id,
        progress=assignment.progress,
    )


def _record(assignment: Assignment, **event_fields) -> StatusEvent:
    event = _event(assignment, **event_fields)
    event.save()
    return event


def _locked(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("task__plan", "agency", "owner")
        .get(pk=assignment.pk)
    )


def _check_single_lead(*, task: Task, agency: Agency, excluding: Assignment | None = None) -> None:
    """A task has one lead agency, or one lead province each when given to provinces."""
    leads = task.assignments.filter(role=AssignmentRole.LEAD)
    if excluding is not None:
        leads = leads.exclude(pk=excluding.pk)
    lead_kinds = set(leads.values_list("agency__kind", flat=True))
    if not lead_kinds:
        return
    if agency.kind != AgencyKind.PROVINCE or lead_kinds != {AgencyKind.PROVINCE}:
        raise InvalidInput(_("Nhiệm vụ này đã có cơ quan chủ trì."), field="agency")


def _check_focal_point(*, owner: User, agency: Agency) -> None:
    if not focal_points_of(agency.pk).filter(pk=owner.pk).exists():
        raise InvalidInput(
            _("%(user)s không phải đầu mối của %(agency)s.") % {"user": owner, "agency": agency}, field="owner"
        )


def _check_evidence(*, evidence_url: str, evidence_file: File | None) -> None:
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError:
            raise InvalidInput(_("Đường dẫn minh chứng không hợp lệ."), field="evidence_url") from None
    if evidence_file is not None:
        if evidence_file.size > settings.TRACKER_EVIDENCE_MAX_BYTES:
            raise InvalidInput(
                _("Tệp minh chứng lớn quá %(megabytes)d MB.")
                % {"megabytes": settings.TRACKER_EVIDENCE_MAX_BYTES // (1024 * 1024)},
                field="evidence_file",
            )
        try:
            # Django's own message for this has no Vietnamese translation.
            FileExtensionValidator(
                EVIDENCE_EXTENSIONS,
                message=_("Không nhận tệp có đuôi “%(extension)s”; chỉ nhận: %(allowed_extensions)s."),
            )(evidence_file)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages), field="evidence_file") from None


def _required(text: str, *, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Cần nêu lý do."), field=field)
    return text


@transaction.atomic
def assignment_create(
    *,
    task: Task,
    agency: Agency,
    role: str,
    actor: User | None = None,
    owner: User | None = None,
    due_on: date | None = None,
) -> Assignment:
    """Give a task to an agency; the due date defaults to the task's deadline."""
    if role == AssignmentRole.LEAD:
        _check_single_lead(task=task, agency=agency)
    if owner is not None:
        _check_focal_point(owner=owner, agency=agency)
    if task.assignments.filter(agency=agency).exists():
        raise InvalidInput(_("Cơ quan này đã được giao nhiệm vụ này."), field="agency")
    due_on = due_on or task.due_on
    assignment = Assignment.objects.create(
        task=task, agency=agency, role=role, owner=owner, due_on=due_on, original_due_on=due_on
    )
    _record(assignment, kind=EventKind.CREATED, actor=actor, after=agency.code)
    counts_apply(after=[count_key(assignment, plan_id=task.plan_id)])
    return assignment


def _last_report(assignment: Assignment) -> tuple[int | None, datetime] | None:
    """Who reported the work done, and when, the last time."""
    return report_events().filter(assignment=assignment).values_list("actor_id", "occurred_at").first()


@contextmanager
def _files_removed_on_failure() -> Iterator[list[FieldFile]]:
    """Collects the files a write stores and deletes them if the write fails: the rows that
    would have named them are rolled back, and a file nobody references is never served.
    Enter it outside the transaction, so that the files go only once the rollback is done.
    An enclosing transaction that rolls back after the write returned is beyond its reach:
    evidence_orphans sweeps what that leaves."""
    stored: list[FieldFile] = []
    try:
        yield stored
    except BaseException:
        for file in stored:
            try:
                file.delete(save=False)
            except Exception:  # the write's own error is the one to raise; evidence_orphans sweeps the rest
                logger.exception("Could not remove %s after a failed write", file.name)
        raise


def assignment_transition(
    *,
    assignment: Assignment,
    action: str,
    actor: User,
    note: str = "",
    evidence_url: str = "",
    evidence_file: File | None = None,
) -> Assignment:
    """Move an assignment through the workflow table (tasks_app.workflow). A report of
    work done may carry its evidence: a link, a file, or both.

    Work counts as completed on the day it was reported, not the day committee staff
    accepted the report, so the review's delay does not make an agency late.
    """
    with _files_removed_on_failure() as stored, transaction.atomic():
        if action not in Action.values:
            raise InvalidInput(_("Thao tác không hợp lệ: %(action)s.") % {"action": action}, field="action")
        action = Action(action)
        note = (note or "").strip()
        evidence_url = (evidence_url or "").strip()
        if (evidence_url or evidence_file) and action != Action.REPORT_DONE:
            raise InvalidInput(_("Chỉ báo cáo hoàn thành mới kèm minh chứng."), field="evidence_url")
        _check_evidence(evidence_url=evidence_url, evidence_file=evidence_file)
        assignment = _locked(assignment)
        last_report = _last_report(assignment) if action == Action.ACCEPT else None
        transition = transition_for(
            status=assignment.status,
            action=action,
            agency_id=assignment.agency_id,
            roles=user_roles(actor),
            reported_by_id=last_report[0] if last_report else None,
        )
        if transition.note_required and not note:
            raise InvalidInput(_("Cần nêu lý do."), field="note")

        before, counted = assignment.status, count_key(assignment)
        assignment.status = transition.target
        if transition.target == Status.DONE:
            # Only an accepted report leads here; history without its report event counts today.
            assignment.completed_on = timezone.localdate(last_report[1] if last_report else None)
            assignment.progress = 100
        else:
            assignment.completed_on = None
        assignment.save(update_fields=["status", "completed_on", "progress", "updated_at"])
        event = _event(
            assignment,
            kind=EventKind.STATUS,
            actor=actor,
            action=action,
            before=before,
            after=assignment.status,
            note=note,
            evidence_url=evidence_url,
        )
        if evidence_file is not None:
            # Stored last, once every check has passed, and by hand rather than by the insert,
            # so that a failing insert still leaves the stored name to remove.
            event.evidence_file.save(evidence_file.name, evidence_file, save=False)
            stored.append(event.evidence_file)
        event.save()
        assignment_transitioned.send(sender=Assignment, assignment=assignment, action=action, event=event)
        # Last, once nothing else can fail: a deferred count (counts_deferred) is not rolled back.
        counts_apply(before=[counted], after=[count_key(assignment)])
        return assignment


@dataclass
class ReviewOutcome:
    """What became of each report of a selection: done, or refused with the reason."""

    done: list[Assignment] = field(default_factory=list)
    refused: list[tuple[Assignment, str]] = field(default_factory=list)


# The decisions committee staff take on a report from the review queue.
REVIEW_ACTIONS = (Action.ACCEPT, Action.RETURN)


def assignments_review(*, assignments: Iterable[Assignment], action: str, actor: User, note: str = "") -> ReviewOutcome:
    """Accept or return each report of a selection, one by one through assignment_transition,
    each in its own transaction: a report refused (the actor's own, already decided by
    someone else) leaves the others done. A note the workflow requires is asked for once,
    before anything is done."""
    if action not in REVIEW_ACTIONS:
        raise InvalidInput(_("Thao tác không hợp lệ: %(action)s.") % {"action": action}, field="action")
    note = (note or "").strip()
    if find_transition(Status.REPORTED, action).note_required and not note:
        raise InvalidInput(_("Cần nêu lý do."), field="note")
    outcome = ReviewOutcome()
    for assignment in assignments:
        try:
            outcome.done.append(assignment_transition(assignment=assignment, action=action, actor=actor, note=note))
        except DomainError as refusal:
            outcome.refused.append((assignment, refusal.message))
    return outcome


@transaction.atomic
def assignment_update_progress(*, assignment: Assignment, progress: int, actor: User, note: str = "") -> Assignment:
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise InvalidInput(_("Tiến độ phải là số nguyên từ 0 đến 100."), field="progress")
    assignment = _locked(assignment)
    progress_update_check(
        status=assignment.status, agency_id=assignment.agency_id, roles=user_roles(actor), progress=progress
    )
    before = assignment.progress
    assignment.progress = progress
    assignment.save(update_fields=["progress", "updated_at"])
    _record(
        assignment,
        kind=EventKind.PROGRESS,
        actor=actor,
        before=str(before),
        after=str(progress),
        note=(note or "").strip(),
    )
    return assignment


@transaction.atomic
def assignment_reassign(
    *,
    assignment: Assignment,
    actor: User,
    reason: str,
    agency: Agency | None = None,
    owner: User | None = None,
) -> Assignment:
    """Hand an open assignment to another agency, another owner, or both.

    Moving to another agency drops the old owner unless a new one is given: an owner
    is always a focal point of the assignment's agency.
    """
    if not user_roles(actor).is_committee_staff:
        raise ActionForbidden(_("Chỉ Tổ giúp việc mới giao lại được nhiệm vụ."))
    reason = _required(reason, field="reason")
    assignment = _locked(assignment)
    if assignment.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(
            _("Không thể giao lại nhiệm vụ đang ở trạng thái “%(status)s”.")
            % {"status": assignment.get_status_display()}
        )
    new_agency = agency or assignment.agency
    agency_changes = new_agency.pk != assignment.agency_id
    new_owner = owner if owner is not None or not agency_changes else None
    if owner is None and not agency_changes:
        raise InvalidInput(_("Chọn cơ quan hoặc người phụ trách mới."), field="owner")
    if agency_changes:
        if not new_agency.is_active:
            raise InvalidInput(_("%(agency)s không còn hoạt động.") % {"agency": new_agency}, field="agency")
        if Assignment.objects.filter(task_id=assignment.task_id, agency=new_agency).exists():
            raise InvalidInput(_("Cơ quan này đã được giao nhiệm vụ này."), field="agency")
        if assignment.role == AssignmentRole.LEAD:
            _check_single_lead(task=assignment.task, agency=new_agency, excluding=assignment)
    if new_owner is not None:
        _check_focal_point(owner=new_owner, agency=new_agency)
    owner_changes = (new_owner.pk if new_owner else None) != assignment.owner_id
    if not agency_changes and not owner_changes:
        raise InvalidInput(_("Nhiệm vụ đã được giao cho người này."), field="owner")

    old_agency, old_owner, counted = assignment.agency, assignment.owner, count_key(assignment)
    assignment.agency, assignment.owner = new_agency, new_owner
    assignment.save(update_fields=["agency", "owner", "updated_at"])
    if agency_changes:
        _record(
            assignment, kind=EventKind.AGENCY, actor=actor, before=old_agency.code, after=new_agency.code, note=reason
        )
    if owner_changes:
        event = _record(
            assignment,
            kind=EventKind.OWNER,
            actor=actor,
            before=old_owner.get_username() if old_owner else "",
            after=new_owner.get_username() if new_owner else "",
            note=reason,
        )
        assignment_reassigned.send(
            sender=Assignment,
            assignment=assignment,
            event=event,
            old_owner=old_owner,
            new_owner=new_owner,
            reason=reason,
        )
    counts_apply(before=[counted], after=[count_key(assignment)])
    return assignment


@transaction.atomic
def assignments_fill_owners(*, owners_by_agency: Mapping[int, User], actor: User | None = None) -> int:
    """Make the given focal point the owner of every unowned assignment of their agency."""
    assignments = list(
        Assignment.objects.select_for_update().filter(agency_id__in=owners_by_agency.keys(), owner__isnull=True)
    )
    for assignment in assignments:
        assignment.owner = owners_by_agency[assignment.agency_id]
    # Owners are not counted (tasks_app.counts): today's counts stay as they are.
    Assignment.objects.bulk_update(assignments, ["owner"], batch_size=500)
    events = StatusEvent.objects.bulk_create(
        [
            _event(a, kind=EventKind.OWNER, actor=actor, after=a.owner.get_username(), note=_("Giao người phụ trách"))
            for a in assignments
        ],
        batch_size=500,
    )
    # bulk_create sends no post_save: the snapshots are kept right here instead of in the signal.
    snapshots_invalidate_for(event.occurred_at for event in events)
    return len(assignments)


@transaction.atomic
def extension_request_create(
    *, assignment: Assignment, kind: str, reason: str, actor: User, requested_due_on: date | None = None
) -> ExtensionRequest:
    """A focal point asks to postpone (lùi), extend (giãn) or withdraw (rút) an assignment."""
    if kind not in ExtensionKind.values:
        raise InvalidInput(_("Loại đề nghị không hợp lệ."), field="kind")
    reason = _required(reason, field="reason")
    assignment = _locked(assignment)
    extension_request_check(status=assignment.status, agency_id=assignment.agency_id, roles=user_roles(actor))
    if assignment.extension_requests.filter(status=ExtensionStatus.PENDING).exists():
        raise TransitionNotAllowed(_("Nhiệm vụ này đã có một đề nghị đang chờ quyết định."))
    extension_date_check(
        kind=kind, due_on=assignment.due_on, requested_due_on=requested_due_on, today=timezone.localdate()
    )
    if kind == ExtensionKind.WITHDRAW:
        requested_due_on = None
    request = ExtensionRequest.objects.create(
        assignment=assignment, kind=kind, requested_due_on=requested_due_on, reason=reason, requested_by=actor
    )
    extension_requested.send(sender=ExtensionRequest, request=request)
    return request


@transaction.atomic
def extension_request_decide(
    *, request: ExtensionRequest, approve: bool, actor: User, note: str = ""
) -> ExtensionRequest:
    """Committee staff approve or reject a request. An approved postponement or extension
    moves the due date (the original stays); an approved withdrawal cancels the assignment."""
    extension_decision_check(roles=user_roles(actor), requested_by_id=request.requested_by_id)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ExtensionStatus.PENDING:
        raise TransitionNotAllowed(_("Đề nghị này đã được quyết định."))
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidInput(_("Cần nêu lý do."), field="note")

    if approve and request.kind == ExtensionKind.WITHDRAW:
        assignment_transition(
            assignment=request.assignment, action=Action.CANCEL, actor=actor, note=note or request.reason
        )
    elif approve:
        assignment = _locked(request.assignment)
        if assignment.status not in OPEN_STATUSES:
            raise TransitionNotAllowed(
                _("Không thể đổi thời hạn khi nhiệm vụ đang ở trạng thái “%(status)s”.")
                % {"status": assignment.get_status_display()}
            )
        before, counted = assignment.due_on, count_key(assignment)
        assignment.due_on = request.requested_due_on
        assignment.save(update_fields=["due_on", "updated_at"])
        counts_apply(before=[counted], after=[count_key(assignment)])
        _record(
            assignment,
            kind=EventKind.DUE_DATE,
            actor=actor,
            action=request.kind,
            before=before.isoformat(),
            after=assignment.due_on.isoformat(),
            note=note or request.reason,
        )
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    extension_decided.send(sender=ExtensionRequest, request=request, note=note)
    return request


def _comment_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Cần nhập nội dung ý kiến."), field="text")
    if len(text) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            _("Ý kiến dài quá %(limit)d ký tự (hiện có %(length)d).")
            % {"limit": COMMENT_MAX_LENGTH, "length": len(text)},
            field="text",
        )
    return text


@transaction.atomic
def comment_post(*, assignment: Assignment, author: User, text: str) -> Comment:
    """Add a comment to an assignment's discussion; the other side is told (see
    notifications.receivers)."""
    comment_post_check(agency_id=assignment.agency_id, roles=user_roles(author))
    comment = Comment.objects.create(
        assignment=assignment, author=author, text=_comment_text(text), created_at=timezone.now()
    )
    comment_posted.send(sender=Comment, comment=comment)
    return comment


@transaction.atomic
def comment_correct(*, comment: Comment, actor: User, text: str) -> Comment:
    """The author corrects a comment within the correction window; the text it replaces
    is kept. Nobody is told again: the thread shows the comment as corrected."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    now = timezone.now()
    comment_correction_check(
        author_id=comment.author_id, posted_at=comment.created_at, roles=user_roles(actor), now=now
    )
    text = _comment_text(text)
    if text == comment.text:
        return comment
    CommentRevision.objects.create(
        comment=comment, text=comment.text, written_at=comment.edited_at or comment.created_at, replaced_at=now
    )
    comment.text, comment.edited_at = text, now
    comment.save(update_fields=["text", "edited_at"])
    return comment


def _answer_due_on(answer_due_on: date | None, *, today: date) -> date:
    """The answer date staff set, from today on, or the working days the setting gives."""
    if answer_due_on is None:
        return working_days_after(today, settings.TRACKER_EXPLANATION_ANSWER_DAYS)
    if answer_due_on < today:
        raise InvalidInput(
            _("Hạn giải trình đã qua: chọn một ngày từ hôm nay (%(today)s) trở đi.") % {"today": f"{today:%d/%m/%Y}"},
            field="answer_due_on",
        )
    return answer_due_on


@transaction.atomic
def explanation_request_create(
    *,
    agency: Agency,
    assignments: Sequence[Assignment],
    message: str,
    actor: User,
    answer_due_on: date | None = None,
) -> ExplanationRequest:
    """Committee staff ask an agency to explain its overdue work (one request listing its
    assignments); its focal points are told at once."""
    explanation_request_check(roles=user_roles(actor))
    message = (message or "").strip()
    if not message:
        raise InvalidInput(_("Cần nêu nội dung yêu cầu giải trình."), field="message")
    if not assignments:
        raise InvalidInput(_("Chọn ít nhất một nhiệm vụ cần giải trình."), field="assignments")
    today = timezone.localdate()
    locked = list(
        Assignment.objects.select_for_update(of=("self",))
        .select_related("task__plan")
        .filter(pk__in={a.pk for a in assignments})
        .order_by("pk")
    )
    for assignment in locked:
        try:
            explanation_item_check(
                status=assignment.status,
                due_on=assignment.due_on,
                agency_id=assignment.agency_id,
                request_agency_id=agency.pk,
                today=today,
            )
        except InvalidInput as refusal:
            raise InvalidInput(
                _("%(task)s: %(reason)s.")
                % {"task": f"{assignment.task.plan.code} #{assignment.task.number}", "reason": refusal.message},
                field="assignments",
            ) from refusal
    pending = ExplanationItem.objects.filter(assignment__in=locked).exclude(request__status=ExplanationStatus.ACCEPTED)
    if pending.exists():
        item = pending.select_related("assignment__task__plan").first()
        raise InvalidInput(
            _("%(task)s đã có một yêu cầu giải trình chưa kết thúc.")
            % {"task": f"{item.assignment.task.plan.code} #{item.assignment.task.number}"},
            field="assignments",
        )
    due = _answer_due_on(answer_due_on, today=today)
    request = ExplanationRequest.objects.create(agency=agency, message=message, answer_due_on=due, created_by=actor)
    ExplanationItem.objects.bulk_create([ExplanationItem(request=request, assignment=a) for a in locked])
    ExplanationStep.objects.create(
        request=request, kind=ExplanationStepKind.REQUESTED, actor=actor, note=message, answer_due_on=due
    )
    explanation_requested.send(sender=ExplanationRequest, request=request)
    return request


@dataclass
class ExplanationOutcome:
    """What became of a selection asked about agency by agency: each request sent with its
    assignments, and each agency refused with its assignments and the reason."""

    made: list[tuple[ExplanationRequest, list[Assignment]]] = field(default_factory=list)
    refused: list[tuple[Agency, list[Assignment], str]] = field(default_factory=list)


def explanation_requests_create_by_agency(
    *, assignments: Iterable[Assignment], message: str, actor: User, answer_due_on: date | None = None
) -> ExplanationOutcome:
    """Committee staff ask about a selection of overdue work: one request per agency, listing
    that agency's assignments, each through explanation_request_create in its own transaction,
    so that an agency refused (work already under a request, no longer overdue) leaves the
    others asked. The right to ask, the message and the answer date are checked once, before
    anything is sent."""
    explanation_request_check(roles=user_roles(actor))
    message = (message or "").strip()
    if not message:
        raise InvalidInput(_("Cần nêu nội dung yêu cầu giải trình."), field="message")
    _answer_due_on(answer_due_on, today=timezone.localdate())
    by_agency: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        by_agency.setdefault(assignment.agency_id, []).append(assignment)
    if not by_agency:
        raise InvalidInput(_("Chọn ít nhất một nhiệm vụ cần giải trình."), field="assignments")
    outcome = ExplanationOutcome()
    agencies = Agency.objects.in_bulk(by_agency)
    for agency in sorted(agencies.values(), key=lambda agency: agency.name):
        selected = by_agency[agency.pk]
        try:
            made = explanation_request_create(
                agency=agency, assignments=selected, message=message, actor=actor, answer_due_on=answer_due_on
            )
            outcome.made.append((made, selected))
        except DomainError as refusal:
            outcome.refused.append((agency, selected, refusal.message))
    return outcome


@dataclass(frozen=True)
class ExplanationAnswer:
    """The agency's answer for one assignment of a request."""

    assignment: int
    reason_kind: str
    reason: str = ""
    difficulties: str = ""
    committed_on: date | None = None


def _locked_request(request: ExplanationRequest) -> ExplanationRequest:
    return ExplanationRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def explanation_request_answer(
    *, request: ExplanationRequest, answers: Sequence[ExplanationAnswer], actor: User
) -> ExplanationRequest:
    """The agency's focal point answers for every assignment of the request: the reason
    (its kind required), the difficulties met and the date the agency commits to finish
    by. The committed date is shown beside the deadline; it never moves it."""
    request = _locked_request(request)
    explanation_answer_check(status=request.status, agency_id=request.agency_id, roles=user_roles(actor))
    items = {item.assignment_id: item for item in request.items.select_related("assignment__task__plan")}
    given = {}
    for answer in answers:
        if answer.assignment not in items:
            raise InvalidInput(_("Nhiệm vụ %(id)s không thuộc yêu cầu này.") % {"id": answer.assignment}, field="items")
        if answer.assignment in given:
            raise InvalidInput(_("Mỗi nhiệm vụ chỉ giải trình một lần."), field="items")
        given[answer.assignment] = answer
    today, now = timezone.localdate(), timezone.now()
    for assignment_id, item in items.items():
        task = f"{item.assignment.task.plan.code} #{item.assignment.task.number}"
        answer = given.get(assignment_id)
        if answer is None:
            raise InvalidInput(_("%(task)s: chưa có nội dung giải trình.") % {"task": task}, field="items")
        if answer.reason_kind not in ReasonKind.values:
            raise InvalidInput(_("%(task)s: cần chọn nguyên nhân.") % {"task": task}, field="items")
        if answer.committed_on is not None and answer.committed_on < today:
            raise InvalidInput(
                _("%(task)s: ngày cam kết hoàn thành đã qua; chọn một ngày từ hôm nay (%(today)s) trở đi.")
                % {"task": task, "today": f"{today:%d/%m/%Y}"},
                field="items",
            )
        item.reason_kind = answer.reason_kind
        item.reason = (answer.reason or "").strip()
        item.difficulties = (answer.difficulties or "").strip()
        item.committed_on = answer.committed_on
        item.answered_by, item.answered_at = actor, now
    ExplanationItem.objects.bulk_update(
        items.values(), ["reason_kind", "reason", "difficulties", "committed_on", "answered_by", "answered_at"]
    )
    request.status, request.answered_at = ExplanationStatus.ANSWERED, now
    request.save(update_fields=["status", "answered_at"])
    ExplanationStep.objects.create(
        request=request,
        kind=ExplanationStepKind.ANSWERED,
        actor=actor,
        occurred_at=now,
        note="\n".join(_answer_summary(item) for item in items.values()),
    )
    explanation_answered.send(sender=ExplanationRequest, request=request)
    return request


def _answer_summary(item: ExplanationItem) -> str:
    """One line of an answer as the step keeps it: a later answer overwrites the item."""
    parts = [f"{item.assignment.task.plan.code} #{item.assignment.task.number}", item.get_reason_kind_display()]
    parts += [text for text in (item.reason, item.difficulties) if text]
    if item.committed_on:
        parts.append(_("cam kết hoàn thành %(day)s") % {"day": f"{item.committed_on:%d/%m/%Y}"})
    return " — ".join(parts)


@transaction.atomic
def explanation_request_decide(
    *, request: ExplanationRequest, decision: str, actor: User, note: str = "", answer_due_on: date | None = None
) -> ExplanationRequest:
    """Committee staff accept an answer, or ask again with a note: the request opens again
    with a new answer date (the working days the setting gives, unless set) and the agency
    is told."""
    if decision not in ExplanationDecision.values:
        raise InvalidInput(_("Chọn chấp nhận hoặc yêu cầu giải trình lại."), field="decision")
    request = _locked_request(request)
    explanation_decision_check(status=request.status, roles=user_roles(actor))
    note = (note or "").strip()
    now = timezone.now()
    if decision == ExplanationDecision.ASK_AGAIN:
        if not note:
            raise InvalidInput(_("Cần nêu điều cơ quan phải giải trình thêm."), field="note")
        request.answer_due_on = _answer_due_on(answer_due_on, today=timezone.localdate())
        request.status = ExplanationStatus.OPEN
        request.asked_again_count += 1
        kind = ExplanationStepKind.ASKED_AGAIN
    else:
        request.status = ExplanationStatus.ACCEPTED
        kind = ExplanationStepKind.ACCEPTED
    request.decided_by, request.decided_at, request.decision_note = actor, now, note
    request.save(
        update_fields=["status", "answer_due_on", "asked_again_count", "decided_by", "decided_at", "decision_note"]
    )
    step = ExplanationStep.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        occurred_at=now,
        note=note,
        answer_due_on=request.answer_due_on if kind == ExplanationStepKind.ASKED_AGAIN else None,
    )
    explanation_decided.send(sender=ExplanationRequest, request=request, step=step)
    return request


def _obstacle_text(text: str, *, field: str, missing: str | None = None) -> str:
    """The text trimmed and within bounds; required unless `missing` (its refusal) is None."""
    text = (text or "").strip()
    if not text and missing is not None:
        raise InvalidInput(missing, field=field)
    if len(text) > OBSTACLE_TEXT_MAX_LENGTH:
        raise InvalidInput(
            _("Nội dung dài quá %(limit)d ký tự (hiện có %(length)d).")
            % {"limit": OBSTACLE_TEXT_MAX_LENGTH, "length": len(text)},
            field=field,
        )
    return text


@transaction.atomic
def obstacle_record(*, assignment: Assignment, kind: str, text: str, addressee: Agency | None, actor: User) -> Obstacle:
    """A focal point raises a difficulty, obstacle or proposal on their agency's open work,
    addressed to another agency or (`addressee` None) to the committee; the addressee's
    focal points, or committee staff, are told (see notifications.receivers)."""
    assignment = _locked(assignment)
    obstacle_record_check(status=assignment.status, agency_id=assignment.agency_id, roles=user_roles(actor))
    if kind not in ObstacleKind.values:
        raise InvalidInput(_("Chọn khó khăn, vướng mắc hoặc kiến nghị."), field="kind")
    text = _obstacle_text(text, field="text", missing=_("Cần nêu nội dung khó khăn, vướng mắc, kiến nghị."))
    if addressee is not None:
        obstacle_addressee_check(addressee_id=addressee.pk, agency_id=assignment.agency_id)
        if not addressee.is_active:
            raise InvalidInput(_("%(agency)s không còn hoạt động.") % {"agency": addressee}, field="addressee")
    now = timezone.now()
    obstacle = Obstacle.objects.create(
        assignment=assignment, kind=kind, text=text, addressee=addressee, raised_by=actor, raised_at=now
    )
    ObstacleStep.objects.create(
        obstacle=obstacle, kind=ObstacleStepKind.RECORDED, actor=actor, occurred_at=now, note=text
    )
    obstacle_recorded.send(sender=Obstacle, obstacle=obstacle)
    return obstacle


def _locked_obstacle(obstacle: Obstacle) -> Obstacle:
    return (
        Obstacle.objects.select_for_update(of=("self",))
        .select_related("assignment__task__plan", "assignment__agency", "addressee")
        .get(pk=obstacle.pk)
    )


@transaction.atomic
def obstacle_answer(*, obstacle: Obstacle, text: str, actor: User) -> Obstacle:
    """The addressee answers; the author and the assignment's focal points are told."""
    obstacle = _locked_obstacle(obstacle)
    obstacle_answer_check(status=obstacle.status, addressee_id=obstacle.addressee_id, roles=user_roles(actor))
    text = _obstacle_text(text, field="text", missing=_("Cần nhập nội dung trả lời."))
    now = timezone.now()
    obstacle.status = ObstacleStatus.ANSWERED
    obstacle.answer, obstacle.answered_by, obstacle.answered_at = text, actor, now
    obstacle.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    ObstacleStep.objects.create(
        obstacle=obstacle, kind=ObstacleStepKind.ANSWERED, actor=actor, occurred_at=now, note=text
    )
    obstacle_answered.send(sender=Obstacle, obstacle=obstacle)
    return obstacle


@transaction.atomic
def obstacle_resolve(*, obstacle: Obstacle, resolution: str, actor: User, note: str = "") -> Obstacle:
    """The author's side (or committee staff) closes an item: resolved, or declined with
    the reason (rules in workflow.obstacle_resolve_check); the addressee side is told."""
    if resolution not in ObstacleResolution.values:
        raise InvalidInput(_("Chọn đã giải quyết hoặc không giải quyết được."), field="resolution")
    obstacle = _locked_obstacle(obstacle)
    obstacle_resolve_check(
        status=obstacle.status, agency_id=obstacle.assignment.agency_id, roles=user_roles(actor), resolution=resolution
    )
    declined = resolution == ObstacleResolution.DECLINED
    note = _obstacle_text(note, field="note", missing=_("Cần nêu lý do không giải quyết được.") if declined else None)
    now = timezone.now()
    obstacle.status = ObstacleStatus.DECLINED if declined else ObstacleStatus.RESOLVED
    obstacle.resolution_note, obstacle.resolved_by, obstacle.resolved_at = note, actor, now
    obstacle.save(update_fields=["status", "resolution_note", "resolved_by", "resolved_at"])
    step = ObstacleStep.objects.create(
        obstacle=obstacle,
        kind=ObstacleStepKind.DECLINED if declined else ObstacleStepKind.RESOLVED,
        actor=actor,
        occurred_at=now,
        note=note,
    )
    obstacle_resolved.send(sender=Obstacle, obstacle=obstacle, step=step)
    return obstacle
