"""How a percentage score is shown: one helper (devopslearn.lib.numbers) for every page and the CSV."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from devopslearn.lib.numbers import percent_text


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("69.5"), 0, "70"),  # half up, as the pages have always shown it
        (Decimal("69.49"), 0, "69"),
        (Decimal("66.666667"), 0, "67"),
        (Decimal("66.666667"), 1, "66.7"),
        (Decimal("100.000000"), 0, "100"),
        (0, 0, "0"),
        (12.25, 1, "12.3"),
        (None, 0, ""),
    ],
)
def test_a_percentage_is_rounded_half_up_to_the_places_asked(value, places, shown):
    assert percent_text(value, places, localized=False) == shown


def test_pages_show_it_through_the_template_filter_in_the_pages_locale():
    template = Template("{% load numbers %}{{ value|percent }}% {{ value|percent:1 }}%")
    assert template.render(Context({"value": Decimal("66.666667")})) == "67% 66.7%"
    with translation.override("vi"):
        assert percent_text(Decimal("66.666667"), 1) in ("66.7", "66,7")  # the locale's decimal mark
