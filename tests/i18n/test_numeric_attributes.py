"""Numbers a browser reads (SVG coordinates, a viewBox, a <progress> element's value) are written as
HTML and SVG want them, whatever the page's language: Vietnamese writes 147,9 for people, and an SVG
attribute of "147,9" draws nothing (the lead's Activity chart once lost every bar in Vietnamese)."""

import re

import pytest

from tests.cohorts.conftest import make_cohort
from tests.cohorts.test_dashboard import populate
from tests.progress.helpers import finish_lessons

pytestmark = pytest.mark.django_db

NUMERIC = re.compile(r'\s(x|y|x1|x2|y1|y2|width|height|viewBox|transform|value|max)="([^"]*)"')
MACHINE = re.compile(r"^[-\d. ()a-zA-Z]*$")  # digits, points, spaces, and translate(...) / rotate(...)


def localized_numbers(html: str) -> list[str]:
    """The numeric attributes of the page that carry a decimal comma (none may)."""
    found = []
    for element in re.findall(r"<(?:svg|rect|line|text|progress|circle|path|g)\b[^>]*>", html):
        for name, value in NUMERIC.findall(element):
            if not MACHINE.match(value):
                found.append(f"{name}={value!r} in {element[:80]}")
    return found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_activity_chart_draws_with_plain_numbers_in_every_language(client, curriculum, lead, language):
    cohort = make_cohort(curriculum, slug="drawn", leads=[lead])
    populate(cohort, 6)
    client.force_login(lead)
    html = client.get(f"/cohorts/{cohort.slug}/activity/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert html.count("<rect") > 6  # bars are drawn
    assert re.search(r'<rect class="bar" [^>]*height="\d+\.\d"', html)  # fractions of a unit, with a point
    assert localized_numbers(html) == []


def test_learner_pages_give_the_browser_plain_numbers_in_vietnamese(learner_client, learner, curriculum):
    module = curriculum.modules.order_by("order").first()
    finish_lessons(learner, module, but=1, labs=False)  # a module part done: a percentage that is not whole
    pages = ["/progress/", curriculum.get_absolute_url(), module.get_absolute_url()]
    pages.append(module.lessons.order_by("order").first().get_absolute_url())
    for url in pages:
        html = learner_client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert '<html lang="vi"' in html, url
        assert localized_numbers(html) == [], url
