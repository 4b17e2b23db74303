import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_info


def language_menu(request):
    """The languages of the menu, each named in itself so that one who cannot read the page's
    language still finds their own. Django writes "Tiếng Việt" with combining accents: composed
    here, as every other text of the pages is, so that it is found when searched for.

    The menu comes back to the page it was chosen on. A page shown in answer to a form (a
    refusal, with what was typed) has a POST-only address: the menu goes back to the page the
    form was sent from instead, or home."""
    names = {code: get_language_info(code)["name_local"] for code, _ in settings.LANGUAGES}
    return {
        "language_menu": [(code, unicodedata.normalize("NFC", name)) for code, name in names.items()],
        "language_next": request.get_full_path() if request.method == "GET" else _form_page(request),
    }


def _form_page(request) -> str:
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        address = urlsplit(referer)
        return address.path + (f"?{address.query}" if address.query else "")
    return "/"
