"""The demo lead uses the dashboard in a real Chromium: filter, drill down, download the CSV."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cohorts.models import Cohort
from quizzes.models import Question
from tests.browser.conftest import login
from tests.browser.test_accessibility import serious_violations

pytestmark = pytest.mark.browser


def test_lead_filters_to_stuck_learners_opens_one_and_downloads_the_csv(page, live_server, demo, console_errors):
    login(page, live_server, "lead", "devops-demo")
    page.get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Demo cohort").click()
    expect(page.get_by_text("25 learners shown of 25.")).to_be_visible()

    page.evaluate("window.__noReload = true")
    page.get_by_label("Module", exact=True).select_option(label="Infrastructure as Code")
    page.get_by_label("State", exact=True).select_option(label="Failed its quiz twice or more")
    expect(page.get_by_text("4 learners shown of 25.")).to_be_visible()
    assert page.evaluate("window.__noReload") is True, "HTMX swapped the table in place"
    assert "state=stuck" in page.url, "the filtered view can be bookmarked"

    rows = page.locator("#overview-table tbody tr")
    expect(rows).to_have_count(4)
    first = rows.first.locator("th a")
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", name=f"Progress of {name}")).to_be_visible()
    expect(page.get_by_text("Read-only view for the cohort lead.")).to_be_visible()

    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(content)))
    assert table[0][0] == "Username" and len(table) == 26  # the headers in the page's language
    assert console_errors == []


# Whether the sorted column's header is on screen: inside the window, and inside its scroll region, right
# of the sticky first column (when it is not that column).
SORTED_IN_VIEW = """() => { const th = document.querySelector('th[aria-sort="ascending"], th[aria-sort="descending"]');
  const region = th.closest('[role=region]'), sticky = region.querySelector('thead th:first-child');
  const a = th.getBoundingClientRect(), r = region.getBoundingClientRect();
  const start = th === sticky ? r.left : Math.max(r.left, sticky.getBoundingClientRect().right);
  return a.top >= -1 && a.bottom <= window.innerHeight && a.left >= start - 1 && a.right <= r.right + 1; }"""


def test_filters_and_sorts_work_without_javascript(browser, live_server, demo):
    """Without JavaScript a filter and a sort reload the page: a sort opens it at the table,
    scrolled to the sorted column (a module column, off to the right at 390 px), as htmx does."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server, "lead", "devops-demo")
    page.goto(f"{live_server.url}/cohorts/demo-cohort/")
    page.get_by_label("State", exact=True).select_option(label="Mastered")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{live_server.url}/cohorts/demo-cohort/?q=&module=&state=mastered&sort=name")
    expect(page.locator("#overview-table tbody tr").first).to_contain_text("Mastered")

    page.goto(f"{live_server.url}/cohorts/demo-cohort/")
    last = page.locator("#overview-table thead th").last
    label = last.inner_text()
    last.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"sort=m\d+#sort-m\d+$"))
    expect(page.locator('#overview-table thead th[aria-sort="ascending"]')).to_contain_text(label)
    assert page.evaluate(SORTED_IN_VIEW), "the sorted column is in view"

    page.goto(f"{live_server.url}/cohorts/demo-cohort/questions/")
    page.get_by_label("Module", exact=True).select_option(index=2)
    page.get_by_role("button", name="Filter").click()
    page.locator("#questions-table thead a.sort-link", has_text="Responses").click()
    expect(page).to_have_url(re.compile(r"module=\d+&sort=responses#sort-responses$"))
    assert page.evaluate(SORTED_IN_VIEW), "the sorted column is in view"
    context.close()


def test_a_filter_keeps_the_sort_a_header_chose(page, live_server, demo):
    """Sorted by a column header (htmx swaps the table), then filtered: the filter keeps that sort
    (a walk-through found the form posting its first sort, 'name', after a header sort)."""
    login(page, live_server, "lead", "devops-demo")
    page.goto(f"{live_server.url}/cohorts/demo-cohort/")
    page.locator("#overview-table thead a.sort-link", has_text="Progress").click()
    expect(page).to_have_url(re.compile(r"sort=progress"))
    page.get_by_label("State", exact=True).select_option(label="In progress")
    expect(page).to_have_url(re.compile(r"state=in_progress.*sort=progress|sort=progress.*state=in_progress"))
    expect(page.locator('#overview-table th[aria-sort="ascending"]')).to_contain_text("Progress")


def test_cohort_pages_have_no_serious_accessibility_violation(page, live_server, demo):
    login(page, live_server, "lead", "devops-demo")
    problems = {}
    for url in ["", "attention/", "questions/", "activity/", "roster/"]:
        page.goto(f"{live_server.url}/cohorts/demo-cohort/{url}")
        if found := serious_violations(page):
            problems[url] = found
    page.goto(f"{live_server.url}/cohorts/")
    if found := serious_violations(page):
        problems["list"] = found
    assert problems == {}


def test_lead_grants_a_member_extra_time_from_the_roster(page, live_server, demo, console_errors):
    from quizzes.models import AttemptAllowance, Quiz

    quiz = Quiz.objects.shown_to_learners().filter(module__path__slug__isnull=False).order_by("pk").first()
    Quiz.objects.filter(pk=quiz.pk).update(time_limit_minutes=10)
    login(page, live_server, "lead", "devops-demo")
    page.goto(f"{live_server.url}/cohorts/demo-cohort/roster/")
    page.get_by_role("link", name="Extra attempts or time").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Extra attempts or time for")
    assert serious_violations(page) == []
    page.get_by_label("Quiz").select_option(label=quiz.title)
    page.get_by_label("Extra time (minutes)").fill("15")
    page.get_by_label("Reason").fill("Accommodation agreed")
    page.get_by_role("button", name="Grant").click()
    expect(page.get_by_text("Granted to")).to_be_visible()
    expect(page.locator("table")).to_contain_text("+15 minutes")
    expect(page.locator("table")).to_contain_text("Accommodation agreed")
    grant = AttemptAllowance.objects.get()
    assert (grant.quiz_id, grant.extra_minutes, grant.granted_by.username) == (quiz.pk, 15, "lead")
    assert console_errors == []


def test_every_lead_page_reflows_at_320_px_and_its_wide_tables_say_they_scroll(browser, live_server, demo):
    """200 % and 400 % zoom (a 640 and a 320 CSS px wide screen): no lead page scrolls sideways and no
    control is cut ("Remove" on the roster was), except inside a data table that says it scrolls (a named,
    focusable region with a shadow at the edge that scrolls and a hint shown only while it overflows)."""
    from tests.browser.reflow import reflow_problems

    cohort = Cohort.objects.get(slug="demo-cohort")
    member = cohort.memberships.filter(user__attempts__isnull=False).order_by("pk").first()
    question = Question.objects.filter(quiz__module__path=cohort.path, quiz__lesson__isnull=True).order_by("pk").first()
    pages = {
        "overview": "",
        "needs attention": "attention/",
        "questions": "questions/",
        "a question": f"questions/{question.pk}/",
        "activity": "activity/",
        "roster": "roster/",
        "drill-down": f"members/{member.user_id}/",
        "extra attempts": f"members/{member.user_id}/extra/",
    }
    problems = []
    for width in (320, 640):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        login(page, live_server, "lead", "devops-demo")
        for name, url in pages.items():
            page.goto(f"{live_server.url}/cohorts/demo-cohort/{url}")
            problems += [f"{name} at {width} px: {problem}" for problem in reflow_problems(page)]
        if width == 640:  # the wide overview at 1280: its module columns scroll, and it says so
            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto(f"{live_server.url}/cohorts/demo-cohort/")
            problems += [f"overview at 1280 px: {problem}" for problem in reflow_problems(page)]
        context.close()
    assert problems == [], "\n".join(problems)


def test_the_questions_tab_brings_its_statistics_in_by_itself_once_they_are_computed(page, live_server, demo, settings):
    """No worker has computed them yet: the tab says so, and (htmx polling its statistics partial) shows
    them without a reload as soon as they are stored. Without JavaScript, the reload link
    (tests/cohorts/test_statistics_snapshot.py)."""
    from django.utils import timezone

    from cohorts import questions
    from cohorts.models import CohortStatistics

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "labs"]}}
    cohort = Cohort.objects.get(slug="demo-cohort")
    CohortStatistics.objects.filter(cohort=cohort).delete()
    login(page, live_server, "lead", "devops-demo")
    page.goto(f"{live_server.url}/cohorts/{cohort.slug}/questions/")
    expect(page.get_by_text("The statistics are being computed")).to_be_visible()
    page.evaluate("window.__noReload = true")
    questions.store(cohort, timezone.now())
    expect(page.get_by_text("Statistics as of")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("region", name="Questions the cohort answered")).to_be_visible()
    assert page.evaluate("window.__noReload") is True, "swapped in by htmx, not reloaded"


def test_at_390_sorting_by_a_module_column_keeps_that_column_in_view(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server, "lead", "devops-demo")
    page.goto(f"{live_server.url}/cohorts/demo-cohort/")
    wrap = page.get_by_role("region", name="Learners by module")
    expect(page.get_by_text("Scroll sideways for more columns.")).to_be_visible()  # it overflows, and says so
    wrap.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    last = page.locator("#overview-table thead th").last
    label = last.inner_text()
    last.get_by_role("link").click()
    sorted_header = page.locator('#overview-table thead th[aria-sort="ascending"]')
    expect(sorted_header).to_contain_text(label)
    wrap = page.get_by_role("region", name="Learners by module")  # the swapped-in table
    page.wait_for_function(
        """() => { const th = document.querySelector('#overview-table thead th[aria-sort="ascending"]');
          const region = th.closest('[role=region]');
          const a = th.getBoundingClientRect(), r = region.getBoundingClientRect();
          return a.left >= r.left - 1 && a.right <= r.right + 1; }""",
        timeout=5_000,
    )
    context.close()
