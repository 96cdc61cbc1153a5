"""The site's languages (settings.LANGUAGES), each named in its own words for the switcher and the
account page: "English", "Tiếng Việt" (NFC: Django's table spells it with combining accents)."""

import unicodedata
from functools import cache

from django.conf import settings
from django.utils.translation import get_language_info


@cache
def own_names() -> tuple[tuple[str, str], ...]:
    """((code, name in that language), ...) in settings.LANGUAGES order."""
    codes = [code for code, _name in settings.LANGUAGES]
    return tuple((code, unicodedata.normalize("NFC", get_language_info(code)["name_local"])) for code in codes)
