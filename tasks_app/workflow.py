"""The workflow of an assignment, as data.

One row per allowed move: from a status, an action leads to a status, done by a kind
of actor, with or without a required note. The services enforce this table, the API
lists each assignment's allowed actions from it, and the docs render it. A move that
is not here is refused.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.selectors import UserRoles
from tasks_app.models import OPEN_STATUSES, Status


class Action(models.TextChoices):
    START = "start", _("Bắt đầu thực hiện")
    REPORT_DONE = "report_done", _("Báo cáo hoàn thành")
    ACCEPT = "accept", _("Xác nhận hoàn thành")
    RETURN = "return", _("Trả lại báo cáo")
    CANCEL = "cancel", _("Dừng thực hiện")
    REOPEN = "reopen", _("Mở lại")


class Performer(models.TextChoices):
    FOCAL_POINT = "focal_point", _("Đầu mối của cơ quan được giao")
    COMMITTEE_STAFF = "committee_staff", _("Tổ giúp việc / Tổ công tác")


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


def allowed_actions(*, status: str, agency_id: int, roles: UserRoles, reported_by_id: int | None) -> list[Action]:
    """The actions these roles may take now; nobody accepts their own report."""
    return [
        t.action
        for t in TRANSITIONS
        if t.source == status
        and may_perform(t, roles, agency_id)
        and not (t.action == Action.ACCEPT and reported_by_id is not None and reported_by_id == roles.user_id)
    ]
