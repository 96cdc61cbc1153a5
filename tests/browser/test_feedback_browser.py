"""Feedback of every question kind at 320, 390 and 1280 px: nothing sticks out of the screen or is cut
inside a box that scrolls, no word is broken across two lines (a phone stacks the rows of the matching
and ordering table), and a matching question's options are shown whole. Each state is saved
as a screenshot (test-results/screens/<width>-feedback-<kind>.png) for whoever reviews a change."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.attempts import start_attempt, submit_answer
from quizzes.models import Attempt, QuestionKind
from tests.browser.conftest import login
from tests.browser.test_screens_browser import SCREENS, WIDTHS
from tests.factories import PASSWORD, make_user
from tests.quizzes.conftest import answer_data, build_quiz, questions_of
from tests.quizzes.test_grading import form

pytestmark = pytest.mark.browser

# What sticks out: an element whose box passes the right or left edge of the viewport, or a box that
# hides or scrolls part of its content sideways (a table that scrolls inside its wrapper counts).
CLIPPED = """(selector) => {
  const width = document.documentElement.clientWidth, found = [];
  const unseen = (el) => {  // hidden for the eye only (kept for screen readers): clipped to nothing
    for (; el; el = el.parentElement)
      if (el.classList.contains('visually-hidden') || getComputedStyle(el).clip === 'rect(0px, 0px, 0px, 0px)')
        return true;
    return false;
  };
  for (const el of document.querySelectorAll(selector)) {
    if (unseen(el)) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    const name = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
    if (box.width && (box.right > width + 0.5 || box.left < -0.5)) found.push(name + ' passes the edge');
    if (['auto', 'scroll', 'hidden'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      found.push(name + ' cuts or scrolls its content');
  }
  return found;
}"""

# A word broken across two lines ("Ite" / "m"): each word of each text in the selector, measured by a Range
# whose boxes must all sit on one line. Words are what lies between spaces, hyphens and slashes (where a
# line may rightly break). Code is left out: a long log line must wrap somewhere on a phone.
BROKEN_WORDS = """(selector) => {
  const found = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement || node.parentElement.closest('.visually-hidden, code, pre')) continue;
      if (!node.parentElement.getClientRects().length) continue;  // not displayed
      for (const match of node.data.matchAll(/[^\\s\\-\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
        if (lines.size > 1) found.push(match[0]);
      }
    }
  }
  return found;
}"""

# One wrong or partly right answer per kind: every mark shows (right, wrong, missed).
HOW = {
    QuestionKind.SINGLE: "wrong",
    QuestionKind.MULTIPLE: "partial",
    QuestionKind.TRUE_FALSE: "wrong",
    QuestionKind.ORDERING: "partial",
    QuestionKind.MATCHING: "partial",
    QuestionKind.NUMERIC: "wrong",
    QuestionKind.SHORT_TEXT: "wrong",
    QuestionKind.FAULTY_LINE: "wrong",
}


@pytest.mark.parametrize("width", [320, *WIDTHS])
def test_the_feedback_of_every_kind_fits_the_screen(browser, live_server, live_curriculum, width):
    learner = make_user("fay", display_name="Fay")
    quiz = build_quiz(slug=f"fit-{width}")
    matching = quiz.questions.get(kind=QuestionKind.MATCHING)
    matching.choices.filter(order=1).update(  # a long option: a menu would cut it short on a phone
        match_text="keeps every version of the code in a managed Git repository, with branch rules and reviews"
    )
    attempt = start_attempt(learner, quiz)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_server, "fay", PASSWORD)
    problems = {}
    SCREENS.mkdir(parents=True, exist_ok=True)

    position = next(n for n, q in enumerate(questions_of(attempt), start=1) if q.kind == QuestionKind.MATCHING)
    page.goto(live_server.url + reverse("quizzes:question", args=[attempt.public_id, position]))
    for option in page.locator(".option-letters li").all():  # the options whole, on screen
        expect(option).to_be_visible()
    assert any(
        "managed Git repository, with branch rules and reviews" in text
        for text in page.locator(".option-letters li").all_inner_texts()
    )
    if found := page.evaluate(CLIPPED, "main *"):
        problems["matching form"] = found
    page.screenshot(path=SCREENS / f"{width}-question-matching.png", full_page=True)

    for position, question in enumerate(questions_of(attempt), start=1):
        submit_answer(attempt, question, form(**answer_data(attempt, question, HOW[question.kind])))
        page.goto(live_server.url + reverse("quizzes:question", args=[attempt.public_id, position]))
        expect(page.locator(".feedback h2")).to_be_visible()
        if found := page.evaluate(CLIPPED, "main *"):
            problems[question.kind] = found
        if page.evaluate("document.documentElement.scrollWidth") > width:
            problems.setdefault(question.kind, []).append("the page scrolls sideways")
        if broken := page.evaluate(BROKEN_WORDS, ".feedback"):
            problems.setdefault(question.kind, []).append(f"words broken across lines: {broken}")
        page.screenshot(path=SCREENS / f"{width}-feedback-{question.kind}.png", full_page=True)
    context.close()
    assert problems == {}


# The space between the last thing in the question's card and the card's bottom edge.
GAP_UNDER = """() => {
  const card = document.querySelector('article.card'), bottom = card.getBoundingClientRect().bottom;
  const last = Math.max(...[...card.querySelectorAll('button, a, p, .feedback')]
    .filter(el => el.offsetParent !== null).map(el => el.getBoundingClientRect().bottom));
  return bottom - last;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_quiz_shows_its_progress_and_each_answers_verdict_on_its_chip(browser, live_server, live_curriculum, width):
    learner = make_user("pia", display_name="Pia")
    quiz = build_quiz(
        kinds=[QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE], slug=f"chips-{width}"
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_server, "pia", PASSWORD)
    page.goto(live_server.url + quiz.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    progress = page.locator("#quiz-progress")
    expect(progress).to_contain_text("0 of 3 answered")
    expect(page.get_by_text("Question 1 of 3")).to_have_count(1)  # said once: by the question's heading
    gap = page.evaluate(GAP_UNDER)
    assert gap <= 24, f"{gap}px of empty card under the buttons"  # the card's own padding (20 px) and no more

    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    for position, how in enumerate(["right", "partial", "wrong"], start=1):
        question = questions_of(attempt)[position - 1]
        choices = sorted(question.choices.all(), key=lambda c: c.order)
        picks = {"right": [c for c in choices if c.is_correct], "wrong": [c for c in choices if not c.is_correct][:1]}
        picks["partial"] = [c for c in choices if c.is_correct][:1]
        for choice in picks[how]:
            page.get_by_label(choice.text, exact=True).check()
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator(".feedback h2")).to_be_visible()
        expect(progress).to_contain_text(f"{position} of 3 answered")  # swapped in out of band
        assert page.evaluate(GAP_UNDER) <= 24
        if position < 3:
            page.get_by_role("link", name="Next question").click()
    chips = page.locator(".question-nav a")
    expect(chips.nth(0)).to_have_attribute("aria-label", "Question 1 (answered: right)")
    expect(chips.nth(1)).to_have_attribute("aria-label", "Question 2 (answered: partly right)")
    expect(chips.nth(2)).to_have_attribute("aria-label", "Question 3 (answered: wrong)")
    assert [chip.text_content() for chip in chips.all()] == ["1✓", "2◐", "3✗"]  # a sign, not colour alone
    expect(page.locator(".chip-legend")).to_contain_text("✓ right")
    page.screenshot(path=SCREENS / f"{width}-quiz-progress-and-chips.png", full_page=True)
    context.close()
