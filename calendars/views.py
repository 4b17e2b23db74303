from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agencies.selectors import user_roles
from calendars.feeds import agency_calendar, plan_calendar
from calendars.models import CalendarFeed
from calendars.services import calendar_feed_renew, secret_digest
from tasks_app.models import Plan


def _feed_addresses(secret: str, roles) -> list[tuple[str, str]]:
    """(what it lists, its address): one for an agency's people, one per plan for staff."""
    if roles.is_committee_staff:
        return [
            (_("Kế hoạch %(plan)s") % {"plan": plan.code}, reverse("calendar_plan_feed", args=[secret, plan.code]))
            for plan in Plan.objects.order_by("-year", "code")
        ]
    return [(_("Nhiệm vụ của cơ quan"), reverse("calendar_feed", args=[secret]))]


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    """The user's calendar address: made, or renewed, on request; shown once, when it is made."""
    roles = user_roles(request.user)
    has_work = roles.is_committee_staff or bool(roles.agency_ids)
    addresses = []
    if request.method == "POST" and has_work:
        secret = calendar_feed_renew(user=request.user)
        addresses = [(label, request.build_absolute_uri(path)) for label, path in _feed_addresses(secret, roles)]
    context = {
        "has_work": has_work,
        "has_feed": CalendarFeed.objects.filter(user=request.user).exists(),
        "addresses": addresses,
    }
    return render(request, "calendars/calendar_page.html", context, status=200 if has_work else 403)


def _reader(secret: str):
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(secret_digest=secret_digest(secret), user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    return feed.user


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    # The address is the credential: nothing on the way may keep the answer.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def calendar_feed(request, secret: str):
    reader = _reader(secret)
    roles = user_roles(reader)
    if not roles.agency_ids:
        raise Http404
    return _ics(agency_calendar(roles=roles, name=_("Tracker 06 — hạn nhiệm vụ")), "tracker06")


@require_GET
def calendar_plan_feed(request, secret: str, plan: str):
    roles = user_roles(_reader(secret))
    found = Plan.objects.filter(code=plan).first()
    if not roles.is_committee_staff or found is None:
        raise Http404
    name = _("Tracker 06 — hạn nhiệm vụ %(plan)s") % {"plan": found.code}
    return _ics(plan_calendar(roles=roles, plan=found, name=name), f"tracker06-{found.code.lower()}")
