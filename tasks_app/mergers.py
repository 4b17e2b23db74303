"""Agency mergers applied to the work: the agencies' half (agencies.services) and the
open assignments moved to each successor through the reassignment service."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.services import Succession, SuccessionOutcome, succession_apply, successions_check
from core.errors import DomainError
from tasks_app.announcements import agency_merger_applied
from tasks_app.counts import counts_deferred
from tasks_app.models import OPEN_STATUSES, Assignment, Status
from tasks_app.services import assignment_reassign, assignment_transition
from tasks_app.workflow import Action

MERGER_REASON = "Sáp nhập"
# Ahead of others, the assignment that goes on under the successor when several of the
# merged agencies hold the same task: the one furthest along.
STATUS_PRECEDENCE = {Status.REPORTED: 0, Status.IN_PROGRESS: 1, Status.NOT_STARTED: 2}


@transaction.atomic
def agencies_merge(
    *, successions: list[Succession], effective: date, actor: AbstractBaseUser, dry_run: bool = False
) -> list[SuccessionOutcome]:
    """Apply successions effective on `effective`: each successor created or updated and the
    old agencies closed (agencies.services.succession_apply), then each open assignment moved
    to the successor through the reassignment service (reason "Sáp nhập"). Where two merged
    agencies hold the same task, the one furthest along moves and the others are cancelled.
    Done and cancelled work and all history stay on the old agency. Running it again changes
    nothing. A dry run does everything and rolls it back."""
    successions_check(successions)
    outcomes = []
    # Today's counts of all the work moved, in one statement at the end.
    with counts_deferred():
        for succession in successions:
            outcome, successor, old_ids = succession_apply(succession, effective=effective)
            _move_open_work(old_ids, successor=successor, actor=actor, outcome=outcome)
            if outcome.changed:
                agency_merger_applied.send(
                    sender=Agency,
                    successor=successor,
                    old_codes=list(succession.old_codes),
                    effective=effective,
                    moved=outcome.moved,
                )
            outcomes.append(outcome)
    if dry_run:
        transaction.set_rollback(True)
    return outcomes


def _move_open_work(old_ids: list[int], *, successor: Agency, actor, outcome: SuccessionOutcome) -> None:
    open_work = list(
        Assignment.objects.filter(agency_id__in=old_ids, status__in=OPEN_STATUSES).select_related(
            "agency", "owner", "task__plan"
        )
    )
    open_work.sort(key=lambda a: (a.task_id, STATUS_PRECEDENCE[a.status], old_ids.index(a.agency_id)))
    held = set(Assignment.objects.filter(agency=successor).values_list("task_id", flat=True))
    for assignment in open_work:
        try:
            if assignment.task_id in held:
                assignment_transition(
                    assignment=assignment,
                    action=Action.CANCEL,
                    actor=actor,
                    note=_("%(reason)s: nhiệm vụ do %(successor)s thực hiện.")
                    % {"reason": MERGER_REASON, "successor": successor},
                )
                outcome.duplicates_cancelled += 1
            else:
                assignment_reassign(
                    assignment=assignment, actor=actor, reason=MERGER_REASON, agency=successor, owner=assignment.owner
                )
                held.add(assignment.task_id)
                outcome.moved += 1
        except DomainError as refusal:
            outcome.refusals.append(f"{assignment.task} – {assignment.agency.code}: {refusal.message}")
