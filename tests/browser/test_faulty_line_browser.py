"""Find the faulty line in a real Chromium: answered with the keyboard only (arrow keys in the radio
group, Space on checkboxes, focus visible, the verdict focused after the HTMX swap), and on a
390-pixel phone (no sideways scrolling, long lines wrapped, lines large enough to tap, no serious
axe violation in any state)."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import QuestionKind
from tests.browser.conftest import login
from tests.browser.test_accessibility import serious_violations
from tests.factories import PASSWORD, make_user
from tests.quizzes.conftest import BUILD_LOG, add_question, build_quiz

pytestmark = pytest.mark.browser

LONG_LINE = (
    "upload failed: dist/assets/" + "a" * 180 + ".js to s3://example-site/assets/index.js An error occurred "
    "(AccessDenied) when calling the PutObject operation: User: arn:aws:sts::123456789012:assumed-role/"
    "codebuild-web-service-role/AWSCodeBuild-0f1e2d3c is not authorized to perform: s3:PutObject"
)


@pytest.fixture
def faulty_quiz(live_curriculum):
    """One question selecting one line (the faulty line is long), then one selecting up to two."""
    quiz = build_quiz(count=0, slug="faulty-browser")
    one = add_question(quiz, QuestionKind.FAULTY_LINE, key="one", order=1)
    one.artifact = "\n".join([*BUILD_LOG[:3], LONG_LINE, BUILD_LOG[4]])
    one.save()
    one.sync_artifact_lines()
    two = add_question(quiz, QuestionKind.FAULTY_LINE, key="two", order=2)
    two.select_count = 2
    two.save()
    two.choices.filter(order=5).update(is_correct=True)
    return quiz


def focused(page) -> str:
    return page.evaluate(
        "(() => { const e = document.activeElement; return (e.labels && e.labels[0] ? e.labels[0].innerText : "
        "e.innerText || e.tagName).replace(/\\s+/g, ' ').trim(); })()"
    )


def tab_until(page, test: str, limit: int = 60) -> None:
    for _ in range(limit):
        if page.evaluate(f"(() => {{ const e = document.activeElement; return {test}; }})()"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {test}")


def test_a_learner_finds_the_faulty_lines_with_the_keyboard_only(page, live_server, faulty_quiz, console_errors):
    make_user("kay", display_name="Kay")
    login(page, live_server, "kay", PASSWORD)
    page.goto(f"{live_server.url}{faulty_quiz.get_absolute_url()}")
    tab_until(page, "e.textContent.trim() === 'Start the quiz'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Question 1 of 2"))).to_be_visible()

    # One line: Tab into the radio group, the arrow keys move down the lines and select them.
    tab_until(page, "e.type === 'radio'")
    assert focused(page).startswith("Line 1")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused line shows where the keyboard is"
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert focused(page).startswith("Line 4") and "AccessDenied" in focused(page)
    assert page.evaluate("document.activeElement.checked")
    tab_until(page, "e.textContent.trim() === 'Check my answer'")
    page.keyboard.press("Enter")
    expect(page.locator(".feedback h2")).to_contain_text("Correct")
    assert focused(page).startswith("Correct")  # the verdict has the focus after the swap

    # Up to two lines: checkboxes, each reached with Tab and ticked with Space.
    tab_until(page, "e.textContent.trim().startsWith('Next question')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Question 2 of 2"))).to_be_visible()
    tab_until(page, "e.type === 'checkbox'")
    for line in range(1, 6):
        assert focused(page).startswith(f"Line {line}")
        if line in (4, 5):
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
    tab_until(page, "e.textContent.trim() === 'Check my answer'")
    page.keyboard.press("Enter")
    expect(page.locator(".feedback h2")).to_contain_text("Correct")
    tab_until(page, "e.textContent.trim() === 'Finish and see my result'")
    page.keyboard.press("Enter")
    expect(page.locator(".score-big")).to_have_text("100%")
    assert console_errors == []


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_390_pixel_phone_the_lines_wrap_are_easy_to_tap_and_nothing_scrolls_sideways(
    browser, live_server, faulty_quiz
):
    make_user("pho", display_name="Pho")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    login(page, live_server, "pho", PASSWORD)
    page.goto(f"{live_server.url}{faulty_quiz.get_absolute_url()}")
    page.get_by_role("button", name="Start the quiz").click()
    problems = {}

    labels = page.locator(".artifact-lines label")
    expect(labels).to_have_count(5)
    assert no_sideways_scroll(page) and page.evaluate("window.innerWidth") == 390
    heights = [labels.nth(i).bounding_box()["height"] for i in range(5)]
    assert min(heights) >= 24, heights  # WCAG 2.2 target size
    assert heights[3] > 3 * heights[0], "the long line wraps rather than running off the screen"
    assert labels.nth(3).bounding_box()["x"] + labels.nth(3).bounding_box()["width"] <= 390
    if found := serious_violations(page):
        problems["question"] = found

    labels.nth(3).locator(".line-text").tap()  # tapping the text of a line selects it
    expect(page.locator(".artifact-lines input").nth(3)).to_be_checked()
    page.get_by_role("button", name="Check my answer").tap()
    expect(page.locator(".feedback h2")).to_contain_text("Correct")
    assert no_sideways_scroll(page) and page.evaluate("window.innerWidth") == 390  # a phone zooms out otherwise
    if found := serious_violations(page):
        problems["feedback"] = found

    page.get_by_role("link", name="Next question").tap()
    page.locator(".artifact-lines label").nth(1).tap()
    page.get_by_role("button", name="Check my answer").tap()
    expect(page.locator(".feedback h2")).to_contain_text("Not quite")
    expect(page.locator(".line-feedback").first).to_be_visible()
    assert no_sideways_scroll(page)
    if found := serious_violations(page):
        problems["wrong-answer feedback"] = found
    context.close()
    assert problems == {}
    assert console_errors == []
