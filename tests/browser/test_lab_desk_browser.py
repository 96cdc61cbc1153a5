"""The lab page as a workspace, in a real Chromium: at 1280 px the editor and the result side by side
under the instructions (collapsed once the learner has checked), at 390 px one column with the Check
button in reach while the file is in view; a failed check's line number puts the caret on that line
of the editor (and, without JavaScript, is a harmless link to the editor). Screenshots of both widths
go to test-results/screens/ with the others."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.reflow import reflow_problems
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_screens_browser import SCREENS
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# The --no-install-recommends finding (hadolint DL3015, the "recommends" check) is on line 32.
LONG_FILE = (
    "FROM debian:12.8-slim\n"
    + "".join(f"# step {n}\n" for n in range(2, 32))
    + ("RUN apt-get update && apt-get install -y curl\nUSER 10001\n")
)
FAILED_LINE = 32


def open_lab(browser, live_server, lab, width: int, height: int, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    login(page, live_server, "fixer", PASSWORD)
    page.goto(live_server.url + lab.get_absolute_url())
    return context, page


def check_the_long_file(page) -> None:
    page.locator("textarea[name=artifact]").fill(LONG_FILE)
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".verdict")).to_contain_text("Not passed yet", timeout=20_000)
    # The whole verdict speaks in the not-passed colour: the quiz result's verdict styles once made
    # its title green (a class name both pages used); the box and its title must agree.
    colours = page.evaluate(
        """() => { const box = document.querySelector('.verdict');
          return [getComputedStyle(box).color, getComputedStyle(box.querySelector('.verdict-title')).color]; }"""
    )
    assert colours[0] == colours[1], colours


def caret_line(page) -> int:
    """The 1-based line of the caret in the editor (0 when the editor does not have the focus)."""
    return page.evaluate(
        """() => {
          const editor = document.querySelector("textarea[name=artifact]");
          if (document.activeElement !== editor) return 0;
          return editor.value.slice(0, editor.selectionStart).split("\\n").length;
        }"""
    )


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def test_at_1280_the_editor_and_the_result_sit_side_by_side(browser, live_server, lab_world):
    module, lab = lab_world
    context, page = open_lab(browser, live_server, lab, 1280, 900)
    instructions = page.locator("details.lab-instructions")
    expect(instructions).to_have_attribute("open", "")  # first visit: the instructions are open
    check_the_long_file(page)
    page.reload()
    expect(instructions).not_to_have_attribute("open", "")  # once checked: folded to one line
    editor, result = box(page, ".lab-form"), box(page, "#lab-result")
    assert result["x"] >= editor["x"] + editor["width"], "the result is beside the editor"
    assert abs(result["y"] - editor["y"]) < 2, "both start on the same line"
    assert editor["y"] + 200 < 900 and result["y"] + 200 < 900, "both in view without scrolling"
    expect(page.get_by_role("button", name="Check")).to_be_in_viewport()
    instructions.locator("summary").click()  # one click opens them again
    expect(page.get_by_role("heading", name="What is checked")).to_be_visible()
    expect(page.locator(".check-summary")).to_contain_text("No comment or setting switches a check off")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert serious_violations(page) == []
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / "1280-lab-desk.png", full_page=True)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_failed_checks_line_puts_the_caret_on_that_line(browser, live_server, lab_world, width):
    module, lab = lab_world
    context, page = open_lab(browser, live_server, lab, width, 844 if width == 390 else 900)
    check_the_long_file(page)
    link = page.locator(".check-fail .findings a.line-link", has_text=f"Line {FAILED_LINE}:")
    expect(link).to_have_attribute("href", "#id_artifact")
    link.click()
    assert caret_line(page) == FAILED_LINE
    editor = page.locator("textarea[name=artifact]")
    assert editor.evaluate("e => e.scrollTop") > 0, "the editor scrolled to the line"
    expect(editor).to_be_in_viewport()
    context.close()


def test_without_javascript_a_line_number_is_a_link_to_the_editor(browser, live_server, lab_world):
    module, lab = lab_world
    context, page = open_lab(browser, live_server, lab, 1280, 900, java_script_enabled=False)
    page.locator("textarea[name=artifact]").fill(LONG_FILE)
    with page.expect_navigation():
        page.get_by_role("button", name="Check").click()
    expect(page.locator(".verdict")).to_contain_text("Not passed yet", timeout=20_000)
    link = page.locator(".check-fail .findings a.line-link", has_text=f"Line {FAILED_LINE}:")
    link.click()
    assert page.url.endswith("#id_artifact")
    expect(page.locator("textarea[name=artifact]")).to_have_value(LONG_FILE)  # nothing lost
    context.close()


def test_at_390_one_column_and_the_check_button_in_reach(browser, live_server, lab_world):
    module, lab = lab_world
    context, page = open_lab(browser, live_server, lab, 390, 844, is_mobile=True, has_touch=True)
    editor = page.locator("textarea[name=artifact]")
    editor.evaluate("e => e.scrollIntoView({block: 'start'})")  # the file at the top of the screen
    check = page.get_by_role("button", name="Check")
    expect(check).to_be_in_viewport()  # without scrolling past the file
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / "390-lab-desk-editor.png")  # the screen as the learner sees it
    check_the_long_file(page)
    form, result = box(page, ".lab-form"), box(page, "#lab-result")
    assert result["y"] >= form["y"] + form["height"], "the result is under the editor"
    assert abs(result["x"] - form["x"]) < 2 and abs(result["width"] - form["width"]) < 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # nothing cut, "Your checks" included (its last column was): a table that must scroll says so
    assert reflow_problems(page) == []
    page.screenshot(path=SCREENS / "390-lab-desk.png", full_page=True)
    context.close()
