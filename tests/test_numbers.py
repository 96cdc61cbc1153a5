"""Numbers typed by people are read the way the page's language writes them (issue 12, point 8):
one parser, keyed on the language, that refuses an ambiguous separator rather than guessing; and a
percentage score is shown by one helper for every page and the CSV."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from devopslearn.lib import numbers
from devopslearn.lib.numbers import NumberError, NumberFormat, number_rule, parse_number, percent_text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10,000", "10000"),
        ("1,000", "1000"),
        ("2,400", "2400"),
        ("1,234,567.25", "1234567.25"),
        ("12.5", "12.5"),
        (".5", "0.5"),
        ("-3", "-3"),
        ("+3", "3"),
        ("- 3", "-3"),
        ("1000", "1000"),
        ("12.5 %", "12.5"),
    ],
)
def test_english_reads_a_comma_before_three_digits_as_thousands_and_the_dot_as_decimals(text, value):
    assert parse_number(text, unit="%", language="en") == Decimal(value)


@pytest.mark.parametrize("text", ["1,5", "12,50", "1,5000", "10,00", "1.000,5", ",5"])
def test_english_refuses_an_ambiguous_comma_and_says_how_to_write_the_number(text):
    with pytest.raises(NumberError) as refused:
        parse_number(text, language="en")
    assert "can be read two ways" in str(refused.value)
    assert "Write decimals with “.” (1.5); “,” may separate thousands (2,400)." in str(refused.value)


@pytest.mark.parametrize("text", ["", "twelve", "1e3", "1 000", "12.5.1", "1,,000", "1,000,5", "NaN", "∞", "12 5"])
def test_what_is_not_a_number_is_refused_with_an_example_and_the_rule(text):
    with pytest.raises(NumberError) as refused:
        parse_number(text, language="en")
    assert str(refused.value) == (
        "Enter a number, for example 12.5. Write decimals with “.” (1.5); “,” may separate thousands (2,400)."
    )


def test_the_active_language_picks_the_format_and_a_regional_code_reads_as_its_language():
    with translation.override("en-gb"):
        assert parse_number("2,400.5") == Decimal("2400.5")
        assert number_rule() == "Write decimals with “.” (1.5); “,” may separate thousands (2,400)."


def test_a_language_without_an_entry_reads_as_the_sites_default_language():
    assert parse_number("2,400", language="xx") == Decimal(2400)


def test_adding_a_language_is_one_table_entry(monkeypatch):
    """Vietnamese (a later issue): the comma is the decimal mark and the dot separates thousands."""
    monkeypatch.setitem(numbers.FORMATS, "vi", NumberFormat(decimal=",", group="."))

    assert parse_number("1,5", language="vi") == Decimal("1.5")
    assert parse_number("2.400", language="vi") == Decimal(2400)
    assert parse_number("1.234.567,25", language="vi") == Decimal("1234567.25")
    with pytest.raises(NumberError, match="can be read two ways"):
        parse_number("1.5", language="vi")
    assert number_rule("vi") == "Write decimals with “,” (1,5); “.” may separate thousands (2.400)."


@given(st.decimals(min_value=-(10**14), max_value=10**14, places=6, allow_nan=False, allow_infinity=False))
def test_every_number_english_writes_reads_back_exactly(value):
    assert parse_number(f"{value:,f}", language="en") == value
    assert parse_number(format(value, "f"), language="en") == value


@given(st.text(alphabet="0123456789,.-+ ", max_size=20))
def test_a_comma_is_never_read_as_a_decimal_mark_in_english(text):
    try:
        value = parse_number(text, language="en")
    except NumberError:
        return
    whole = text.strip().split(".")[0]
    # read at the precision answers are stored with (six places)
    assert value == Decimal(text.replace(",", "").replace(" ", "")).quantize(Decimal("0.000001"))
    if "," in whole:
        assert all(len(group) == 3 for group in whole.split(",")[1:])


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("69.607843"), 0, "69"),  # issue 12: 11.83 of 17 points is not 70 %
        (Decimal("69.5"), 0, "69"),
        (Decimal("69.999999"), 0, "69"),
        (Decimal("66.666667"), 0, "66"),
        (Decimal("66.666667"), 1, "66.6"),
        (Decimal("100.000000"), 0, "100"),
        (Decimal("70"), 1, "70.0"),
        (0, 0, "0"),
        (12.25, 1, "12.2"),
        (100 * 0.57, 0, "57"),  # a float statistic (56.99999999999999 in binary) is not floored to 56
        (None, 0, ""),
    ],
)
def test_a_percentage_is_floored_to_the_places_asked(value, places, shown):
    assert percent_text(value, places, localized=False) == shown


def test_pages_show_it_through_the_template_filter_in_the_pages_locale():
    template = Template("{% load numbers %}{{ value|percent }}% {{ value|percent:1 }}%")
    assert template.render(Context({"value": Decimal("66.666667")})) == "66% 66.6%"
    with translation.override("vi"):
        assert percent_text(Decimal("66.666667"), 1) in ("66.6", "66,6")  # the locale's decimal mark


@pytest.mark.parametrize(
    ("language", "number", "unit", "shown"),
    [
        ("en", "12.5", "%", "12.5%"),
        ("vi", "12,5", "%", "12,5\u00a0%"),
        ("en", "250", "ms", "250\u00a0ms"),
        ("vi", "250", "ms", "250\u00a0ms"),
        ("en", "3", "", "3"),
    ],
)
def test_a_number_with_its_unit_is_written_as_the_language_writes_it(language, number, unit, shown):
    """A numeric answer's unit: the percent sign where a percentage puts it (no space in English), any
    other unit after a no-break space; the right answer and the learner's answer both use it."""
    with translation.override(language):
        assert numbers.with_unit(number, unit) == shown
