"""The demo lead uses the dashboard in a real Chromium: filter, drill down, download the CSV."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

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
    assert table[0][0] == "username" and len(table) == 26
    assert console_errors == []


def test_filters_work_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "lead", "devops-demo")
    page.goto(f"{live_server.url}/cohorts/demo-cohort/")
    page.get_by_label("State", exact=True).select_option(label="Mastered")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{live_server.url}/cohorts/demo-cohort/?q=&module=&state=mastered&sort=name")
    expect(page.locator("#overview-table tbody tr").first).to_contain_text("Mastered")
    context.close()


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
