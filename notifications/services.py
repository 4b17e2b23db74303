"""Writes to the outbox: the daily reminder scan, and sending a recipient's digest."""

import functools
import logging
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import groupby
from operator import attrgetter

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Case, CharField, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, Mod
from django.db.models.lookups import LessThan
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext_lazy

from agencies.models import MembershipRole
from agencies.selectors import committee_staff_users
from notifications.calendar import is_working_day, previous_working_day
from notifications.models import Channel, Notification, NotificationKind
from tasks_app.models import OPEN_STATUSES, Assignment
from tasks_app.selectors import overdue_by_agency

logger = logging.getLogger(__name__)

SEND_DIGESTS_TASK = "notifications.tasks.send_digests"
OWNER_REMINDERS = (NotificationKind.OVERDUE, NotificationKind.DUE_TODAY, NotificationKind.DUE_SOON)

# How long a sender may hold rows before another may take them: longer than any send.
CLAIM_SECONDS = 600


class DaysBetween(Func):
    """later - earlier, in whole days, in the database."""

    output_field = IntegerField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _reminder_conditions(*, on: date) -> dict[str, Q]:
    """Which open assignments are due a reminder of each kind on `on`, a working day, as
    conditions on an annotation `days_late` (on - due_on).

    A scan covers every day since the previous working day, so reminders that fell on a
    weekend or a holiday go out on the next working day, once."""
    policy = settings.TRACKER_REMINDERS
    since = previous_working_day(on)
    window = (on - since).days
    days_covered = [since + timedelta(days=n) for n in range(1, window + 1)]

    def late_by_then_every(first: int, period: int) -> Q:
        # Late by `first` days on some covered day, or by `first` plus a multiple of `period`.
        phase = Mod(F("days_late") - first, period)
        return Q(days_late__gte=first) & Q(LessThan(phase, window))

    return {
        NotificationKind.OVERDUE: late_by_then_every(1, policy["overdue_every_days"]),
        NotificationKind.ESCALATION: late_by_then_every(policy["escalate_after_days"], policy["escalate_every_days"]),
        NotificationKind.DUE_TODAY: Q(due_on=on),
        # A reminder day missed over a weekend no longer says "soon" once the work is due.
        NotificationKind.DUE_SOON: Q(
            due_on__gt=on,
            due_on__in=[day + timedelta(days=n) for day in days_covered for n in policy["due_soon_days"]],
        ),
    }


def _outbox_rows(assignments: QuerySet, *, recipient: str, kind, on: date) -> QuerySet:
    """The SELECT half of an INSERT into the outbox, column for column; `kind` may be an
    expression that gives each row its own kind."""
    kind = Value(kind) if isinstance(kind, str) else kind
    key = Concat(
        Cast(recipient, CharField()),
        Value(":"),
        Cast("pk", CharField()),
        Value(":"),
        kind,
        Value(f":{on.isoformat()}"),
        output_field=CharField(),
    )
    return assignments.order_by().values_list(
        *_outbox_columns(recipient=F(recipient), assignment=F("pk"), kind=kind, key=key)
    )


def _outbox_columns(*, recipient, assignment, kind, key) -> tuple:
    """What _insert_new writes, in its column order."""
    no_text = Value("")
    return (recipient, kind, assignment, Value(Channel.EMAIL), key, Value(timezone.now()), Value(0), no_text, no_text)


def _insert_new(rows: QuerySet) -> int:
    sql, params = rows.query.sql_with_params()
    table = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, kind, assignment_id, channel, dedup_key, created_at, attempts, "
            f"last_error, note) {sql} ON CONFLICT (dedup_key) DO NOTHING",
            params,
        )
        return cursor.rowcount


@transaction.atomic
def reminders_scan(*, on: date) -> int:
    """Write the reminders due on `on` into the outbox, in one set-based pass: a fixed
    number of INSERT … SELECT statements whatever the number of assignments. Running it
    again the same day writes nothing new. Nothing is written on a day that is not a
    working day. Returns how many notifications were written."""
    if not is_working_day(on):
        return 0
    open_work = Assignment.objects.filter(
        status__in=OPEN_STATUSES,
        agency__is_active=True,
        due_on__lte=on + timedelta(days=max(settings.TRACKER_REMINDERS["due_soon_days"], default=0)),
    ).annotate(days_late=DaysBetween(Value(on), F("due_on")))
    owned = open_work.filter(owner__isnull=False, owner__is_active=True)
    unowned = open_work.filter(
        owner__isnull=True,
        agency__memberships__role=MembershipRole.FOCAL_POINT,
        agency__memberships__user__is_active=True,
    )
    leaders = open_work.filter(
        agency__memberships__role=MembershipRole.LEADER, agency__memberships__user__is_active=True
    )
    conditions = _reminder_conditions(on=on)
    # Overdue, due today and due soon exclude one another: one statement gives each row its kind.
    owner_kind = Case(
        *(When(conditions[kind], then=Value(kind)) for kind in OWNER_REMINDERS),
        default=Value(None),
        output_field=CharField(),
    )
    escalation = NotificationKind.ESCALATION
    written = sum(
        _insert_new(_outbox_rows(rows.annotate(reminder=owner_kind).filter(reminder__isnull=False), **columns))
        for rows, columns in (
            (owned, {"recipient": "owner", "kind": F("reminder"), "on": on}),
            (unowned, {"recipient": "agency__memberships__user", "kind": F("reminder"), "on": on}),
        )
    )
    written += _insert_new(
        _outbox_rows(
            leaders.filter(conditions[escalation]), recipient="agency__memberships__user", kind=escalation, on=on
        )
    )
    return written + _staff_summaries(on=on, overdue=open_work.filter(days_late__gte=1))


def _staff_summaries(*, on: date, overdue: QuerySet) -> int:
    """One daily overdue summary for each committee staff member, when anything is overdue."""
    if not overdue.exists():
        return 0
    kind = NotificationKind.STAFF_SUMMARY
    key = Concat(Value(f"{kind}:{on.isoformat()}:"), Cast("pk", CharField()), output_field=CharField())
    columns = _outbox_columns(recipient=F("pk"), assignment=Value(None, IntegerField()), kind=Value(kind), key=key)
    rows = committee_staff_users().order_by().values_list(*columns)
    return _insert_new(rows)


# Overdue first, then due today, then due soon, then what happened: the order of NotificationKind.
DIGEST_ORDER = list(NotificationKind)
SUBJECT_PHRASES = {
    NotificationKind.OVERDUE: ngettext_lazy("%(n)d nhiệm vụ quá hạn", "%(n)d nhiệm vụ quá hạn", "n"),
    NotificationKind.ESCALATION: ngettext_lazy("%(n)d nhiệm vụ quá hạn kéo dài", "%(n)d nhiệm vụ quá hạn kéo dài", "n"),
    NotificationKind.DUE_TODAY: ngettext_lazy("%(n)d nhiệm vụ đến hạn hôm nay", "%(n)d nhiệm vụ đến hạn hôm nay", "n"),
    NotificationKind.DUE_SOON: ngettext_lazy("%(n)d nhiệm vụ sắp đến hạn", "%(n)d nhiệm vụ sắp đến hạn", "n"),
    NotificationKind.STAFF_SUMMARY: ngettext_lazy(
        "%(n)d bảng tổng hợp quá hạn theo cơ quan", "%(n)d bảng tổng hợp quá hạn theo cơ quan", "n"
    ),
    NotificationKind.REPORTED: ngettext_lazy(
        "%(n)d báo cáo hoàn thành chờ xác nhận", "%(n)d báo cáo hoàn thành chờ xác nhận", "n"
    ),
    NotificationKind.ACCEPTED: ngettext_lazy("%(n)d báo cáo được xác nhận", "%(n)d báo cáo được xác nhận", "n"),
    NotificationKind.RETURNED: ngettext_lazy("%(n)d báo cáo bị trả lại", "%(n)d báo cáo bị trả lại", "n"),
    NotificationKind.EXTENSION_DECIDED: ngettext_lazy(
        "%(n)d đề nghị đã có kết quả", "%(n)d đề nghị đã có kết quả", "n"
    ),
    NotificationKind.REASSIGNED: ngettext_lazy("%(n)d nhiệm vụ được giao lại", "%(n)d nhiệm vụ được giao lại", "n"),
}


def pending_recipients() -> list[int]:
    return list(
        Notification.objects.filter(sent_at__isnull=True, channel=Channel.EMAIL)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def pending_recipient_batches() -> list[list[int]]:
    """The recipients with something to send, in batches of one sending task each: small
    enough that a batch is sent well within its claim."""
    recipients, size = pending_recipients(), settings.TRACKER_SENDING["recipients_per_task"]
    return [recipients[start : start + size] for start in range(0, len(recipients), size)]


def _claim(*, recipient_ids: Iterable[int]) -> tuple[uuid.UUID, list[int]]:
    """Take these recipients' pending rows that no other sender holds: a token and the
    ids taken (none when there is nothing to send)."""
    now, token = timezone.now(), uuid.uuid4()
    with transaction.atomic():
        free = Notification.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            recipient_id__in=recipient_ids,
            sent_at__isnull=True,
            channel=Channel.EMAIL,
        )
        ids = list(free.select_for_update(skip_locked=True).values_list("pk", flat=True))
        if ids:
            Notification.objects.filter(pk__in=ids).update(
                claim_token=token, claimed_until=now + timedelta(seconds=CLAIM_SECONDS)
            )
    return token, ids


def _digest_message(notifications: list[Notification], on: date, overdue_summary) -> EmailMultiAlternatives:
    recipient = notifications[0].recipient
    sections = []
    if any(n.kind == NotificationKind.STAFF_SUMMARY for n in notifications):
        sections.append(
            {
                "kind": NotificationKind.STAFF_SUMMARY,
                "title": NotificationKind.STAFF_SUMMARY.label,
                "agencies": overdue_summary(),
            }
        )
    for kind in DIGEST_ORDER:
        if kind == NotificationKind.STAFF_SUMMARY:
            continue
        items = sorted(
            (n for n in notifications if n.kind == kind),
            key=lambda n: (n.assignment.due_on or date.max, n.assignment.task.plan.code, n.assignment.task.number),
        )
        if items:
            sections.append(
                {
                    "kind": kind,
                    "title": NotificationKind(kind).label,
                    "items": [
                        {
                            "assignment": n.assignment,
                            "note": n.note,
                            "days_late": (on - n.assignment.due_on).days if n.assignment.due_on else 0,
                            "url": f"{settings.SITE_URL}/api/v1/assignments/{n.assignment_id}/",
                        }
                        for n in items
                    ],
                }
            )
    counts = Counter(n.kind for n in notifications)
    subject = ", ".join(SUBJECT_PHRASES[kind] % {"n": counts[kind]} for kind in DIGEST_ORDER if counts[kind])
    context = {"recipient": recipient, "sections": sections, "on": on, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=f"[Tracker 06] {subject}",
        body=render_to_string("notifications/email/digest.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return message


def digests_send(*, recipient_ids: Iterable[int], on: date | None = None) -> int:
    """Send each of these recipients all their pending notifications as one email, over
    one SMTP connection, marking each digest sent as soon as it is out.

    The rows are claimed first, in a short transaction of their own, and the emails go
    out after it: two senders never take the same row, and no transaction waits on SMTP.
    If a digest fails, its rows and those not yet sent are released and the error raised,
    so they stay pending and sending the same batch again sends only those; a crash after
    sending a digest but before marking it lets its claim expire, and at worst that one
    digest is sent again. Returns how many notifications were sent."""
    token, ids = _claim(recipient_ids=recipient_ids)
    if not ids:
        return 0
    on = on or timezone.localdate()
    overdue_summary = functools.cache(lambda: overdue_by_agency(as_of=on))
    claimed = Notification.objects.filter(claim_token=token)
    notifications = claimed.filter(pk__in=ids).select_related(
        "recipient", "assignment__task__plan", "assignment__agency"
    )
    sent, attempted = 0, []
    try:
        with get_connection() as connection, translation.override(settings.LANGUAGE_CODE):
            for _, rows in groupby(notifications.order_by("recipient_id"), key=attrgetter("recipient_id")):
                digest = list(rows)
                attempted = [n.pk for n in digest]
                message = _digest_message(digest, on=on, overdue_summary=overdue_summary)
                message.connection = connection
                message.send()
                sent += claimed.filter(pk__in=attempted).update(
                    sent_at=timezone.now(), claim_token=None, claimed_until=None, attempts=F("attempts") + 1
                )
    except Exception as error:
        claimed.filter(pk__in=attempted).update(attempts=F("attempts") + 1, last_error=str(error)[:2000])
        claimed.filter(pk__in=ids).update(claim_token=None, claimed_until=None)
        raise
    return sent


def notifications_mark_read(*, user, notification_ids=None) -> int:
    """Mark a user's notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def notify(*, kind: str, recipients, assignment: Assignment, about: str, note: str = "") -> None:
    """Tell people at once that something happened to an assignment: one outbox row each
    (keyed by `about`, so the same happening is never told twice), sent as soon as the
    transaction that made it commits."""
    recipient_ids = sorted({user.pk for user in recipients if user is not None and user.is_active})
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                assignment=assignment,
                note=note,
                dedup_key=f"{kind}:{about}:{pk}",
            )
            for pk in recipient_ids
        ],
        ignore_conflicts=True,
    )
    if recipient_ids:
        transaction.on_commit(lambda: digests_dispatch(recipient_ids=recipient_ids))


def digests_dispatch(*, recipient_ids: list[int]) -> bool:
    """Ask a worker to send these recipients their digests now. Called once the write that
    made the rows has committed: if the broker cannot take the message, the write stands,
    the error is logged and the rows stay pending for the next send or the morning job.
    Dispatched by name, so this module does not import the tasks that import it."""
    try:
        current_app.send_task(SEND_DIGESTS_TASK, args=[list(recipient_ids)])
    except Exception:  # a saved write must never turn into an error page
        logger.exception("Could not dispatch %s for recipients %s; they stay pending", SEND_DIGESTS_TASK, recipient_ids)
        return False
    return True
