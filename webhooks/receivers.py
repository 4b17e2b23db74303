"""The tracker's events, written to the webhook outbox in the transaction of the change (the
services announce them: tasks_app.announcements), and sent once it commits."""

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from agencies.models import Agency
from tasks_app.announcements import (
    agency_merger_applied,
    assignment_reassigned,
    assignment_transitioned,
    explanation_answered,
    explanation_requested,
    extension_decided,
    extension_requested,
)
from tasks_app.workflow import Action
from webhooks.models import EventType
from webhooks.services import deliveries_dispatch, deliveries_enqueue

# A transition named by what it is, for the endpoints that asked for it; every transition is
# also a status change, for those that asked for those.
TRANSITION_EVENTS = {
    Action.REPORT_DONE: EventType.REPORT_SUBMITTED,
    Action.ACCEPT: EventType.REPORT_ACCEPTED,
    Action.RETURN: EventType.REPORT_RETURNED,
}


def _assignment(assignment) -> dict:
    task = assignment.task
    return {
        "id": assignment.pk,
        "task": {"plan": task.plan.code, "number": task.number, "title": task.title},
        "agency": assignment.agency.code,
        "role": assignment.role,
        "status": assignment.status,
        "due_on": assignment.due_on.isoformat() if assignment.due_on else None,
        "completed_on": assignment.completed_on.isoformat() if assignment.completed_on else None,
        "progress": assignment.progress,
    }


def _actor(user) -> str | None:
    return user.get_username() if user is not None else None


def _tell(event_types, *, agency_ids, data) -> None:
    if deliveries_enqueue(event_types=event_types, agency_ids=agency_ids, data=data):
        transaction.on_commit(deliveries_dispatch)


@receiver(assignment_transitioned, dispatch_uid="webhooks_transition")
def on_transition(sender, *, assignment, action, event, **kwargs):
    types = (
        [TRANSITION_EVENTS[action], EventType.STATUS_CHANGED]
        if action in TRANSITION_EVENTS
        else [EventType.STATUS_CHANGED]
    )
    data = {
        "assignment": _assignment(assignment),
        "action": action,
        "before": event.before,
        "after": event.after,
        "note": event.note,
        "actor": _actor(event.actor),
        "occurred_at": timezone.localtime(event.occurred_at).isoformat(),
    }
    _tell(types, agency_ids=[assignment.agency_id], data=data)


@receiver(assignment_reassigned, dispatch_uid="webhooks_reassignment")
def on_reassignment(sender, *, assignment, event, old_owner, new_owner, reason, **kwargs):
    data = {
        "assignment": _assignment(assignment),
        "from_agency": event.agency.code if event.agency_id else None,
        "old_owner": _actor(old_owner),
        "new_owner": _actor(new_owner),
        "reason": reason,
        "actor": _actor(event.actor),
    }
    agencies = {assignment.agency_id, *([event.agency_id] if event.agency_id else [])}
    _tell([EventType.REASSIGNED], agency_ids=sorted(agencies), data=data)


def _extension(request) -> dict:
    return {
        "id": request.pk,
        "assignment": _assignment(request.assignment),
        "kind": request.kind,
        "status": request.status,
        "requested_due_on": request.requested_due_on.isoformat() if request.requested_due_on else None,
        "reason": request.reason,
        "requested_by": _actor(request.requested_by),
        "decided_by": _actor(request.decided_by),
    }


@receiver(extension_requested, dispatch_uid="webhooks_extension_request")
def on_extension_request(sender, *, request, **kwargs):
    _tell([EventType.EXTENSION_REQUESTED], agency_ids=[request.assignment.agency_id], data=_extension(request))


@receiver(extension_decided, dispatch_uid="webhooks_extension_decision")
def on_extension_decision(sender, *, request, note, **kwargs):
    data = {**_extension(request), "note": note}
    _tell([EventType.EXTENSION_DECIDED], agency_ids=[request.assignment.agency_id], data=data)


def _explanation(request) -> dict:
    items = request.items.select_related("assignment__task__plan", "assignment__agency")
    return {
        "id": request.pk,
        "agency": request.agency.code,
        "status": request.status,
        "message": request.message,
        "answer_due_on": request.answer_due_on.isoformat(),
        "items": [
            {
                "assignment": _assignment(item.assignment),
                "reason_kind": item.reason_kind,
                "reason": item.reason,
                "difficulties": item.difficulties,
                "committed_on": item.committed_on.isoformat() if item.committed_on else None,
            }
            for item in items
        ],
    }


@receiver(explanation_requested, dispatch_uid="webhooks_explanation_request")
def on_explanation_request(sender, *, request, **kwargs):
    _tell([EventType.EXPLANATION_REQUESTED], agency_ids=[request.agency_id], data=_explanation(request))


@receiver(explanation_answered, dispatch_uid="webhooks_explanation_answer")
def on_explanation_answer(sender, *, request, **kwargs):
    _tell([EventType.EXPLANATION_ANSWERED], agency_ids=[request.agency_id], data=_explanation(request))


@receiver(agency_merger_applied, dispatch_uid="webhooks_merger")
def on_merger(sender, *, successor, old_codes, effective, moved, **kwargs):
    agency_ids = list(Agency.objects.filter(code__in=[*old_codes, successor.code]).values_list("pk", flat=True))
    data = {"successor": successor.code, "old_agencies": old_codes, "effective": effective.isoformat(), "moved": moved}
    _tell([EventType.MERGER_APPLIED], agency_ids=agency_ids, data=data)
