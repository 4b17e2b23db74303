from django.utils.functional import SimpleLazyObject

from agencies.selectors import user_roles
from tasks_app.selectors import extension_requests_waiting_count


def extension_requests_waiting(request):
    """Committee staff's link to the extension desk in every page's header, with how many
    requests wait: counted only when a page shows it, and only for staff."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def desk():
        if not user_roles(user).is_committee_staff:
            return {}
        return {"shown": True, "waiting": extension_requests_waiting_count()}

    return {"extension_desk": SimpleLazyObject(desk)}
