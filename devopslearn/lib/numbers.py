"""Numbers as the page's language writes them: the one parser of numbers typed by people (a
learner's answer, an instructor's value in the admin), and the one helper that shows a percentage
score (registered as the "numbers" template library, used by every page and the CSV).

Each language has one entry in ``FORMATS``: its decimal mark and its thousands separator. A group
separator is only read as one when every group after it has exactly three digits ("2,400",
"1,234,567.5" in English); an entry that could be read either way ("1,5" in English) is refused with
a message that states the rule, never guessed. Adding a language is one more entry (Vietnamese:
decimal comma, thousands dot, so "12,5" is twelve and a half and "10.000" ten thousand).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django import forms, template
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

SIX_PLACES = Decimal("0.000001")
LIMIT = Decimal("1e15")  # larger numbers are not answers: refused rather than stored
MAX_LENGTH = 40


class NumberError(ValueError):
    """The text is not a number as the language writes it: the message says how to write it."""


@dataclass(frozen=True)
class NumberFormat:
    decimal: str  # the decimal mark
    group: str  # the thousands separator (groups of three digits)
    pattern: re.Pattern = field(init=False, repr=False, compare=False)
    swapped: re.Pattern = field(init=False, repr=False, compare=False)  # the other convention

    def __post_init__(self):
        object.__setattr__(self, "pattern", self._pattern(self.decimal, self.group))
        object.__setattr__(self, "swapped", self._pattern(self.group, self.decimal))

    @staticmethod
    def _pattern(decimal: str, group: str) -> re.Pattern:
        d, g = re.escape(decimal), re.escape(group)
        whole = rf"(?:[0-9]{{1,3}}(?:{g}[0-9]{{3}})+|[0-9]+)"
        return re.compile(rf"^[+-]?(?:{whole}(?:{d}[0-9]*)?|{d}[0-9]+)$")

    def example(self, whole: str, fraction: str = "") -> str:
        """A number written in this format: example("2400") -> "2,400", example("1", "5") -> "1.5"."""
        groups = []
        while len(whole) > 3:
            whole, groups = whole[:-3], [whole[-3:], *groups]
        written = self.group.join([whole, *groups])
        return f"{written}{self.decimal}{fraction}" if fraction else written


FORMATS: dict[str, NumberFormat] = {
    "en": NumberFormat(decimal=".", group=","),
    "vi": NumberFormat(decimal=",", group="."),
}


def number_format(language: str | None = None) -> NumberFormat:
    """The format of ``language`` (default: the active language; "en-gb" reads as "en"), falling back
    to the site's default language."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    return FORMATS.get(code) or FORMATS.get(code.split("-")[0]) or FORMATS[settings.LANGUAGE_CODE.split("-")[0]]


def number_rule(language: str | None = None) -> str:
    """The rule in one sentence, shown beside every number input."""
    fmt = number_format(language)
    return _("Write decimals with “%(decimal)s” (%(example)s); “%(group)s” may separate thousands (%(thousands)s).") % {
        "decimal": fmt.decimal,
        "example": fmt.example("1", "5"),
        "group": fmt.group,
        "thousands": fmt.example("2400"),
    }


def parse_number(text: str, *, unit: str = "", language: str | None = None) -> Decimal:
    """``text`` as a Decimal with at most six decimal places, read in ``language`` (default: the
    active one). An optional ``unit`` (and a percent sign) may follow the number.

    Raises NumberError, whose message states the rule, for anything else: letters, exponents,
    more than 15 digits before the point, and an ambiguous separator ("1,5" or "12,50" in English).
    """
    fmt = number_format(language)
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace("\u2212", "-")
    if unit and cleaned.casefold().endswith(unit.casefold()):  # the unit, or else a percent sign, once
        cleaned = cleaned[: -len(unit)].strip()
    else:
        cleaned = cleaned.removesuffix("%").strip()
    if cleaned[:1] in "+-" and cleaned[1:2].isspace():  # "- 5"
        cleaned = cleaned[0] + cleaned[1:].lstrip()
    not_a_number = _("Enter a number, for example %(example)s. %(rule)s") % {
        "example": fmt.example("12", "5"),
        "rule": number_rule(language),
    }
    if not cleaned or len(cleaned) > MAX_LENGTH:
        raise NumberError(not_a_number)
    if not fmt.pattern.match(cleaned):
        if fmt.swapped.match(cleaned):  # a number in the other convention: "1,5" could be 1.5 or a slip for 1,500
            raise NumberError(
                _("“%(text)s” can be read two ways. %(rule)s") % {"text": cleaned, "rule": number_rule(language)}
            )
        raise NumberError(not_a_number)
    plain = cleaned.replace(fmt.group, "").replace(fmt.decimal, ".")
    try:
        value = Decimal(plain)
    except InvalidOperation as exc:  # the pattern admits only digits, one mark and a sign: not expected
        raise NumberError(not_a_number) from exc
    if abs(value) >= LIMIT:
        raise NumberError(not_a_number)
    # Read at the precision answers are stored with.
    return value.quantize(SIX_PLACES) + Decimal(0)


def plain_number(value: Decimal) -> str:
    """12.500000 -> "12.5", 1E+2 -> "100", -0 -> "0": the language-neutral form answers are stored in."""
    return format(value.normalize() + Decimal(0), "f")


def written_number(value, language: str | None = None) -> str:
    """A stored number (a Decimal, or the plain text answers are stored in: "12.5") as ``language``
    (default: the active one) writes it: "12.5" / "12,5", "2400" / "2,400" / "2.400". Text that is
    not a number is returned as it is."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():  # "NaN", "Infinity": text, not a number anyone wrote
        return str(value)
    text = plain_number(number)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = digits.partition(".")
    return sign + number_format(language).example(whole, fraction)


class NumberField(forms.DecimalField):
    """A form field for a number typed in the page's language (read by ``parse_number``), with the
    rule as its help text. Django's own DecimalField reads only "1234.5"."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.pop("step", None)
        rule = number_rule()
        self.help_text = f"{self.help_text} {rule}".strip() if self.help_text else rule

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(str(value))
        except NumberError as problem:
            raise ValidationError(str(problem), code="invalid") from None


class WholeNumberField(forms.IntegerField):
    """A form field for a whole number typed in the page's language ("1,000" in English)."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_number(str(value))
        except NumberError as problem:
            raise ValidationError(str(problem), code="invalid") from None
        if number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number."), code="invalid")
        return int(number)


# For ModelAdmin.formfield_overrides: every number an instructor types in the admin, read by the one parser.
FORMFIELD_OVERRIDES = {
    models.DecimalField: {"form_class": NumberField},
    models.IntegerField: {"form_class": WholeNumberField},
}


# --- showing a percentage score or progress ------------------------------------------------------
# A percentage is shown floored to ``places`` decimals (69.6 shows as 69, 99.99 as 99), in the page's
# locale. Floored, not rounded: every decision beside a figure (passed: percent >= pass mark; complete:
# every step done; mastered: best >= 90) is taken on the exact value, and a whole-number threshold
# holds for the floored figure exactly when it holds for the exact one, so the figure never
# contradicts the decision (rounding half up showed "70 % · Not passed (pass mark 70 %)" for 69.6).

register = template.Library()


def floor_percent(value, places: int = 0) -> Decimal | None:
    """``value`` (a percentage: Decimal, int or float) floored to ``places`` decimals; None for None."""
    if value is None:
        return None
    if isinstance(value, float):  # an average or a statistic: 100 * 0.57 is 56.99999999999999 in binary
        value = round(value, 9)
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_FLOOR) + Decimal(0)


def share_percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` (whole numbers: steps, learners) as a floored whole percentage, computed
    exactly (0 when ``whole`` is 0): 199 of 200 is 99, never 100 before the last one."""
    return 100 * part // whole if whole else 0


def percent_text(value, places: int = 0, *, localized: bool = True) -> str:
    """``value`` (a percentage: Decimal, int or float) as text without the % sign, floored to ``places``
    decimals (see above); "" for None. ``localized=False`` gives the plain form a data file wants ("66.6")."""
    floored = floor_percent(value, places)
    if floored is None:
        return ""
    return formats.number_format(floored, decimal_pos=places) if localized else f"{floored:f}"


@register.filter
def percent(value, places: int = 0) -> str:
    """``{{ attempt.percent|percent }}``: the number of a percentage without its sign, floored
    (percent_text). Pages write the sign through ``|percentage``, which puts it where the language does."""
    return percent_text(value, int(places))


def percentage_text(value, places: int = 0) -> str:
    """``value`` with its sign as the page's language writes a percentage, floored like every shown
    percentage (percent_text): "69.6%" in English, "69,6 %" (a no-break space before the sign) in
    Vietnamese; "" for None (and for the "" a template gives for a missing value)."""
    number = percent_text(None if value == "" else value, places)
    if not number:
        return ""
    # Translators: a percentage; Vietnamese writes a no-break space before the sign ("69,6 %").
    return pgettext("percentage", "%(number)s%%") % {"number": number}


def with_unit(number: str, unit: str) -> str:
    """A number already written (``written_number``) followed by its unit as the page's language
    writes them: a percent sign where percentage_text puts it ("12.5%" in English, "12,5 %" with a
    no-break space in Vietnamese), any other unit after a no-break space ("250 ms"); the number alone
    when there is no unit."""
    if not unit:
        return number
    if unit == "%":
        return pgettext("percentage", "%(number)s%%") % {"number": number}
    return f"{number}\u00a0{unit}"


@register.filter
def percentage(value, places: int = 0) -> str:
    """``{{ attempt.percent|percentage }}``, ``{{ stats.facility|percentage:1 }}``: a percentage as
    every page shows it (percentage_text)."""
    return percentage_text(value, int(places))


@register.filter
def written(value) -> str:
    """``{{ variant.answer|written }}``: a stored number as the page's language writes it
    (written_number): "12.5" shows as "12,5" in Vietnamese."""
    return written_number(value)


@register.filter
def plural_count(value) -> int:
    """The whole number that picks the plural form of ``value`` shown with decimals (points: "1 point",
    "0.5 points", "2.5 points"): the value itself when it is whole, else 2, a count English and
    Vietnamese write in the plural as they write fractions (gettext's plural rules take integers)."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else 2
