from django.utils.functional import SimpleLazyObject

from agencies.selectors import user_roles
from tasks_app.selectors import review_queue_count


def review_queue_waiting(request):
    """Committee staff's count of reports waiting for them, in every page's header: one
    COUNT, made only when a page shows it (the roles are read once per request anyway)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user_roles(user).is_committee_staff:
        return {}
    return {"review_queue_waiting": SimpleLazyObject(review_queue_count)}
