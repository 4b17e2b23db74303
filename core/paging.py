"""Links between the pages of a long list."""

from django.http import QueryDict


def page_link_prefix(query: QueryDict, *, path: str = "", param: str = "page", keep=None) -> str:
    """The start of a link to another page of a list, up to where the page's number goes:
    the list's query (only the `keep` names where given) without its own page number."""
    others = query.copy()
    others.pop(param, None)
    for name in list(others):
        if keep is not None and name not in keep:
            others.pop(name)
    encoded = others.urlencode()
    return f"{path}?{encoded}{'&' if encoded else ''}{param}="
