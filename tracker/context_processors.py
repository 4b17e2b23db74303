import unicodedata

from django.conf import settings
from django.utils.translation import get_language_info


def language_menu(request):
    """The languages of the menu, each named in itself so that one who cannot read the page's
    language still finds their own. Django writes "Tiếng Việt" with combining accents: composed
    here, as every other text of the pages is, so that it is found when searched for."""
    names = {code: get_language_info(code)["name_local"] for code, _ in settings.LANGUAGES}
    return {"language_menu": [(code, unicodedata.normalize("NFC", name)) for code, name in names.items()]}
