"""A learner fixes a Dockerfile lab step by step in a real Chromium until every check passes, with
HTMX and then without JavaScript; the editor's keyboard (Tab indents, Esc then Tab leaves); the axe
scan of the page in each state, contrast included."""

import pytest
from playwright.sync_api import expect

from labs.models import Submission
from tests.browser.conftest import login
from tests.browser.test_accessibility import serious_violations
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

STEPS = [
    # (the file, the checks that pass after it)
    ("FROM debian:latest\nRUN apt-get update && apt-get install -y curl\n", set()),
    ("FROM debian:12.8-slim\nRUN apt-get update && apt-get install -y curl\n", {"Check tag"}),
    (
        "FROM debian:12.8-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n",
        {"Check tag", "Check recommends"},
    ),
    (
        "FROM debian:12.8-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nUSER 10001\n",
        {"Check tag", "Check recommends", "Check user"},
    ),
]


def passed_checks(page) -> set[str]:
    return set(page.locator(".check-result.check-pass strong").all_inner_texts())


def fix_step_by_step(page, lab, check) -> None:
    for number, (text, passing) in enumerate(STEPS, start=1):
        page.locator("textarea[name=artifact]").fill(text)
        check()
        expect(page.locator("#lab-history tbody tr")).to_have_count(number, timeout=20_000)
        expect(page.locator(".verdict")).to_be_visible(timeout=20_000)
        assert passed_checks(page) - {"No comment or setting switches a check off"} == passing
    expect(page.locator(".verdict")).to_contain_text("Passed")
    expect(page.locator(".verdict")).to_contain_text("5 of 5 points (100%)")


def test_a_learner_fixes_the_lab_with_htmx(page, live_server, lab_world, console_errors):
    module, lab = lab_world
    login(page, live_server, "fixer", PASSWORD)
    page.goto(live_server.url + module.get_absolute_url())
    page.get_by_role("link", name="Harden the Dockerfile").click()
    expect(page.get_by_role("heading", name="Harden the Dockerfile")).to_be_visible()
    assert serious_violations(page) == []
    url = page.url

    def check():
        page.get_by_role("button", name="Check").click()

    fix_step_by_step(page, lab, check)
    assert page.url == url  # HTMX: the page never reloaded
    expect(page.locator("#lab-history tbody tr")).to_have_count(len(STEPS))
    assert serious_violations(page) == []  # the graded state, with its colours
    page.goto(live_server.url + module.get_absolute_url())
    expect(page.locator(".module-labs")).to_contain_text("Passed")
    assert console_errors == []


def test_a_learner_fixes_the_lab_without_javascript(browser, live_server, lab_world):
    module, lab = lab_world
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "fixer", PASSWORD)
    page.goto(live_server.url + lab.get_absolute_url())

    def check():
        with page.expect_navigation():
            page.get_by_role("button", name="Check").click()

    fix_step_by_step(page, lab, check)
    assert "?submission=" in page.url
    page.get_by_role("link", name="Reset to the starter").click()
    expect(page.locator("textarea[name=artifact]")).to_have_value(lab.starter)
    page.goto(live_server.url + module.get_absolute_url())
    expect(page.locator(".module-labs")).to_contain_text("Passed")
    context.close()


def test_the_editor_indents_with_tab_and_lets_the_keyboard_out(page, live_server, lab_world):
    module, lab = lab_world
    login(page, live_server, "fixer", PASSWORD)
    page.goto(live_server.url + lab.get_absolute_url())
    editor = page.locator("textarea[name=artifact]")
    expect(page.locator(".editor-gutter")).to_contain_text("1\n2\n3")
    expect(page.locator(".editor-keys")).to_be_visible()
    editor.fill("a:\nb")
    editor.press("End")
    editor.press("Tab")
    expect(editor).to_have_value("a:\nb  ")
    editor.press("Home")
    editor.press("Tab")
    expect(editor).to_have_value("a:\n  b  ")
    editor.press("Shift+Tab")
    expect(editor).to_have_value("a:\nb  ")
    editor.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Check"


def test_a_pending_check_polls_until_the_result_arrives(page, live_server, lab_world, settings):
    module, lab = lab_world
    learner = make_user("waiter")
    submission = Submission.submit(learner, lab, lab.starter)  # stored; no worker has it yet
    login(page, live_server, "waiter", PASSWORD)
    page.goto(live_server.url + lab.get_absolute_url())
    expect(page.locator("#lab-result")).to_contain_text("Checking…")
    from labs.tasks import grade_submission

    grade_submission.call(submission.pk)  # a worker grades it
    expect(page.locator(".verdict")).to_contain_text("Not passed yet", timeout=10_000)
    expect(page.locator("#lab-history tbody tr")).to_have_count(1)
