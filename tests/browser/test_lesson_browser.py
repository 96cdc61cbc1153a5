"""A learner opens the path, then a lesson, marks it complete and sees the module progress change
without a page reload, in a real Chromium under the strict CSP."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Lesson
from progress.models import LessonCompletion
from tests.browser.conftest import login
from tests.browser.test_accessibility import serious_violations
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_a_learner_marks_a_lesson_complete_without_a_page_reload(page, live_server, live_curriculum, console_errors):
    learner = make_user("lan", display_name="Lan")
    login(page, live_server, "lan", PASSWORD)

    page.get_by_role("link", name=re.compile(r"^Module 1: DevOps mindset and metrics, ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("DevOps mindset and metrics")
    page.get_by_role("link", name="What DevOps is: culture before tools").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What DevOps is: culture before tools")
    progress = page.locator("#module-progress-text")
    expect(progress).to_have_text("0 of 5 lessons")

    page.evaluate("window.__marker = 'still the same page'")
    page.get_by_role("button", name="Mark as complete").click()

    expect(progress).to_have_text("1 of 5 lessons")
    expect(page.get_by_text("You completed this lesson.")).to_be_focused()  # keyboard focus follows the swap
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    assert page.evaluate("window.__marker") == "still the same page", "the page was reloaded"
    expect(page.locator("#module-sidebar li[aria-current=page]")).to_contain_text("(completed)")
    lesson = Lesson.objects.get(module__path=live_curriculum, slug="what-devops-is")
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()

    page.get_by_role("button", name="Mark as not complete").click()
    expect(progress).to_have_text("0 of 5 lessons")
    expect(page.get_by_role("button", name="Mark as complete")).to_be_focused()
    assert page.evaluate("window.__marker") == "still the same page"
    assert console_errors == []


def test_the_completion_form_works_with_javascript_turned_off(browser, live_server, live_curriculum):
    make_user("noscript", display_name="No Script")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "noscript", PASSWORD)

    page.goto(f"{live_server.url}/paths/devops-on-aws/devops-mindset/what-devops-is/")
    page.get_by_role("button", name="Mark as complete").click()

    expect(page).to_have_url(f"{live_server.url}/paths/devops-on-aws/devops-mindset/what-devops-is/")
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()
    expect(page.locator("#module-progress-text")).to_have_text("1 of 5 lessons")
    context.close()


def test_lesson_and_module_pages_in_every_state_have_no_serious_accessibility_violation(
    page, live_server, live_curriculum
):
    make_user("ally", display_name="Ally")
    login(page, live_server, "ally", PASSWORD)
    mindset = f"{live_server.url}/paths/devops-on-aws/devops-mindset/"
    page.goto(mindset + "what-devops-is/")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_text("You completed this lesson.")).to_be_visible()

    problems = {"lesson after the swap": serious_violations(page)}
    for url in (
        mindset,  # a module in progress, with a completed lesson
        mindset + "what-devops-is/",  # a completed lesson
        f"{live_server.url}/paths/devops-on-aws/observability/xray-tracing-and-full-stack-observability/",  # locked
        f"{live_server.url}/search/?q=a",  # too short
    ):
        assert page.goto(url).status == 200, url
        problems[url] = serious_violations(page)

    assert {where: found for where, found in problems.items() if found} == {}
