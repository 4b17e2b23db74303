"""The calendar a feed address answers with (RFC 5545, written with `icalendar`): an all-day
event for each deadline still ahead of the reader's work, linking to its page. The same
visibility rules as everywhere (tasks_app.selectors); the figures are today's."""

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from agencies.selectors import UserRoles
from tasks_app.models import AWAITING_REPORT, ExplanationStatus, Plan
from tasks_app.selectors import assignments_visible_to, explanation_requests_visible_to

PRODUCT = "-//Tracker 06//Lịch hạn nhiệm vụ//VI"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _all_day(*, uid: str, day: date, summary: str, description: str, url: str, stamp) -> Event:
    event = Event()
    # Stable across renewals and reloads, so a calendar updates the event instead of adding one.
    event.add("uid", f"{uid}@{urlsplit(settings.SITE_URL).hostname or 'tracker06'}")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{description}\n{url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def agency_calendar(*, roles: UserRoles, name: str) -> bytes:
    """A focal point's or leader's calendar: the deadlines of their agencies' work not yet
    reported, and the answer dates of the explanations asked of them."""
    stamp = timezone.now()
    calendar = _calendar(name)
    assignments = (
        assignments_visible_to(roles=roles)
        .filter(status__in=AWAITING_REPORT, due_on__isnull=False)
        .select_related("task__plan", "agency")
        .order_by("due_on", "pk")
    )
    for assignment in assignments:
        task = assignment.task
        calendar.add_component(
            _all_day(
                uid=f"assignment-{assignment.pk}-{assignment.due_on:%Y%m%d}",
                day=assignment.due_on,
                summary=_("Hạn: %(plan)s #%(number)s %(title)s")
                % {"plan": task.plan.code, "number": task.number, "title": task.title},
                description=_("%(agency)s — %(status)s")
                % {"agency": assignment.agency, "status": assignment.get_status_display()},
                url=_absolute(reverse("assignment_detail", args=[assignment.pk])),
                stamp=stamp,
            )
        )
    requests = (
        explanation_requests_visible_to(roles=roles)
        .filter(status=ExplanationStatus.OPEN)
        .select_related("agency")
        .prefetch_related("items__assignment__task__plan")
        .order_by("answer_due_on", "pk")
    )
    for request in requests:
        items = list(request.items.all())
        tasks = ", ".join(f"{item.assignment.task.plan.code} #{item.assignment.task.number}" for item in items)
        calendar.add_component(
            _all_day(
                uid=f"explanation-{request.pk}-{request.answer_due_on:%Y%m%d}",
                day=request.answer_due_on,
                summary=_("Hạn giải trình: %(tasks)s") % {"tasks": tasks},
                description=f"{request.agency} — {request.message}",
                url=_absolute(reverse("explanations")),
                stamp=stamp,
            )
        )
    return calendar.to_ical()


def plan_calendar(*, roles: UserRoles, plan: Plan, name: str) -> bytes:
    """Committee staff's calendar of one plan: a day for each deadline of its tasks that some
    agency has not reported yet, saying how many."""
    stamp = timezone.now()
    calendar = _calendar(name)
    deadlines = (
        assignments_visible_to(roles=roles)
        .filter(task__plan=plan, status__in=AWAITING_REPORT, due_on__isnull=False)
        .values("task_id", "task__number", "task__title", "due_on")
        .annotate(agencies=Count("pk"))
        .order_by("due_on", "task__number")
    )
    for deadline in deadlines:
        calendar.add_component(
            _all_day(
                uid=f"task-{deadline['task_id']}-{deadline['due_on']:%Y%m%d}",
                day=deadline["due_on"],
                summary=_("Hạn: %(plan)s #%(number)s %(title)s")
                % {"plan": plan.code, "number": deadline["task__number"], "title": deadline["task__title"]},
                description=_("%(n)s cơ quan chưa báo cáo hoàn thành.") % {"n": deadline["agencies"]},
                url=_absolute(f"{reverse('dashboard')}?plan={plan.code}"),
                stamp=stamp,
            )
        )
    return calendar.to_ical()


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar
