from agencies.selectors import user_roles


def report_reader(request):
    """Whether the header links to the reports: for committee staff and for the focal points
    and leaders of an agency, who read the issued reports of their plans."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {"report_reader": roles.is_committee_staff or bool(roles.agency_ids)}
