"""Who hears about what happens to an assignment, told at once through the outbox."""

from django.dispatch import receiver
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from agencies.selectors import committee_staff_users, focal_points_of, user_roles
from notifications.models import Channel, NotificationKind
from notifications.services import notify
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
from tasks_app.history import person
from tasks_app.models import ExplanationStepKind
from tasks_app.selectors import assignment_participants
from tasks_app.workflow import Action

# How much of a comment its notice quotes; the link leads to the whole thread.
COMMENT_QUOTE_CHARS = 300

TRANSITION_NOTICES = {
    Action.REPORT_DONE: NotificationKind.REPORTED,
    Action.ACCEPT: NotificationKind.ACCEPTED,
    Action.RETURN: NotificationKind.RETURNED,
}


def people_of(assignment) -> list:
    """Who hears about an assignment: its owner, or with none every focal point of its
    agency (the morning reminders follow the same rule, in SQL)."""
    return [assignment.owner] if assignment.owner else list(focal_points_of(assignment.agency_id))


@receiver(assignment_transitioned, dispatch_uid="notify_transition")
def notify_transition(sender, *, assignment, action, event, **kwargs):
    """A report tells committee staff in the app (their e-mail is the working day's digest
    of every report waiting, written by the morning scan); an acceptance or a return tells
    the agency by e-mail at once."""
    kind = TRANSITION_NOTICES.get(action)
    if kind is None:
        return
    if action == Action.REPORT_DONE:
        recipients, channel = committee_staff_users(), Channel.IN_APP
    else:
        recipients, channel = people_of(assignment), Channel.EMAIL
    notify(
        kind=kind,
        recipients=recipients,
        assignment=assignment,
        about=f"event:{event.pk}",
        note=event.note,
        channel=channel,
    )


@receiver(assignment_reassigned, dispatch_uid="notify_reassignment")
def notify_reassignment(sender, *, assignment, event, old_owner, new_owner, reason, **kwargs):
    notify(
        kind=NotificationKind.REASSIGNED,
        recipients=[old_owner, new_owner],
        assignment=assignment,
        about=f"event:{event.pk}",
        note=reason,
    )


@receiver(extension_requested, dispatch_uid="notify_extension_request")
def notify_extension_request(sender, *, request, **kwargs):
    """Committee staff decide requests: each new one tells them, or it waits unseen."""
    notify(
        kind=NotificationKind.EXTENSION_REQUESTED,
        recipients=committee_staff_users(),
        assignment=request.assignment,
        about=f"extension:{request.pk}",
        note=f"{request.get_kind_display()}: {request.reason}",
    )


@receiver(extension_decided, dispatch_uid="notify_extension_decision")
def notify_extension_decision(sender, *, request, note, **kwargs):
    """The requester hears what was asked, what was decided and why, without opening the page."""
    asked = request.get_kind_display()
    if request.requested_due_on:
        asked = _("%(kind)s đến %(day)s") % {"kind": asked, "day": f"{request.requested_due_on:%d/%m/%Y}"}
    decision = f"{asked}: {request.get_status_display()}."
    if note:
        decision += " " + _("Ý kiến: %(note)s") % {"note": note}
    notify(
        kind=NotificationKind.EXTENSION_DECIDED,
        recipients=[request.requested_by],
        assignment=request.assignment,
        about=f"extension:{request.pk}",
        note=decision,
    )


@receiver(comment_posted, dispatch_uid="notify_comment")
def notify_comment(sender, *, comment, **kwargs):
    """A comment tells the other side: committee staff's reaches the agency (the owner, or
    its focal points); the agency's reaches the staff who have taken part in the work, or
    all committee staff when none has yet. Never its author."""
    assignment = comment.assignment
    if user_roles(comment.author).is_committee_staff:
        recipients = people_of(assignment)
    else:
        staff = committee_staff_users()
        recipients = list(assignment_participants(assignment=assignment, among=staff)) or list(staff)
    notify(
        kind=NotificationKind.COMMENT_POSTED,
        recipients=[user for user in recipients if user.pk != comment.author_id],
        assignment=assignment,
        about=f"comment:{comment.pk}",
        note=f"{person(comment.author)}: {Truncator(comment.text).chars(COMMENT_QUOTE_CHARS)}",
    )


def _notify_each_item(*, kind: str, recipients, request, about: str, note: str) -> None:
    """One entry per assignment of the request, so that the digest lists each task with its
    link, as it does for every other notice."""
    recipients = list(recipients)
    for item in request.items.select_related("assignment__task__plan"):
        notify(
            kind=kind,
            recipients=recipients,
            assignment=item.assignment,
            about=f"{about}:{item.assignment_id}",
            note=note,
        )


def _due_sentence(request) -> str:
    return _("Hạn giải trình: %(day)s.") % {"day": f"{request.answer_due_on:%d/%m/%Y}"}


@receiver(explanation_requested, dispatch_uid="notify_explanation_request")
def notify_explanation_request(sender, *, request, **kwargs):
    """The agency's focal points answer the request, so each of them is told at once."""
    _notify_each_item(
        kind=NotificationKind.EXPLAIN_REQUESTED,
        recipients=focal_points_of(request.agency_id),
        request=request,
        about=f"explanation:{request.pk}",
        note=f"{request.message} {_due_sentence(request)}",
    )


@receiver(explanation_answered, dispatch_uid="notify_explanation_answer")
def notify_explanation_answer(sender, *, request, **kwargs):
    """Whoever asked (and whoever asked again) decides on the answer; if none of them is
    staff any more, every committee staff member is told."""
    staff = committee_staff_users()
    askers = staff.filter(pk__in=[request.created_by_id, request.decided_by_id])
    _notify_each_item(
        kind=NotificationKind.EXPLAIN_ANSWERED,
        recipients=list(askers) or list(staff),
        request=request,
        about=f"explanation:{request.pk}:answer:{request.asked_again_count}",
        note=_("%(agency)s đã giải trình.") % {"agency": request.agency.name},
    )


@receiver(explanation_decided, dispatch_uid="notify_explanation_decision")
def notify_explanation_decision(sender, *, request, step, **kwargs):
    """The agency hears whether its answer was accepted; asked again, it hears why and by when."""
    if step.kind == ExplanationStepKind.ASKED_AGAIN:
        note = _("Yêu cầu giải trình lại: %(note)s") % {"note": step.note} + " " + _due_sentence(request)
    else:
        note = _("Giải trình được chấp nhận.")
        if step.note:
            note += " " + _("Ý kiến: %(note)s") % {"note": step.note}
    _notify_each_item(
        kind=NotificationKind.EXPLAIN_DECIDED,
        recipients=focal_points_of(request.agency_id),
        request=request,
        about=f"explanation:{request.pk}:step:{step.pk}",
        note=note,
    )


def _obstacle_addressees(obstacle) -> list:
    """Who answers an item: the addressee's focal points, or committee staff for the committee."""
    if obstacle.addressee_id is None:
        return list(committee_staff_users())
    return list(focal_points_of(obstacle.addressee_id))


def _obstacle_heading(obstacle) -> str:
    return _("%(kind)s của %(agency)s gửi %(addressee)s") % {
        "kind": obstacle.get_kind_display(),
        "agency": obstacle.assignment.agency.name,
        "addressee": obstacle.addressee_name,
    }


def _obstacle_notify(*, kind: str, recipients, obstacle, about: str, note: str, actor_id: int) -> None:
    notify(
        kind=kind,
        recipients=[user for user in recipients if user.pk != actor_id],
        assignment=obstacle.assignment,
        about=about,
        note=f"{_obstacle_heading(obstacle)}: {Truncator(note).chars(COMMENT_QUOTE_CHARS)}",
    )


@receiver(obstacle_recorded, dispatch_uid="notify_obstacle_recorded")
def notify_obstacle_recorded(sender, *, obstacle, **kwargs):
    """The addressee is told at once, since it is the one to answer."""
    _obstacle_notify(
        kind=NotificationKind.OBSTACLE_RECORDED,
        recipients=_obstacle_addressees(obstacle),
        obstacle=obstacle,
        about=f"obstacle:{obstacle.pk}",
        note=obstacle.text,
        actor_id=obstacle.raised_by_id,
    )


@receiver(obstacle_answered, dispatch_uid="notify_obstacle_answered")
def notify_obstacle_answered(sender, *, obstacle, **kwargs):
    """The author hears the answer, and so do the assignment's focal points, who carry the work."""
    _obstacle_notify(
        kind=NotificationKind.OBSTACLE_ANSWERED,
        recipients=[obstacle.raised_by, *focal_points_of(obstacle.assignment.agency_id)],
        obstacle=obstacle,
        about=f"obstacle:{obstacle.pk}:answer",
        note=obstacle.answer,
        actor_id=obstacle.answered_by_id,
    )


@receiver(obstacle_resolved, dispatch_uid="notify_obstacle_resolved")
def notify_obstacle_resolved(sender, *, obstacle, step, **kwargs):
    """The addressee side hears how its item ended; the author too when someone else
    (committee staff) closed it."""
    recipients = _obstacle_addressees(obstacle)
    if step.actor_id != obstacle.raised_by_id:
        recipients.append(obstacle.raised_by)
    outcome = obstacle.get_status_display()
    _obstacle_notify(
        kind=NotificationKind.OBSTACLE_RESOLVED,
        recipients=recipients,
        obstacle=obstacle,
        about=f"obstacle:{obstacle.pk}:resolution",
        note=f"{outcome}. {step.note}" if step.note else f"{outcome}.",
        actor_id=step.actor_id,
    )
