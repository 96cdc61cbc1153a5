"""The main screens at 390 and 1280 px: none scrolls sideways, and each is saved as a screenshot
(test-results/screens/<width>-<name>.png, a build artifact for whoever reviews a change: looked at,
not compared pixel by pixel). Also the search result's whole title on a phone, the lead's question
list in plain text, and the admin's question form chosen by kind without JavaScript."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cohorts.models import Cohort
from quizzes.models import Attempt
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

SCREENS = Path(settings.BASE_DIR) / "test-results" / "screens"
WIDTHS = [390, 1280]


def look(page, url: str, name: str, width: int, problems: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.evaluate("document.documentElement.scrollWidth") > width:
        problems.append(f"{name} at {width} px scrolls sideways")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"{width}-{name}.png", full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_learners_and_the_leads_screens_fit_and_are_saved(browser, live_server, demo, width):
    problems: list[str] = []
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_server, "learner", "devops-demo")
    attempt = Attempt.objects.filter(user__username="learner", submitted_at__isnull=False).order_by("-pk").first()
    screens = {
        "path": "/",
        "module": "/paths/devops-on-aws/devops-mindset/",
        "lesson": "/paths/devops-on-aws/devops-mindset/the-four-dora-metrics/",
        "search": "/search/?q=drift",
        "progress": "/progress/",
        "review": "/progress/review/",
    }
    if attempt:
        screens["result"] = f"/quizzes/attempts/{attempt.public_id}/"
    for name, url in screens.items():
        look(page, base + url, name, width, problems)
    page.goto(f"{base}/search/?q=drift")
    expect(page.get_by_role("link", name="AWS CloudFormation: templates, stacks and drift", exact=True)).to_be_visible()

    page.context.clear_cookies()
    login(page, live_server, "lead", "devops-demo")
    cohort = Cohort.objects.get(slug="demo-cohort")
    for name, url in {
        "lead-overview": f"/cohorts/{cohort.slug}/",
        "lead-attention": f"/cohorts/{cohort.slug}/attention/",
        "lead-questions": f"/cohorts/{cohort.slug}/questions/",
        "lead-activity": f"/cohorts/{cohort.slug}/activity/",
        "lead-roster": f"/cohorts/{cohort.slug}/roster/",
    }.items():
        look(page, base + url, name, width, problems)
    page.goto(f"{base}/cohorts/{cohort.slug}/questions/")
    table = page.get_by_role("table", name="Questions the cohort answered")
    prompts = "\n".join(table.locator("tbody tr td:first-child").all_inner_texts())  # answers may hold "**/*"
    assert prompts and "**" not in prompts and "`" not in prompts, "prompts in plain text, not markdown"
    context.close()
    assert problems == []


def test_an_instructor_chooses_a_kind_then_sees_only_its_fields_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "instructor", "devops-demo")
    page.goto(f"{live_server.url}/admin/quizzes/question/add/")
    page.get_by_role("link", name="Numeric").click()
    expect(page.get_by_label("Numeric answer")).to_be_visible()
    expect(page.get_by_label("Tolerance")).to_be_visible()
    expect(page.get_by_text("Choices", exact=True)).to_have_count(0)
    expect(page.get_by_label("Published")).not_to_be_checked()
    page.get_by_role("button", name=re.compile("^Save$")).click()
    row = page.locator(".form-row.field-numeric_answer")
    expect(row.locator(".errorlist")).to_contain_text("needs its answer")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_path_maps_modules_are_links_reached_by_keyboard_with_their_state(browser, live_server, demo, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_server, "learner", "devops-demo")
    shown = page.locator(".path-map-tall" if width < 640 else ".path-map-wide")
    links = shown.get_by_role("link")
    expect(links).to_have_count(6)
    names = [link.get_attribute("aria-label") for link in links.all()]
    assert names[0].startswith("Module 1: DevOps mindset and metrics, ")
    assert all(re.search(r", (Locked|Available|In progress|Completed|Mastered)", name) for name in names)
    box = shown.locator("svg").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, "the map fits the screen"
    for _ in range(40):  # Tab from the top of the page to the map's first module
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.path-map') !== null"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == names[0]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/paths/devops-on-aws/devops-mindset/$"))
    context.close()
