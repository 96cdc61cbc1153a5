"""The cohort's Questions tab at scale (issue 14): hundreds of questions are one module at a time if
the lead asks, sorted by a column, and paged ("Page 2 of 7"); every link keeps the others' choices
(module, sort, page) and lands on the table. Bad input is ignored, never an error."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from cohorts import questions
from progress.states import PathPlan
from tests.cohorts.test_dashboard import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(cohort, curriculum, monkeypatch):
    monkeypatch.setattr(questions, "PAGE_SIZE", 3)
    populate(cohort, 12, seed=3)
    questions.store(cohort, questions.timezone.now())
    return PathPlan.of(curriculum)


def links(html: str, rel: str) -> list[str]:
    return [unescape(href) for href in re.findall(rf'rel="{rel}" href="([^"]+)"', html)]


def question_list(html: str) -> str:
    return html[html.index('id="questions-table"') : html.index("</section>", html.index('id="questions-table"'))]


def shown_modules(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r"<tr>\s*<td>.*?</td>\s*<td[^>]*>([^<]+)</td>", body, re.S)


def test_the_list_is_paged_and_its_links_keep_the_module_and_the_sort(lead_client, cohort, answered):
    url = f"/cohorts/{cohort.slug}/questions/"
    everything = questions.cohort_questions(cohort, answered, questions.snapshot(cohort))
    pages = -(-len(everything) // 3)
    assert pages >= 3
    first = lead_client.get(url).content.decode()
    assert f"Page 1 of {pages}" in first and len(shown_modules(first)) == 3
    assert links(question_list(first), "next") == ["?page=2#questions-table"]

    module = next(m for m in answered.modules if sum(q.quiz.module_id == m.pk for q, _s in everything) > 3)
    query = f"?module={module.pk}&sort=-responses&page=2"
    second = lead_client.get(url + query).content.decode()
    assert "Page 2 of" in second
    assert set(shown_modules(second)) == {module.title}
    for href in links(question_list(second), "prev") + links(question_list(second), "next"):
        assert href.endswith("#questions-table")
        kept = parse_qs(urlsplit(href).query)
        assert kept["module"] == [str(module.pk)] and kept["sort"] == ["-responses"]
    assert f'<option value="{module.pk}" selected' in second  # the filter shows what it filters
    assert 'name="sort" value="-responses"' in second  # and a new filter keeps the sort


def test_the_sort_headers_sort_the_list_and_keep_the_module(lead_client, cohort, answered, monkeypatch):
    """Each header links to its sort (the sorted one to the reverse), keeping the module, and ends with
    its own id: without JavaScript the sorted page opens at that column (tests/browser/test_cohort_browser.py)."""
    monkeypatch.setattr(questions, "PAGE_SIZE", 100)
    url = f"/cohorts/{cohort.slug}/questions/"
    module = answered.modules[0]
    html = lead_client.get(f"{url}?module={module.pk}").content.decode()
    hrefs = dict(re.findall(r'<th scope="col" id="(sort-\w+)"[^>]*><a class="sort-link" href="([^"]+)"', html))
    assert set(hrefs) == {"sort-module", "sort-responses", "sort-facility"}
    assert unescape(hrefs["sort-responses"]) == f"?module={module.pk}&sort=responses#sort-responses"
    assert unescape(hrefs["sort-facility"]) == f"?module={module.pk}&sort=-facility#sort-facility"  # sorted: reverse

    most_first = lead_client.get(f"{url}?sort=-responses").content.decode()
    assert 'id="sort-responses" aria-sort="descending"' in most_first
    body = most_first[most_first.index("<tbody>") : most_first.index("</tbody>")]
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', body)]
    assert len(counts) > 3 and counts == sorted(counts, reverse=True)
    by_module = lead_client.get(f"{url}?sort=module").content.decode()
    titles = [m.title for m in answered.modules]
    shown = [titles.index(title) for title in shown_modules(by_module)]
    assert len(set(shown)) > 1 and shown == sorted(shown)


@pytest.mark.parametrize("query", ["?module=999999", "?module=abc&sort=evil&page=-4", "?page=99999", "?page=%00"])
def test_bad_filters_are_ignored(lead_client, cohort, answered, query):
    response = lead_client.get(f"/cohorts/{cohort.slug}/questions/{query}")
    assert response.status_code == 200
    assert "Page " in response.content.decode()


def test_the_misconceptions_are_paged_on_their_own_and_follow_the_module(lead_client, cohort, answered, monkeypatch):
    """The misconceptions table below the list has its own pages (?mpage=), which keep the list's page,
    module and sort; a module shows the misconceptions picked in its questions."""
    monkeypatch.setattr(questions, "MISCONCEPTIONS_PAGE_SIZE", 2)
    url = f"/cohorts/{cohort.slug}/questions/"
    stats = questions.snapshot(cohort)
    assert len(stats.misconceptions) > 4
    html = lead_client.get(f"{url}?sort=module&page=2&mpage=2").content.decode()
    section = html[html.index('id="misconceptions-title"') :]
    assert f"Page 2 of {-(-len(stats.misconceptions) // 2)}" in section
    assert 'aria-label="Pages of misconceptions"' in section and 'aria-label="Pages of questions"' in html
    for href in links(section, "prev") + links(section, "next"):
        kept = parse_qs(urlsplit(href).query)
        assert kept["sort"] == ["module"] and kept["page"] == ["2"] and href.endswith("#misconceptions-title")
    assert [unescape(h) for h in links(section, "next")] == ["?sort=module&page=2&mpage=3#misconceptions-title"]

    module = answered.modules[0]
    rows = questions.cohort_questions(cohort, answered, stats, module_id=str(module.pk))
    picked = {m.tag for q, _s in rows for m in stats.by_question.get(q.pk, [])}
    shown = questions.module_misconceptions(stats, rows)
    assert {m.tag for m in shown} == picked and len(shown) < len(stats.misconceptions)
