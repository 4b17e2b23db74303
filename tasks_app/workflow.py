"""The workflow of an assignment, as data.

One row per allowed move: from a status, an action leads to a status, done by a kind
of actor, with or without a required note. `transition_for` is the one place that says
whether a user may take an action now (the services call it), `allowed_actions` lists
what passes it (the API and the pages offer those), and the README renders the table. A
move that is not here is refused.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.selectors import UserRoles
from core.errors import ActionForbidden, DomainError, InvalidInput, TransitionNotAllowed
from tasks_app.models import (
    AWAITING_REPORT,
    OBSTACLE_UNFINISHED,
    OPEN_STATUSES,
    ExplanationStatus,
    ExtensionKind,
    ObstacleStatus,
    Status,
)


class Action(models.TextChoices):
    START = "start", gettext_lazy("Bắt đầu thực hiện")
    REPORT_DONE = "report_done", gettext_lazy("Báo cáo hoàn thành")
    ACCEPT = "accept", gettext_lazy("Xác nhận hoàn thành")
    RETURN = "return", gettext_lazy("Trả lại báo cáo")
    CANCEL = "cancel", gettext_lazy("Dừng thực hiện")
    REOPEN = "reopen", gettext_lazy("Mở lại")


class ExplanationDecision(models.TextChoices):
    ACCEPT = "accept", gettext_lazy("Chấp nhận giải trình")
    ASK_AGAIN = "ask_again", gettext_lazy("Yêu cầu giải trình lại")


class ObstacleResolution(models.TextChoices):
    RESOLVED = "resolved", gettext_lazy("Đã giải quyết")
    DECLINED = "declined", gettext_lazy("Không giải quyết được")


class Performer(models.TextChoices):
    FOCAL_POINT = "focal_point", gettext_lazy("Đầu mối của cơ quan được giao")
    COMMITTEE_STAFF = "committee_staff", gettext_lazy("Tổ giúp việc / Tổ công tác")


@dataclass(frozen=True)
class Transition:
    source: Status
    action: Action
    target: Status
    performer: Performer
    note_required: bool


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.NOT_STARTED, Action.START, Status.IN_PROGRESS, Performer.FOCAL_POINT, False),
    Transition(Status.NOT_STARTED, Action.REPORT_DONE, Status.REPORTED, Performer.FOCAL_POINT, False),
    Transition(Status.IN_PROGRESS, Action.REPORT_DONE, Status.REPORTED, Performer.FOCAL_POINT, False),
    Transition(Status.REPORTED, Action.ACCEPT, Status.DONE, Performer.COMMITTEE_STAFF, False),
    Transition(Status.REPORTED, Action.RETURN, Status.IN_PROGRESS, Performer.COMMITTEE_STAFF, True),
    Transition(Status.DONE, Action.REOPEN, Status.IN_PROGRESS, Performer.COMMITTEE_STAFF, True),
    Transition(Status.CANCELLED, Action.REOPEN, Status.IN_PROGRESS, Performer.COMMITTEE_STAFF, False),
    *(Transition(status, Action.CANCEL, Status.CANCELLED, Performer.COMMITTEE_STAFF, True) for status in OPEN_STATUSES),
)

_BY_SOURCE_AND_ACTION = {(t.source, t.action): t for t in TRANSITIONS}


def find_transition(status: str, action: str) -> Transition | None:
    return _BY_SOURCE_AND_ACTION.get((status, action))


def may_perform(transition: Transition, roles: UserRoles, agency_id: int) -> bool:
    """Whether someone with these roles may make this move on an assignment of this agency."""
    if transition.performer == Performer.FOCAL_POINT:
        return roles.is_focal_point_of(agency_id)
    return roles.is_committee_staff


def _accepts_own_report(action: Action, roles: UserRoles, reported_by_id: int | None) -> bool:
    """Nobody accepts their own report: a second person checks the work."""
    return action == Action.ACCEPT and reported_by_id is not None and reported_by_id == roles.user_id


def transition_for(
    *, status: str, action: Action, agency_id: int, roles: UserRoles, reported_by_id: int | None
) -> Transition:
    """The move `action` makes now, or why it is refused: 403 for someone who may never take
    it on this agency's work, or who would accept their own report; 409 when the status does
    not allow it."""
    if not any(may_perform(t, roles, agency_id) for t in TRANSITIONS if t.action == action):
        raise ActionForbidden(_("Bạn không có quyền “%(action)s” nhiệm vụ này.") % {"action": action.label})
    transition = find_transition(status, action)
    if transition is None:
        raise TransitionNotAllowed(
            _("Không thể “%(action)s” khi nhiệm vụ đang ở trạng thái “%(status)s”.")
            % {"action": action.label, "status": Status(status).label}
        )
    if _accepts_own_report(action, roles, reported_by_id):
        raise ActionForbidden(_("Không thể tự xác nhận báo cáo hoàn thành của chính mình."))
    return transition


def allowed_actions(*, status: str, agency_id: int, roles: UserRoles, reported_by_id: int | None) -> list[Action]:
    """The actions that transition_for lets these roles take now."""
    return [
        t.action
        for t in TRANSITIONS
        if t.source == status
        and may_perform(t, roles, agency_id)
        and not _accepts_own_report(t.action, roles, reported_by_id)
    ]


def progress_update_check(*, status: str, agency_id: int, roles: UserRoles, progress: int | None = None) -> None:
    """The agency's focal point updates the progress of work under way, below 100 %.

    Work not yet started is started first (one act, which the history records), so that a
    percentage never stands beside "Chưa triển khai"; and 100 % is a report of work done,
    which has its own act, its evidence and the committee's review."""
    if not roles.is_focal_point_of(agency_id):
        raise ActionForbidden(_("Chỉ đầu mối của cơ quan được giao mới cập nhật được tiến độ."))
    if status == Status.NOT_STARTED:
        raise TransitionNotAllowed(_("Nhiệm vụ chưa triển khai: hãy “Bắt đầu thực hiện” trước khi cập nhật tiến độ."))
    if status != Status.IN_PROGRESS:
        message = _("Không thể cập nhật tiến độ khi nhiệm vụ đang ở trạng thái “%(status)s”.")
        raise TransitionNotAllowed(message % {"status": Status(status).label})
    if progress is not None and progress >= 100:
        raise InvalidInput(
            _("Tiến độ 100% là đã hoàn thành: hãy gửi “Báo cáo hoàn thành” để Tổ giúp việc xác nhận."),
            field="progress",
        )


def extension_request_check(*, status: str, agency_id: int, roles: UserRoles) -> None:
    """The agency's focal point asks for another deadline while the work is open and not yet reported."""
    if not roles.is_focal_point_of(agency_id):
        raise ActionForbidden(_("Chỉ đầu mối của cơ quan được giao mới đề nghị được."))
    if status not in AWAITING_REPORT:
        raise TransitionNotAllowed(
            _("Không thể đề nghị khi nhiệm vụ đang ở trạng thái “%(status)s”.") % {"status": Status(status).label}
        )


def extension_kinds(*, due_on: date | None) -> list[ExtensionKind]:
    """What may be asked: postponing or extending moves a deadline, so work without one
    (recurring work) can only be withdrawn."""
    if due_on is None:
        return [ExtensionKind.WITHDRAW]
    return list(ExtensionKind)


def extension_date_check(*, kind: str, due_on: date | None, requested_due_on: date | None, today: date) -> None:
    """A requested deadline moves the current one later, and not to a day already past."""
    if kind not in extension_kinds(due_on=due_on):
        raise InvalidInput(
            _("Nhiệm vụ thường xuyên không có thời hạn để điều chỉnh; chỉ có thể đề nghị rút nhiệm vụ."), field="kind"
        )
    if kind == ExtensionKind.WITHDRAW:
        return
    if requested_due_on is None:
        raise InvalidInput(_("Cần nêu thời hạn đề nghị."), field="requested_due_on")
    if requested_due_on <= due_on:
        raise InvalidInput(_("Thời hạn đề nghị phải sau thời hạn hiện tại."), field="requested_due_on")
    if requested_due_on < today:
        raise InvalidInput(
            _("Thời hạn đề nghị đã qua: chọn một ngày từ hôm nay (%(today)s) trở đi.") % {"today": f"{today:%d/%m/%Y}"},
            field="requested_due_on",
        )


def extension_decision_check(*, roles: UserRoles, requested_by_id: int) -> None:
    """Committee staff decide a request, but nobody decides their own."""
    if not roles.is_committee_staff:
        raise ActionForbidden(_("Chỉ Tổ giúp việc mới quyết định được đề nghị."))
    if requested_by_id == roles.user_id:
        raise ActionForbidden(_("Không thể tự quyết định đề nghị của chính mình."))


def report_issue_check(*, roles: UserRoles, issued_version: int | None = None) -> None:
    """Committee staff issue a plan's report for a period (chốt số liệu), once: figures that
    change afterwards are issued as a new version, which keeps the first."""
    if not roles.is_committee_staff:
        raise ActionForbidden(_("Chỉ Tổ giúp việc mới chốt số liệu báo cáo được."))
    if issued_version is not None:
        raise TransitionNotAllowed(
            _("Kỳ báo cáo này đã được chốt số liệu (phiên bản %(version)d); số liệu thay đổi thì lập phiên bản mới.")
            % {"version": issued_version}
        )


def report_cut_off_check(*, cut_off: date, today: date, field: str) -> None:
    """A report's figures stand at the end of its cut-off day: it is issued once that day has ended."""
    if cut_off >= today:
        raise InvalidInput(
            _("Kỳ báo cáo chưa kết thúc: số liệu tính đến hết ngày %(day)s, chốt được từ ngày hôm sau.")
            % {"day": f"{cut_off:%d/%m/%Y}"},
            field=field,
        )


def report_new_version_check(*, roles: UserRoles, latest_version: int, changed: bool) -> None:
    """Committee staff issue a new version of a report when its figures have changed since
    the latest version; an unchanged one would say nothing new."""
    if not roles.is_committee_staff:
        raise ActionForbidden(_("Chỉ Tổ giúp việc mới chốt số liệu báo cáo được."))
    if not changed:
        raise TransitionNotAllowed(
            _("Số liệu không thay đổi so với phiên bản %(version)d: không cần phiên bản mới.")
            % {"version": latest_version}
        )


def comment_post_check(*, agency_id: int, roles: UserRoles) -> None:
    """The agency's focal points and leaders and committee staff discuss an assignment, in
    any status: a finished task's thread stays open for questions about it."""
    if not (roles.is_committee_staff or agency_id in roles.agency_ids):
        raise ActionForbidden(
            _("Chỉ đầu mối, lãnh đạo của cơ quan được giao và Tổ giúp việc mới trao đổi được về nhiệm vụ này.")
        )


def comment_correctable_until(posted_at: datetime) -> datetime:
    return posted_at + timedelta(minutes=settings.TRACKER_COMMENT_CORRECTION_MINUTES)


def comment_correction_check(
    *, author_id: int, posted_at: datetime, roles: UserRoles, now: datetime | None = None
) -> None:
    """Only its author corrects a comment, and only for a short while after posting it:
    others have read it since, and it is part of the record."""
    if author_id != roles.user_id:
        raise ActionForbidden(_("Chỉ người viết mới sửa được ý kiến của mình."))
    if (now or timezone.now()) > comment_correctable_until(posted_at):
        raise TransitionNotAllowed(
            _("Ý kiến chỉ sửa được trong %(minutes)d phút sau khi gửi; ý kiến này đã quá thời gian đó.")
            % {"minutes": settings.TRACKER_COMMENT_CORRECTION_MINUTES}
        )


def explanation_request_check(*, roles: UserRoles) -> None:
    """Committee staff ask agencies to explain their overdue work."""
    if not roles.is_committee_staff:
        raise ActionForbidden(_("Chỉ Tổ giúp việc mới yêu cầu giải trình được."))


def explanation_item_check(
    *, status: str, due_on: date | None, agency_id: int, request_agency_id: int, today: date
) -> None:
    """What a request may list: the agency's own work, still awaiting its report and past
    its deadline. Reported work waits for the committee, so it is not the agency's to explain."""
    if agency_id != request_agency_id:
        raise InvalidInput(_("không thuộc cơ quan được yêu cầu giải trình"), field="assignments")
    if status not in AWAITING_REPORT or due_on is None or due_on >= today:
        raise InvalidInput(_("không phải nhiệm vụ đang quá hạn"), field="assignments")


def explanation_answer_check(*, status: str, agency_id: int, roles: UserRoles) -> None:
    """The agency's focal points answer a request while it waits for their answer."""
    if not roles.is_focal_point_of(agency_id):
        raise ActionForbidden(_("Chỉ đầu mối của cơ quan được yêu cầu mới giải trình được."))
    if status != ExplanationStatus.OPEN:
        raise TransitionNotAllowed(
            _("Không thể giải trình khi yêu cầu đang ở trạng thái “%(status)s”.")
            % {"status": ExplanationStatus(status).label}
        )


def explanation_decision_check(*, status: str, roles: UserRoles) -> None:
    """Committee staff accept an answer or ask again, once the agency has answered."""
    if not roles.is_committee_staff:
        raise ActionForbidden(_("Chỉ Tổ giúp việc mới xem xét được giải trình."))
    if status != ExplanationStatus.ANSWERED:
        raise TransitionNotAllowed(
            _("Không thể xem xét khi yêu cầu đang ở trạng thái “%(status)s”.")
            % {"status": ExplanationStatus(status).label}
        )


def obstacle_record_check(*, status: str, agency_id: int, roles: UserRoles) -> None:
    """The agency's focal points raise what blocks their own work, while the work is open:
    finished or stopped work has nothing left to unblock."""
    if not roles.is_focal_point_of(agency_id):
        raise ActionForbidden(_("Chỉ đầu mối của cơ quan được giao mới nêu được khó khăn, vướng mắc, kiến nghị."))
    if status not in OPEN_STATUSES:
        raise TransitionNotAllowed(
            _("Không thể nêu khó khăn, vướng mắc khi nhiệm vụ đang ở trạng thái “%(status)s”.")
            % {"status": Status(status).label}
        )


def obstacle_addressee_check(*, addressee_id: int | None, agency_id: int) -> None:
    """An item goes to someone who can unblock the work: another agency, or the committee."""
    if addressee_id == agency_id:
        raise InvalidInput(
            _("Chọn cơ quan khác (hoặc Ủy ban): cơ quan được giao không tự giải quyết kiến nghị của mình."),
            field="addressee",
        )


def obstacle_answer_check(*, status: str, addressee_id: int | None, roles: UserRoles) -> None:
    """The addressee answers, once: its focal points, or committee staff when the item is
    addressed to the committee."""
    if addressee_id is None:
        if not roles.is_committee_staff:
            raise ActionForbidden(_("Chỉ Tổ giúp việc mới trả lời được kiến nghị gửi Ủy ban."))
    elif not roles.is_focal_point_of(addressee_id):
        raise ActionForbidden(_("Chỉ đầu mối của cơ quan được đề nghị mới trả lời được."))
    if status != ObstacleStatus.OPEN:
        raise TransitionNotAllowed(
            _("Không thể trả lời khi kiến nghị đang ở trạng thái “%(status)s”.")
            % {"status": ObstacleStatus(status).label}
        )


def obstacle_resolve_check(*, status: str, agency_id: int, roles: UserRoles, resolution: str = "") -> None:
    """The side that raised the item says whether it was unblocked: the focal points of the
    assignment's agency, whose work it holds up, or committee staff, who follow every item
    and settle some at their meetings. Not the addressee, who would be judging its own answer.

    It may be resolved at any point before it is closed (the difficulty may go away, or a
    meeting settle it, before a written answer); it is declined (not resolved, with the
    reason) only once the addressee has answered, since the answer is what is declined."""
    if not (roles.is_committee_staff or roles.is_focal_point_of(agency_id)):
        raise ActionForbidden(_("Chỉ đầu mối của cơ quan nêu kiến nghị hoặc Tổ giúp việc mới kết thúc được kiến nghị."))
    if status not in OBSTACLE_UNFINISHED:
        raise TransitionNotAllowed(
            _("Kiến nghị đã kết thúc (“%(status)s”).") % {"status": ObstacleStatus(status).label}
        )
    if resolution == ObstacleResolution.DECLINED and status != ObstacleStatus.ANSWERED:
        raise TransitionNotAllowed(_("Chưa có trả lời: chỉ ghi “không giải quyết được” sau khi cơ quan đã trả lời."))


def passes(check, **facts) -> bool:
    """Whether a check lets these facts through: what the pages offer is what the services accept."""
    try:
        check(**facts)
    except DomainError:
        return False
    return True
