"""An assignment's history in words: what each StatusEvent did, as a sentence an official
reads, with statuses, deadlines and people named rather than coded."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from tasks_app.models import EventKind, ExtensionKind, Status, StatusEvent
from tasks_app.workflow import Action


def person(user) -> str:
    if user is None:
        return _("Hệ thống")
    return user.get_full_name() or user.get_username()


def _day(iso: str) -> str:
    try:
        return f"{date.fromisoformat(iso):%d/%m/%Y}"
    except ValueError:  # written by hand in an import: shown as it was written
        return iso


def _status(value: str) -> str:
    return Status(value).label if value in Status.values else value


def event_summary(event: StatusEvent) -> str:
    """What the event did, without who and when (the page puts those first)."""
    if event.kind == EventKind.CREATED:
        return _("Giao nhiệm vụ cho %(agency)s") % {"agency": event.agency}
    if event.kind == EventKind.STATUS:
        action = Action(event.action).label if event.action in Action.values else event.get_kind_display()
        return _("%(action)s (từ “%(before)s” sang “%(after)s”)") % {
            "action": action,
            "before": _status(event.before),
            "after": _status(event.after),
        }
    if event.kind == EventKind.DUE_DATE:
        how = ExtensionKind(event.action).label if event.action in ExtensionKind.values else event.get_kind_display()
        return _("%(how)s từ %(before)s đến %(after)s") % {
            "how": how,
            "before": _day(event.before),
            "after": _day(event.after),
        }
    if event.kind == EventKind.OWNER:
        if event.owner is None:
            return _("Bỏ người phụ trách %(before)s") % {"before": event.before}
        if not event.before:
            return _("Giao người phụ trách: %(owner)s") % {"owner": person(event.owner)}
        return _("Đổi người phụ trách từ %(before)s sang %(owner)s") % {
            "before": event.before,
            "owner": person(event.owner),
        }
    if event.kind == EventKind.AGENCY:
        return _("Giao lại từ %(before)s sang %(agency)s") % {"before": event.before, "agency": event.agency}
    if event.kind == EventKind.PROGRESS:
        return _("Cập nhật tiến độ từ %(before)s%% thành %(after)s%%") % {"before": event.before, "after": event.after}
    return event.get_kind_display()


@dataclass(frozen=True)
class CommentEntry:
    """A comment as a line of the assignment's history, which links to it in the thread."""

    occurred_at: datetime
    actor_name: str
    summary: str
    comment_id: int


def comment_entry(comment) -> CommentEntry:
    summary = _("Gửi ý kiến trao đổi (đã sửa)") if comment.edited_at else _("Gửi ý kiến trao đổi")
    return CommentEntry(comment.created_at, person(comment.author), summary, comment.pk)


@dataclass(frozen=True)
class ExplanationStepEntry:
    """A step of an explanation request as a line of the history, linking to the request on the page."""

    occurred_at: datetime
    actor_name: str
    summary: str
    note: str
    explanation_id: int


def explanation_step_entry(step) -> ExplanationStepEntry:
    return ExplanationStepEntry(
        step.occurred_at, person(step.actor), step.get_kind_display(), step.note, step.request_id
    )


@dataclass(frozen=True)
class ObstacleStepEntry:
    """A step of a difficulty, obstacle or proposal as a line of the history, linking to it on the page."""

    occurred_at: datetime
    actor_name: str
    summary: str
    note: str
    obstacle_id: int


def obstacle_step_entry(step, obstacle) -> ObstacleStepEntry:
    """`obstacle` is the step's own, already read: the history names its kind and addressee."""
    summary = _("%(step)s (%(kind)s, gửi %(addressee)s)") % {
        "step": step.get_kind_display(),
        "kind": obstacle.get_kind_display(),
        "addressee": obstacle.addressee_name,
    }
    return ObstacleStepEntry(step.occurred_at, person(step.actor), summary, step.note, step.obstacle_id)
