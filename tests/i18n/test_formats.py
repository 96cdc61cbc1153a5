"""Dates, numbers and percentages as the page's language writes them: "29 tháng 11, 2026",
"69,6 %", and a numeric answer read with the decimal comma and the thousands dot in Vietnamese."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from devopslearn.lib.numbers import (
    NumberError,
    NumberField,
    number_rule,
    parse_number,
    percentage_text,
    written_number,
)
from quizzes.attempts import start_attempt
from quizzes.models import QuestionKind, Response
from tests.quizzes.conftest import build_quiz

NBSP = "\u00a0"
DAY = datetime.datetime(2026, 11, 29, 14, 5, tzinfo=datetime.UTC)


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("vi", "DATE_FORMAT", "29 tháng 11, 2026"),
        ("en", "DATE_FORMAT", "29 November 2026"),
        ("vi", "DATETIME_FORMAT", "14:05, 29 tháng 11, 2026"),
        ("en", "DATETIME_FORMAT", "29 November 2026, 14:05"),
        # one style per language: the short names write what the long ones write
        ("vi", "SHORT_DATE_FORMAT", "29 tháng 11, 2026"),
        ("en", "SHORT_DATE_FORMAT", "29 November 2026"),
        ("vi", "SHORT_DATETIME_FORMAT", "14:05, 29 tháng 11, 2026"),
        ("en", "SHORT_DATETIME_FORMAT", "29 November 2026, 14:05"),
        ("vi", "MONTH_DAY_FORMAT", "29/11"),
        ("en", "MONTH_DAY_FORMAT", "29 Nov"),
    ],
)
def test_dates_are_written_as_the_language_writes_them(settings, language, name, expected):
    settings.TIME_ZONE = "UTC"
    with translation.override(language):
        assert render(f'{{{{ day|date:"{name}" }}}}', day=DAY) == expected


def test_no_template_spells_out_a_date_format_of_its_own():
    """Every shown date goes through a format name (devopslearn/formats/<language>/formats.py);
    only language-neutral forms (ISO for <time datetime>, "c" for scripts, "j/n" axis ticks) are literal."""
    from django.conf import settings

    # "l": a weekday's name (the path's last seven days, written by Django in the page's language).
    neutral = {'"Y-m-d"', "'c'", '"j/n"', '"l"'}
    found = []
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text()
        for part in text.split("|date:")[1:]:
            literal = part.split(" ", 1)[0].split("}", 1)[0]
            if not literal.strip("\"'").isupper() and literal not in neutral:
                found.append(f"{template.name}: {literal}")
    assert found == []


def test_pages_write_a_day_one_way_and_a_moment_one_way():
    """One date style (DATE_FORMAT) and one date-time style (DATETIME_FORMAT) per language, in every
    template and in Python (date_format's default is DATE_FORMAT); MONTH_DAY_FORMAT only for the
    activity chart's axis ticks, where a year would not fit."""
    import re

    from django.conf import settings

    # T: the time zone's abbreviation; D: a weekday's short name (the path's last seven days)
    allowed = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "T", "D"}
    found = []
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        for name in re.findall(r'\|(?:date|time):"([A-Z_]+)"', template.read_text()):
            if name not in allowed and not (name == "MONTH_DAY_FORMAT" and template.name == "activity.html"):
                found.append(f"{template.name}: {name}")
    for module in settings.BASE_DIR.glob("*/*.py"):
        if ".venv" in module.parts:
            continue
        for call in re.findall(r"date_format\(([^)]*)\)", module.read_text()):
            if "," in call and not re.search(r'"(DATE|DATETIME)_FORMAT"', call):
                found.append(f"{module.name}: date_format({call})")
    assert found == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,5", Decimal("12.5")),
        ("10.000", Decimal("10000")),
        ("1.234.567,25", Decimal("1234567.25")),
        ("-0,75", Decimal("-0.75")),
        (",5", Decimal("0.5")),
        ("69,6 %", Decimal("69.6")),
        ("2.400", Decimal("2400")),
    ],
)
def test_vietnamese_numbers_use_the_decimal_comma_and_the_thousands_dot(text, value):
    assert parse_number(text, language="vi") == value


@pytest.mark.parametrize("text", ["1.5", "12.50", "1,234.5"])
def test_a_number_in_the_other_convention_is_refused_with_the_rule_in_vietnamese(text):
    with translation.override("vi"), pytest.raises(NumberError) as refused:
        parse_number(text)
    assert "có thể hiểu theo hai cách" in str(refused.value)
    assert "“,” (1,5)" in str(refused.value) and "“.” để phân cách hàng nghìn (2.400)" in str(refused.value)


def test_the_rule_beside_a_number_input_follows_the_language():
    with translation.override("vi"):
        assert number_rule() == ("Viết phần thập phân với “,” (1,5); có thể dùng “.” để phân cách hàng nghìn (2.400).")
        assert NumberField().help_text == number_rule()
    with translation.override("en"):
        assert number_rule() == "Write decimals with “.” (1.5); “,” may separate thousands (2,400)."


@pytest.mark.parametrize(
    ("language", "value", "places", "expected"),
    [
        ("vi", Decimal("69.6"), 1, f"69,6{NBSP}%"),
        ("en", Decimal("69.6"), 1, "69.6%"),
        ("vi", Decimal("69.59"), 1, f"69,5{NBSP}%"),  # floored like |percent, never rounded up
        ("en", Decimal("69.99"), 0, "69%"),
        ("vi", 100, 0, f"100{NBSP}%"),
        ("en", None, 0, ""),
        ("vi", "", 0, ""),
    ],
)
def test_a_percentage_is_written_as_the_language_writes_it(language, value, places, expected):
    with translation.override(language):
        assert percentage_text(value, places) == expected
        assert render("{% load numbers %}{{ v|percentage:p }}", v=value, p=places) == expected


def test_no_template_writes_a_percent_sign_after_a_number_itself():
    """Every percentage shown goes through |percentage, which puts the sign where the language does."""
    import re

    from django.conf import settings

    pattern = re.compile(r"\}\}\s?%")
    found = [
        f"{template.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for template in (settings.BASE_DIR / "templates").rglob("*.html")
        for match in pattern.finditer(template.read_text())
    ]
    assert found == []


@pytest.fixture
def numeric_attempt(client, learner):
    quiz = build_quiz(kinds=[QuestionKind.NUMERIC], slug="numbers-vi")  # the answer is 12.5 ± 0.5 %
    learner.language = "vi"
    learner.save()
    client.force_login(learner)
    return start_attempt(learner, quiz)


def test_a_vietnamese_learner_answers_twelve_and_a_half_as_12_comma_5(client, numeric_attempt):
    url = reverse("quizzes:question", args=[numeric_attempt.public_id, 1])
    page = client.get(url).text
    assert "Câu trả lời của bạn (một số)" in page and "Viết phần thập phân với “,” (1,5)" in page
    answer = client.post(url, {"answer": "12,5 %"})
    assert answer.status_code in (200, 302)
    response = Response.objects.get(attempt=numeric_attempt)
    assert response.answer == {"number": "12.5"} and response.is_correct


def test_a_vietnamese_learner_who_writes_12_dot_5_is_asked_again_not_graded(client, numeric_attempt):
    url = reverse("quizzes:question", args=[numeric_attempt.public_id, 1])
    answer = client.post(url, {"answer": "12.5"})
    assert answer.status_code == 200 and "“12.5” có thể hiểu theo hai cách." in answer.text
    assert not Response.objects.filter(attempt=numeric_attempt).exists()


def test_the_result_page_shows_the_score_the_vietnamese_way(client, numeric_attempt):
    client.post(reverse("quizzes:question", args=[numeric_attempt.public_id, 1]), {"answer": "12,5"})
    page = client.post(reverse("quizzes:finish", args=[numeric_attempt.public_id]), follow=True).text
    assert f"100{NBSP}%" in page and 'lang="vi"' in page


def test_a_vietnamese_numeric_answer_is_shown_back_the_vietnamese_way(client, numeric_attempt):
    """Stored as "12.5", shown as the page writes numbers: the answer and the right answer, in the
    feedback and on the result page (a new user saw "12.5" beside an explanation writing "18,2")."""
    url = reverse("quizzes:question", args=[numeric_attempt.public_id, 1])
    feedback = client.post(url, {"answer": "12,5"}, follow=True).text
    result = client.post(reverse("quizzes:finish", args=[numeric_attempt.public_id]), follow=True).text
    for page in (feedback, result):
        assert "12,5" in page and "12.5" not in page


@pytest.mark.parametrize(
    ("value", "language", "written"),
    [
        ("12.5", "vi", "12,5"),
        ("12.5", "en", "12.5"),
        ("2400", "vi", "2.400"),
        ("-0.25", "vi", "-0,25"),
        ("x", "vi", "x"),
    ],
)
def test_written_number(value, language, written):
    assert written_number(value, language) == written


@pytest.mark.parametrize("typed", ["10 %%", "10%%", "10 % %"])
def test_a_percent_sign_is_read_once(typed):
    with pytest.raises(NumberError):
        parse_number(typed, unit="%", language="en")
