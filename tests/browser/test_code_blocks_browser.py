"""Code blocks in lessons and labs: the language's name above each, a copy button only with
JavaScript (reached by keyboard, "Copied" said by a live region), long lines that scroll inside the
block and never the page at 390 px, and commit SHAs in a lab's nested list that wrap on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_screens_browser import SCREENS, WIDTHS
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

DORA = "/paths/devops-on-aws/devops-mindset/the-four-dora-metrics/"
LAB = "/labs/devops-on-aws/cicd-on-aws/github-actions-pipeline/"


def test_a_code_block_has_its_language_and_a_copy_button_reached_by_keyboard(browser, live_server, live_curriculum):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server.url + DORA)
    block = page.locator(".code-block").filter(has=page.locator(".code-language", has_text="Python")).first
    expect(block).to_be_visible()
    button = block.get_by_role("button", name="Copy the Python code")
    expect(button).to_be_visible()
    for _ in range(200):  # Tab from the top of the page to the Python block's button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Copy the Python code":
            break
    else:
        raise AssertionError("Tab never reached the copy button")
    page.keyboard.press("Enter")
    expect(page.locator("#copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()").startswith("from statistics import")
    context.close()


def test_every_copy_button_says_what_it_copies(page, live_server, live_curriculum):
    """A block with a language: "Copy the Python code"; a plain-text block: "Copy code" (not a bare
    "Copy" beside "Copy Python"). Each name begins with the word the button shows."""
    page.goto(live_server.url + DORA)
    expect(page.locator(".code-copy").first).to_be_visible()
    names = page.locator(".code-copy").evaluate_all("buttons => buttons.map(b => b.getAttribute('aria-label'))")
    languages = page.locator(".code-block .code-language").all_text_contents()  # shown in capitals by the CSS
    assert sorted(set(names)) == sorted({"Copy code"} | {f"Copy the {language} code" for language in languages})
    assert page.locator(".code-copy").first.inner_text() == "Copy"


def test_without_javascript_there_is_no_copy_button_but_the_language_stays(browser, live_server, live_curriculum):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + DORA)
    expect(page.locator(".code-language", has_text="Python")).to_be_visible()
    expect(page.locator(".code-copy")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_long_lines_commit_shas_and_long_words_never_widen_the_page(browser, live_server, live_curriculum, width):
    make_user("cody", display_name="Cody")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_server, "cody", PASSWORD)
    SCREENS.mkdir(parents=True, exist_ok=True)
    search = "/search/?q=" + "a" * 300  # one unbroken word, echoed back on the results page
    for name, url in {"search-long-word": search, "lesson-code": DORA, "lab-nested-list": LAB}.items():
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{url} scrolls sideways"
        page.screenshot(path=SCREENS / f"{width}-{name}.png", full_page=True)
    shas = page.locator("li li code")  # the pinned actions' SHAs, in the nested list
    expect(shas).to_have_count(6)
    for box in (code.bounding_box() for code in shas.all()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()
