from django.utils.functional import SimpleLazyObject

from agencies.selectors import user_roles
from tasks_app.selectors import extension_requests_waiting_count, review_queue_count


def committee_desks(request):
    """Committee staff's links in every page's header to what waits for them, the reports to
    review and the extension requests to decide, each with its count: one COUNT each, made
    only when a page shows it, and for staff only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user_roles(user).is_committee_staff:
        return {}
    return {
        "committee_desks": {
            "reports": SimpleLazyObject(review_queue_count),
            "extensions": SimpleLazyObject(extension_requests_waiting_count),
        }
    }


def obstacle_desk(request):
    """Whether the header links to the obstacles page: for committee staff and for the focal
    points and leaders of an agency, who have items to answer or that they raised."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {"obstacle_desk": roles.is_committee_staff or bool(roles.agency_ids)}
