"""How a percentage score is shown (registered as the "numbers" template library): one helper for
every page and the CSV, so that a rule about it (rounding, the locale) changes in one place.

A score is shown with ``places`` decimals, rounded half up (69.5 shows as 70), in the page's locale.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def percent_text(value, places: int = 0, *, localized: bool = True) -> str:
    """``value`` (a percentage: Decimal, int or float) as text without the % sign; "" for None.
    ``localized=False`` gives the plain form a data file wants ("66.7")."""
    if value is None:
        return ""
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places) if localized else f"{rounded:f}"


@register.filter
def percent(value, places: int = 0) -> str:
    """``{{ attempt.percent|percent }}%``: a percentage score as every page shows it."""
    return percent_text(value, int(places))
