"""The overview and "Needs attention" are read a page at a time through the index of their sort
(keyset pages, issue 21): following the Next links from the first page visits every member once, in
the order of the sort (missing figures last whichever the direction), and the Previous links walk
back through the same pages. The links are plain links (no JavaScript) that name the row a page
starts after, so they keep their place when members join."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts import attention, overview
from progress.models import DailyActivity, ModuleProgress
from progress.states import PathPlan, State
from tests.cohorts.conftest import make_cohort
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<th scope="row"><a href="[^"]+">[^<]*</a><br><span class="small muted">([^<]+)</span>')


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


@pytest.fixture
def members(curriculum, lead):
    """Eleven members with ties, missing figures and a name spelled in capitals."""
    plan = PathPlan.of(curriculum)
    cohort = make_cohort(curriculum, slug="pages", leads=[lead])
    today = timezone.localdate()
    figures = [  # (display name, lessons done in the first module, best quiz score, days since active)
        ("Bình", 3, Decimal(80), 1),
        ("an", 3, None, None),
        ("An", 0, Decimal(40), 9),
        ("Chi", 5, Decimal(80), 1),
        ("", 1, Decimal("99.5"), 30),
        ("Dũng", 0, None, 2),
        ("Em", 2, Decimal(55), None),
        ("Giang", 5, Decimal(80), 9),
        ("Hà", 4, Decimal(10), 0),
        ("Khoa", 0, None, 3),
        ("Lan", 1, Decimal(80), 1),
    ]
    first = plan.modules[0]
    for n, (name, lessons, best, days) in enumerate(figures):
        user = make_user(f"page{n:02d}", display_name=name)
        cohort.memberships.create(user=user)
        attempts = 0 if best is None else 1
        ModuleProgress.objects.create(
            user=user, module=first, lessons_completed=lessons, attempts=attempts, best_percent=best
        )
        if days is not None:
            DailyActivity.objects.create(user=user, day=today - timedelta(days=days), reviews=1)
    cohort.memberships.all().refresh_figures()  # rows written directly: recomputed as rebuild_progress does
    return cohort


def expected_order(cohort, sort: str) -> list[str]:
    key, descending = sort.lstrip("-"), sort.startswith("-")
    rows = list(cohort.memberships.select_related("user"))
    if key == "name":
        value = {m.pk: (m.user.display_name.lower(), m.user.username.lower()) for m in rows}
    else:
        field = overview.KEPT[key][0]
        value = {m.pk: getattr(m, field) for m in rows}
    present = sorted((m for m in rows if value[m.pk] is not None), key=lambda m: (value[m.pk], m.user_id))
    missing = sorted((m for m in rows if value[m.pk] is None), key=lambda m: m.user_id)
    if descending:
        present.reverse()
        missing.reverse()
    return [m.user.username for m in present + missing]


@pytest.mark.parametrize(
    "sort", ["name", "-name", "progress", "-progress", "activity", "-activity", "quiz", "-quiz", "joined", "-joined"]
)
def test_next_links_visit_every_member_once_in_order_and_previous_links_walk_back(
    lead_client, members, sort, monkeypatch
):
    monkeypatch.setattr(overview, "PAGE_SIZE", 3)
    url = f"/cohorts/{members.slug}/"
    pages, query, statements = [], f"?sort={sort}", set()
    while query:
        with CaptureQueriesContext(connection) as captured:
            page = lead_client.get(url + query).content.decode()
        statements.add(len(captured))
        pages.append(ROW.findall(page))
        assert "11 learners shown of 11." in page
        query = link(page, "next")
    assert [name for page in pages for name in page] == expected_order(members, sort)
    assert [len(page) for page in pages] == [3, 3, 3, 2]
    back = []
    query = link(page, "prev")
    while query:
        with CaptureQueriesContext(connection) as captured:
            page = lead_client.get(url + query).content.decode()
        statements.add(len(captured))
        back.append(ROW.findall(page))
        query = link(page, "prev")
    assert back == pages[-2::-1]
    assert len(statements) == 1, statements  # every page, wherever it is, the same statements


def test_a_module_sort_walks_its_states_in_order(lead_client, members, monkeypatch, curriculum):
    monkeypatch.setattr(overview, "PAGE_SIZE", 4)
    plan = PathPlan.of(curriculum)
    module = plan.modules[0]
    for sort in (f"m{module.pk}", f"-m{module.pk}"):
        ranks, query = [], f"?sort={sort}"
        while query:
            page = lead_client.get(f"/cohorts/{members.slug}/{query}").content.decode()
            row = page[page.index("<tbody>") :]
            ranks += [
                State.RANK[state]
                for state in re.findall(r'<tr><th scope="row">.*?<td><span class="badge state-(\w+)"', row)
            ]
            query = link(page, "next")
        assert len(ranks) == 11
        assert ranks == sorted(ranks, reverse=sort.startswith("-"))


def test_a_link_keeps_its_place_when_a_member_joins_before_it(lead_client, members, monkeypatch):
    monkeypatch.setattr(overview, "PAGE_SIZE", 5)
    url = f"/cohorts/{members.slug}/"
    first = lead_client.get(url).content.decode()
    following = link(first, "next")
    before = ROW.findall(lead_client.get(url + following).content.decode())
    members.memberships.create(user=make_user("aaa-early", display_name="Aa"))  # sorts first
    after = ROW.findall(lead_client.get(url + following).content.decode())
    assert after == before


def test_filters_and_search_are_paged_too(lead_client, members, monkeypatch):
    monkeypatch.setattr(overview, "PAGE_SIZE", 2)
    url = f"/cohorts/{members.slug}/"
    seen, query = [], "?q=N&sort=-quiz"
    while query:
        page = lead_client.get(url + query).content.decode()
        seen += ROW.findall(page)
        query = link(page, "next")
    named = {m.user.username for m in members.memberships.select_related("user") if "n" in m.user.display_name.lower()}
    assert len(named) == 6
    assert seen == [name for name in expected_order(members, "-quiz") if name in named]


def test_needs_attention_is_paged_longest_inactive_first(lead_client, members, monkeypatch):
    monkeypatch.setattr(attention, "PAGE_SIZE", 2)
    members.memberships.update(joined_at=timezone.now() - timedelta(days=30))
    url = f"/cohorts/{members.slug}/attention/"
    seen, query, statements = [], "", set()
    while True:
        with CaptureQueriesContext(connection) as captured:
            page = lead_client.get(url + query).content.decode()
        statements.add(len(captured))
        seen += re.findall(r'<span class="small muted">(page\d\d)</span>', page)
        query = link(page, "next")
        if not query:
            break
    # Never active (page01, page06), then the last active day, oldest first (30, 9, 9 days ago).
    assert seen == ["page01", "page06", "page04", "page02", "page07"]
    assert len(statements) == 1, statements
    back = link(page, "prev")
    assert (
        re.findall(r'<span class="small muted">(page\d\d)</span>', lead_client.get(url + back).content.decode())
        == seen[2:4]
    )


def test_a_filtered_count_stops_at_its_limit(lead_client, members, monkeypatch):
    monkeypatch.setattr(overview, "COUNT_LIMIT", 5)
    url = f"/cohorts/{members.slug}/"
    assert "More than 5 learners shown of 11." in lead_client.get(url, {"q": "page"}).content.decode()
    page = lead_client.get(url, {"q": "an"}).content.decode()  # an, An, Giang, Lan
    assert "4 learners shown of 11." in page and "More than" not in page
    assert "1 learner shown of 11." in lead_client.get(url, {"q": "Khoa"}).content.decode()
    assert "11 learners shown of 11." in lead_client.get(url).content.decode()  # no filter: counted whole
