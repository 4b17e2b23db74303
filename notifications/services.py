"""Writes to the outbox: the daily reminder scan, and sending a recipient's digest."""

import functools
import logging
import smtplib
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
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
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from agencies.models import MembershipRole
from agencies.selectors import committee_staff_users
from core.calendar import is_working_day, previous_working_day, working_days_after
from core.mail import tracked_headers
from core.outbox import rows_claim
from notifications.models import Channel, Notification, NotificationKind
from notifications.selectors import explanation_request_items, pending_notifications
from tasks_app.dashboards import overdue_by_agency
from tasks_app.models import OPEN_STATUSES, Assignment, ExplanationRequest, ExplanationStatus
from tasks_app.selectors import explanation_late_condition, reports_awaiting_review
from tasks_app.timeliness import awaiting_review_condition

logger = logging.getLogger(__name__)

SEND_DIGESTS_TASK = "notifications.tasks.send_digests"
OWNER_REMINDERS = (NotificationKind.OVERDUE, NotificationKind.DUE_TODAY, NotificationKind.DUE_SOON)
EXPLANATION_REMINDERS = (
    NotificationKind.EXPLAIN_LATE,
    NotificationKind.EXPLAIN_ESCALATION,
    NotificationKind.EXPLAIN_DUE_SOON,
)

# How long a sender may hold rows before another may take them: longer than any send
# (the sending task's time limit is 600 s).
CLAIM_SECONDS = 900


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
            due_on__in=[day + timedelta(days=n) for day in days_covered for n in policy["remind_before_days"]],
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


def _outbox_columns(*, recipient, assignment, kind, key, explanation_request=None) -> tuple:
    """What _insert_new writes, in its column order."""
    no_text = Value("")
    if explanation_request is None:
        explanation_request = Value(None, IntegerField())
    return (
        recipient,
        kind,
        assignment,
        explanation_request,
        Value(Channel.EMAIL),
        key,
        Value(timezone.now()),
        Value(0),
        no_text,
        no_text,
        no_text,
    )


def _insert_new(rows: QuerySet) -> int:
    sql, params = rows.query.sql_with_params()
    table = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, kind, assignment_id, explanation_request_id, channel, dedup_key, "
            f"created_at, attempts, last_error, note, link) {sql} ON CONFLICT (dedup_key) DO NOTHING",
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
        due_on__lte=on + timedelta(days=max(settings.TRACKER_REMINDERS["remind_before_days"], default=0)),
    ).annotate(days_late=DaysBetween(Value(on), F("due_on")))
    # Reported work waits on the committee, not on the agency: nobody there is chased for it.
    chased = open_work.exclude(awaiting_review_condition())
    owned = chased.filter(owner__isnull=False, owner__is_active=True)
    unowned = chased.filter(
        owner__isnull=True,
        agency__memberships__role=MembershipRole.FOCAL_POINT,
        agency__memberships__user__is_active=True,
    )
    leaders = chased.filter(agency__memberships__role=MembershipRole.LEADER, agency__memberships__user__is_active=True)
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
    written += _explanation_reminders(on=on)
    written += _staff_summaries(on=on, kind=NotificationKind.STAFF_SUMMARY, about=open_work.filter(days_late__gte=1))
    return written + _staff_summaries(
        on=on, kind=NotificationKind.REVIEW_QUEUE, about=Assignment.objects.filter(awaiting_review_condition())
    )


def _explanation_reminders(*, on: date) -> int:
    """Each open explanation request reminds its agency's focal points once as its answer
    comes due (within the shortest remind-before lead, counted in working days as the
    answer date is) and once when it is late; late by the escalation days, it goes to the
    agency's leaders once. Keyed by the request's round and answer date, so a request
    asked again is reminded again for its new date. Two INSERT … SELECT statements."""
    policy = settings.TRACKER_REMINDERS
    late = explanation_late_condition(today=on)
    focal_kind = [When(late, then=Value(NotificationKind.EXPLAIN_LATE))]
    if policy["remind_before_days"]:
        soon = working_days_after(on, min(policy["remind_before_days"]))
        focal_kind.append(
            When(status=ExplanationStatus.OPEN, answer_due_on__lte=soon, then=Value(NotificationKind.EXPLAIN_DUE_SOON))
        )
    # Both conditions hold only for open requests: answered and accepted ones are left alone.
    waiting = ExplanationRequest.objects.filter(agency__is_active=True)

    def to(role: str) -> QuerySet:
        # One filter() call, so that the role and the active user are those of one membership.
        return waiting.filter(agency__memberships__role=role, agency__memberships__user__is_active=True)

    focal_points = to(MembershipRole.FOCAL_POINT).annotate(
        reminder=Case(*focal_kind, default=Value(None), output_field=CharField())
    )
    escalated = to(MembershipRole.LEADER).filter(
        late, answer_due_on__lte=on - timedelta(days=policy["escalate_after_days"])
    )
    return _insert_new(_explanation_rows(focal_points.filter(reminder__isnull=False), kind=F("reminder"))) + (
        _insert_new(_explanation_rows(escalated, kind=Value(NotificationKind.EXPLAIN_ESCALATION)))
    )


def _explanation_rows(requests: QuerySet, *, kind) -> QuerySet:
    """The outbox rows of requests' reminders, one per request and member. The key holds the
    round as well as the answer date: staff may ask again keeping the same date."""
    recipient = "agency__memberships__user"
    key = Concat(
        kind,
        Value(":explanation:"),
        Cast("pk", CharField()),
        Value(":"),
        Cast("asked_again_count", CharField()),
        Value(":"),
        Cast("answer_due_on", CharField()),
        Value(":"),
        Cast(recipient, CharField()),
        output_field=CharField(),
    )
    columns = _outbox_columns(
        recipient=F(recipient),
        assignment=Value(None, IntegerField()),
        kind=kind,
        key=key,
        explanation_request=F("pk"),
    )
    return requests.order_by().values_list(*columns)


def _staff_summaries(*, on: date, kind: str, about: QuerySet) -> int:
    """One daily entry of `kind` for each committee staff member, when `about` holds any
    work: the overdue summary, the reports waiting for their review. The digest lists that
    work as it stands when it is sent."""
    if not about.exists():
        return 0
    key = Concat(Value(f"{kind}:{on.isoformat()}:"), Cast("pk", CharField()), output_field=CharField())
    columns = _outbox_columns(recipient=F("pk"), assignment=Value(None, IntegerField()), kind=Value(kind), key=key)
    rows = committee_staff_users().order_by().values_list(*columns)
    return _insert_new(rows)


# Overdue first, then due today, then due soon, then what happened: the order of NotificationKind.
DIGEST_ORDER = list(NotificationKind)
# The staff's daily entries, each a section of its own listing the work as it stands.
STAFF_SUMMARIES = (NotificationKind.STAFF_SUMMARY, NotificationKind.REVIEW_QUEUE)
SUBJECT_PHRASES = {
    NotificationKind.OVERDUE: ngettext_lazy("%(n)d nhiệm vụ quá hạn", "%(n)d nhiệm vụ quá hạn", "n"),
    NotificationKind.ESCALATION: ngettext_lazy("%(n)d nhiệm vụ quá hạn kéo dài", "%(n)d nhiệm vụ quá hạn kéo dài", "n"),
    NotificationKind.DUE_TODAY: ngettext_lazy("%(n)d nhiệm vụ đến hạn hôm nay", "%(n)d nhiệm vụ đến hạn hôm nay", "n"),
    NotificationKind.DUE_SOON: ngettext_lazy("%(n)d nhiệm vụ sắp đến hạn", "%(n)d nhiệm vụ sắp đến hạn", "n"),
    NotificationKind.EXPLAIN_LATE: ngettext_lazy(
        "%(n)d yêu cầu giải trình đã quá hạn", "%(n)d yêu cầu giải trình đã quá hạn", "n"
    ),
    NotificationKind.EXPLAIN_ESCALATION: ngettext_lazy(
        "%(n)d yêu cầu giải trình quá hạn kéo dài", "%(n)d yêu cầu giải trình quá hạn kéo dài", "n"
    ),
    NotificationKind.EXPLAIN_DUE_SOON: ngettext_lazy(
        "%(n)d yêu cầu giải trình sắp đến hạn", "%(n)d yêu cầu giải trình sắp đến hạn", "n"
    ),
    NotificationKind.STAFF_SUMMARY: ngettext_lazy(
        "%(n)d bảng tổng hợp quá hạn theo cơ quan", "%(n)d bảng tổng hợp quá hạn theo cơ quan", "n"
    ),
    NotificationKind.REVIEW_QUEUE: ngettext_lazy(
        "%(n)d báo cáo hoàn thành đang chờ Tổ giúp việc xác nhận",
        "%(n)d báo cáo hoàn thành đang chờ Tổ giúp việc xác nhận",
        "n",
    ),
    NotificationKind.REPORTED: ngettext_lazy(
        "%(n)d báo cáo hoàn thành chờ xác nhận", "%(n)d báo cáo hoàn thành chờ xác nhận", "n"
    ),
    NotificationKind.ACCEPTED: ngettext_lazy("%(n)d báo cáo được xác nhận", "%(n)d báo cáo được xác nhận", "n"),
    NotificationKind.RETURNED: ngettext_lazy("%(n)d báo cáo bị trả lại", "%(n)d báo cáo bị trả lại", "n"),
    NotificationKind.EXTENSION_REQUESTED: ngettext_lazy(
        "%(n)d đề nghị điều chỉnh thời hạn chờ quyết định", "%(n)d đề nghị điều chỉnh thời hạn chờ quyết định", "n"
    ),
    NotificationKind.EXTENSION_DECIDED: ngettext_lazy(
        "%(n)d đề nghị đã có kết quả", "%(n)d đề nghị đã có kết quả", "n"
    ),
    NotificationKind.REASSIGNED: ngettext_lazy("%(n)d nhiệm vụ được giao lại", "%(n)d nhiệm vụ được giao lại", "n"),
    NotificationKind.COMMENT_POSTED: ngettext_lazy("%(n)d ý kiến trao đổi mới", "%(n)d ý kiến trao đổi mới", "n"),
    NotificationKind.EXPLAIN_REQUESTED: ngettext_lazy(
        "%(n)d nhiệm vụ được yêu cầu giải trình", "%(n)d nhiệm vụ được yêu cầu giải trình", "n"
    ),
    NotificationKind.EXPLAIN_ANSWERED: ngettext_lazy(
        "%(n)d giải trình chờ xem xét", "%(n)d giải trình chờ xem xét", "n"
    ),
    NotificationKind.EXPLAIN_DECIDED: ngettext_lazy(
        "%(n)d giải trình đã được xem xét", "%(n)d giải trình đã được xem xét", "n"
    ),
    NotificationKind.OBSTACLE_RECORDED: ngettext_lazy(
        "%(n)d khó khăn, vướng mắc, kiến nghị gửi đến", "%(n)d khó khăn, vướng mắc, kiến nghị gửi đến", "n"
    ),
    NotificationKind.OBSTACLE_ANSWERED: ngettext_lazy(
        "%(n)d kiến nghị đã được trả lời", "%(n)d kiến nghị đã được trả lời", "n"
    ),
    NotificationKind.OBSTACLE_RESOLVED: ngettext_lazy(
        "%(n)d kiến nghị đã kết thúc", "%(n)d kiến nghị đã kết thúc", "n"
    ),
    NotificationKind.REPORT_DRAFT: ngettext_lazy(
        "%(n)d dự thảo báo cáo định kỳ đã sẵn sàng", "%(n)d dự thảo báo cáo định kỳ đã sẵn sàng", "n"
    ),
}
# Notices that lead to a page of their own (their link), listed by their note.
LINKED_KINDS = (NotificationKind.REPORT_DRAFT,)


def pending_recipients() -> list[int]:
    return list(pending_notifications().values_list("recipient_id", flat=True).distinct().order_by("recipient_id"))


def pending_recipient_batches() -> list[list[int]]:
    """The recipients with something to send, in batches of one sending task each: small
    enough that a batch is sent well within its claim."""
    recipients, size = pending_recipients(), settings.TRACKER_SENDING["recipients_per_task"]
    return [recipients[start : start + size] for start in range(0, len(recipients), size)]


def _claim(*, recipient_ids: Iterable[int], token: uuid.UUID) -> list[int]:
    """Take these recipients' pending rows that no other sender holds (core.outbox)."""
    pending = pending_notifications().filter(recipient_id__in=recipient_ids)
    return rows_claim(pending, token=token, seconds=CLAIM_SECONDS)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _digest_message(
    notifications: list[Notification], on: date, overdue_summary, waiting_reports
) -> EmailMultiAlternatives:
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
    if any(n.kind == NotificationKind.REVIEW_QUEUE for n in notifications):
        sections.append(
            {
                "kind": NotificationKind.REVIEW_QUEUE,
                "title": NotificationKind.REVIEW_QUEUE.label,
                "waiting": [
                    {
                        "assignment": a,
                        "reported_at": a.reported_at,
                        "url": _absolute(reverse("assignment_detail", args=[a.pk])),
                    }
                    for a in waiting_reports()
                ],
                "queue_url": _absolute(reverse("review_queue")),
            }
        )
    for kind in DIGEST_ORDER:
        if kind in STAFF_SUMMARIES:
            continue
        if kind in EXPLANATION_REMINDERS:
            requests = sorted(
                (n.explanation_request for n in notifications if n.kind == kind),
                key=attrgetter("answer_due_on", "agency.name", "pk"),
            )
            if requests:
                sections.append(_explanation_section(kind, requests, on=on))
            continue
        if kind in LINKED_KINDS:
            linked = sorted((n for n in notifications if n.kind == kind), key=attrgetter("created_at", "pk"))
            if linked:
                pages = [{"note": n.note, "url": _absolute(n.page_path)} for n in linked]
                sections.append({"kind": kind, "title": NotificationKind(kind).label, "pages": pages})
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
                    # Not "items": in a template that would be the dict's own .items() wherever the key is absent.
                    "entries": [
                        {
                            "assignment": n.assignment,
                            "note": n.note,
                            "days_late": (on - n.assignment.due_on).days if n.assignment.due_on else 0,
                            "url": _absolute(n.page_path),
                        }
                        for n in items
                    ],
                }
            )
    counts = Counter(n.kind for n in notifications)
    if counts[NotificationKind.REVIEW_QUEUE]:
        # The subject counts the reports waiting, not the one daily entry that lists them.
        counts[NotificationKind.REVIEW_QUEUE] = len(waiting_reports())
    # Empty only when every report listed for review was decided before the digest went.
    subject = ", ".join(SUBJECT_PHRASES[kind] % {"n": counts[kind]} for kind in DIGEST_ORDER if counts[kind]) or str(
        NotificationKind.REVIEW_QUEUE.label
    )
    context = {"recipient": recipient, "sections": sections, "on": on, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=f"[Tracker 06] {subject}",
        body=render_to_string("notifications/email/digest.txt", context),
        to=[recipient.email],
        headers=tracked_headers(),
    )
    message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return message


EXPLANATION_LEADS = {
    NotificationKind.EXPLAIN_DUE_SOON: gettext_lazy(
        "Đề nghị đồng chí gửi giải trình đúng hạn, tại trang của từng nhiệm vụ dưới đây."
    ),
    NotificationKind.EXPLAIN_LATE: gettext_lazy(
        "Đã quá hạn giải trình: đề nghị đồng chí gửi giải trình ngay, tại trang của từng nhiệm vụ dưới đây."
    ),
    NotificationKind.EXPLAIN_ESCALATION: gettext_lazy(
        "Cơ quan của đồng chí chưa gửi giải trình dù đã quá hạn: đề nghị đồng chí chỉ đạo đầu mối gửi giải trình."
    ),
}


def _explanation_section(kind: str, requests: list[ExplanationRequest], *, on: date) -> dict:
    """One entry per request: its agency, answer date, how late, what it asks, and each of
    its assignments with a link to the request on that assignment's page."""
    return {
        "kind": kind,
        "title": NotificationKind(kind).label,
        "lead": EXPLANATION_LEADS[kind],
        "requests": [
            {
                "request": request,
                "days_late": (on - request.answer_due_on).days,
                "assignments": [
                    {
                        "assignment": item.assignment,
                        "url": _absolute(
                            reverse("assignment_detail", args=[item.assignment_id]) + f"#explanation-{request.pk}"
                        ),
                    }
                    for item in request.items.all()
                ],
            }
            for request in requests
        ],
    }


NO_ADDRESS = gettext_lazy("Người nhận chưa có địa chỉ e-mail")


@dataclass
class SendingOutcome:
    """What became of a batch's notifications: sent, given up for good, or left pending for
    a retry (with the error that stopped them)."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    error: str = ""

    def __add__(self, other: "SendingOutcome") -> "SendingOutcome":
        return SendingOutcome(
            sent=self.sent + other.sent,
            failed=self.failed + other.failed,
            deferred=self.deferred + other.deferred,
            error=other.error or self.error,
        )


class SendingDeferred(Exception):
    """Some of a batch could not be sent for a reason that may pass (the mail server is
    unreachable or dropped the connection, or answered a temporary 4xx): those rows stay
    pending with the error on them, and sending the batch again sends only them."""

    def __init__(self, outcome: SendingOutcome):
        super().__init__(outcome.error)
        self.outcome = outcome


def _smtp_answer(code: int, text) -> str:
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}"[:2000]


def _refusal(error: Exception) -> tuple[bool, str] | None:
    """Whether the mail server refused this one recipient's message for good (a 5xx
    answer, or an address it cannot take) or for now (4xx), with its answer; None when the
    error is not about the recipient (the connection, or the sender address)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return code >= 500, _smtp_answer(code, text)
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, smtplib.SMTPSenderRefused):
        return error.smtp_code >= 500, _smtp_answer(error.smtp_code, error.smtp_error)
    if isinstance(error, ValueError):  # Django refuses to write a malformed address
        return True, str(error)[:2000]
    return None


def _claim_token(claim: uuid.UUID | str | None) -> uuid.UUID:
    if not claim:
        return uuid.uuid4()
    try:
        return uuid.UUID(str(claim))
    except ValueError:  # a task id that is not a UUID still names one sender
        return uuid.uuid5(uuid.NAMESPACE_OID, str(claim))


def digests_send(
    *, recipient_ids: Iterable[int], on: date | None = None, claim: uuid.UUID | str | None = None
) -> SendingOutcome:
    """Send each of these recipients all their pending notifications as one email, over
    one SMTP connection, recording each person's outcome as soon as it is known.

    The rows are claimed first, in a short transaction of their own, and the emails go
    out after it: two senders never take the same row, and no transaction waits on SMTP.
    `claim` names the sender (a Celery task's id): the same sender run again after a crash
    takes back the rows it held, so a lost worker's batch is sent by its redelivery, and
    at worst the one digest in flight when it died goes twice.

    Each recipient's outcome is their own: a digest that goes out marks its rows sent; a
    permanent refusal (5xx) or no address at all marks them failed with the reason, never
    sent again; a temporary refusal (4xx) records the answer and leaves them pending; the
    others are sent. When the server cannot be reached or drops the connection, every row
    not yet sent records the error and stays pending. Anything left pending raises
    SendingDeferred (after all the rest is done), so that the caller may retry."""
    token = _claim_token(claim)
    ids = _claim(recipient_ids=recipient_ids, token=token)
    outcome = SendingOutcome()
    if not ids:
        return outcome
    on = on or timezone.localdate()
    overdue_summary = functools.cache(lambda: overdue_by_agency(as_of=on))
    waiting_reports = functools.cache(lambda: list(reports_awaiting_review()))
    claimed = Notification.objects.filter(claim_token=token)
    unfinished = set(ids)

    def finish(pks, **fields) -> int:
        unfinished.difference_update(pks)
        return claimed.filter(pk__in=pks).update(
            claim_token=None, claimed_until=None, attempts=F("attempts") + 1, **fields
        )

    with translation.override(settings.LANGUAGE_CODE):
        no_address = list(claimed.filter(pk__in=ids, recipient__email="").values_list("pk", flat=True))
        if no_address:
            outcome.failed += finish(no_address, failed_at=timezone.now(), last_error=str(NO_ADDRESS))
        notifications = (
            claimed.filter(pk__in=unfinished)
            .select_related("recipient", "assignment__task__plan", "assignment__agency", "explanation_request__agency")
            .prefetch_related(explanation_request_items())
        )
        try:
            with get_connection() as connection:
                for _, rows in groupby(notifications.order_by("recipient_id"), key=attrgetter("recipient_id")):
                    digest = list(rows)
                    pks = [n.pk for n in digest]
                    message = _digest_message(
                        digest, on=on, overdue_summary=overdue_summary, waiting_reports=waiting_reports
                    )
                    message.connection = connection
                    try:
                        message.send()
                    except (smtplib.SMTPException, ValueError) as error:
                        refusal = _refusal(error)
                        if refusal is None:
                            raise
                        permanent, answer = refusal
                        if permanent:
                            outcome.failed += finish(pks, failed_at=timezone.now(), last_error=answer)
                        else:
                            outcome.deferred += finish(pks, last_error=answer)
                            outcome.error = answer
                        continue
                    outcome.sent += finish(pks, sent_at=timezone.now())
        except (smtplib.SMTPException, OSError) as error:
            # The server unreachable, gone mid-batch, or refusing the sender: nothing more
            # can go now; what was not sent keeps the error and waits for the retry.
            outcome.error = (str(error) or error.__class__.__name__)[:2000]
            outcome.deferred += finish(list(unfinished), last_error=outcome.error)
        finally:
            if unfinished:  # an unexpected error: give the rows back at once
                claimed.filter(pk__in=unfinished).update(claim_token=None, claimed_until=None)
    if outcome.deferred:
        raise SendingDeferred(outcome)
    return outcome


def notifications_mark_read(*, user, notification_ids=None) -> int:
    """Mark a user's notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def notify(
    *, kind: str, recipients, assignment: Assignment, about: str, note: str = "", channel: str = Channel.EMAIL
) -> None:
    """Tell people that something happened to an assignment: one outbox row each (keyed by
    `about`, so the same happening is never told twice). By e-mail it is sent as soon as
    the transaction that made it commits; in the app it waits in the list alone."""
    recipient_ids = sorted({user.pk for user in recipients if user is not None and user.is_active})
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                assignment=assignment,
                note=note,
                channel=channel,
                dedup_key=f"{kind}:{about}:{pk}",
            )
            for pk in recipient_ids
        ],
        ignore_conflicts=True,
    )
    if recipient_ids and channel == Channel.EMAIL:
        transaction.on_commit(lambda: digests_dispatch(recipient_ids=recipient_ids))


def notify_committee_staff(*, kind: str, about: str, note: str, link: str) -> int:
    """Tell every committee staff member of something that is no assignment's, such as a
    report's draft: one row each, keyed by `about` (told once however often it is asked),
    leading to `link` (a site path). It waits for the morning's digest with the day's
    other news. Returns how many rows are new."""
    staff = list(committee_staff_users().values_list("pk", flat=True))
    keys = {pk: f"{kind}:{about}:{pk}" for pk in staff}
    known = set(Notification.objects.filter(dedup_key__in=keys.values()).values_list("dedup_key", flat=True))
    rows = [
        Notification(recipient_id=pk, kind=kind, note=note, link=link, dedup_key=key)
        for pk, key in keys.items()
        if key not in known
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


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
