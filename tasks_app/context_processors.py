from django.utils.functional import SimpleLazyObject

from agencies.selectors import user_roles
from tasks_app.selectors import (
    explanations_awaiting_answer_count,
    explanations_awaiting_review_count,
    extension_requests_waiting_count,
    review_queue_count,
)


def committee_desks(request):
    """The links in every page's header to what waits for this user, each with its count:
    for committee staff the reports to review, the extension requests to decide and the
    explanations to review; for an agency's people its explanation requests, counted for
    its focal points, who answer them. One COUNT each, made only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    if roles.is_committee_staff:
        return {
            "committee_desks": {
                "reports": SimpleLazyObject(review_queue_count),
                "extensions": SimpleLazyObject(extension_requests_waiting_count),
                "explanations": SimpleLazyObject(explanations_awaiting_review_count),
            }
        }
    if not roles.agency_ids:
        return {}
    to_answer = roles.focal_point_agency_ids
    return {
        "agency_desks": {
            "explanations": SimpleLazyObject(lambda: explanations_awaiting_answer_count(agency_ids=to_answer))
            if to_answer
            else 0
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
