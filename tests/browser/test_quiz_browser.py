"""Quizzes in a real Chromium: the axe scan of every quiz page and state, a learner taking the real
devops-mindset quiz with HTMX feedback (the ordering question with the keyboard only, an unsent
answer kept through a language switch), and every
module quiz of the real curriculum taken end to end."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Lesson, Module
from progress.services import complete_lesson
from quizzes.grading import match_options
from quizzes.models import Attempt, Question, QuestionKind, Quiz
from tests.browser.conftest import login
from tests.browser.test_accessibility import serious_violations
from tests.factories import PASSWORD, make_user
from tests.progress.helpers import pass_labs
from tests.quizzes.conftest import build_quiz

pytestmark = pytest.mark.browser


def right_order(question: Question) -> dict[str, int]:
    """{item text: its right position} of an ordering question."""
    ordered = sorted(question.choices.all(), key=lambda c: (c.order, c.pk))
    return {c.text: n for n, c in enumerate(ordered, start=1)}


def asked(user, quiz: Quiz, position: int) -> tuple[Attempt, Question]:
    """The learner's open attempt and the question at ``position`` as it asks it (drawn, its variant)."""
    attempt = Attempt.objects.open().get(user=user, quiz=quiz)
    question = Question.objects.prefetch_related("choices").get(pk=attempt.question_order[position - 1])
    return attempt, attempt.asked(question)


def answer_with_the_mouse(page, question: Question, attempt: Attempt | None = None) -> None:
    """Give the right answer to ``question`` on the open question page (any kind but ordering)."""
    kind = question.kind
    choices = list(question.choices.all())
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.MULTIPLE):
        for choice in choices:
            if choice.is_correct:
                page.get_by_label(choice.text, exact=True).check()
    elif kind == QuestionKind.FAULTY_LINE:  # a line's label is its number and text; its value, a token
        for choice in choices:
            if choice.is_correct:
                page.locator(f'input[value="{attempt.token("c", choice.pk)}"]').check()
    elif kind == QuestionKind.MATCHING:  # a menu's option is named by a token; its label starts with a letter
        options = {c.match_text: c for c in match_options(choices)}
        for choice in choices:
            page.get_by_label(choice.text, exact=True).select_option(attempt.token("m", options[choice.match_text].pk))
    elif kind == QuestionKind.ORDERING:
        for text, position in right_order(question).items():
            page.get_by_label(text, exact=True).select_option(str(position))
    elif kind == QuestionKind.NUMERIC:
        page.locator("#answer-input").fill(f"{question.numeric_answer.normalize():,f}")  # as English writes it
    else:
        page.locator("#answer-input").fill(next(c.text for c in choices if c.is_correct).upper())
    page.get_by_role("button", name="Check my answer").click()


def answer_ordering_with_the_keyboard(page, question: Question) -> None:
    """Tab to each position menu, choose with the arrow keys, Tab to the button and press Enter."""
    positions = right_order(question)
    for _ in range(80):  # from wherever focus is, Tab until the first position menu has it
        if page.evaluate("document.activeElement.matches('.pair-list select')"):
            break
        page.keyboard.press("Tab")
    else:
        raise AssertionError("Tab never reached the ordering menus")
    for _ in positions:
        label = page.evaluate("document.activeElement.labels[0].textContent.trim()")
        for _step in range(positions[label]):  # from "Position…", the n-th arrow press chooses n
            page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.value") == str(positions[label])
        page.keyboard.press("Tab")
    for _ in range(5):
        if page.evaluate("document.activeElement.textContent.trim()") == "Check my answer":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")


# The kinds whose unsent answer the quiz test types or ticks, switches language, and expects back.
KEPT_KINDS = (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.MULTIPLE, QuestionKind.SHORT_TEXT)
DRAFT_VALUES = """form => [...form.elements].filter(f => f.name && f.type !== 'hidden')
  .map(f => f.type === 'checkbox' || f.type === 'radio' ? f.checked : f.value)"""


def keeps_an_unsent_answer_through_a_language_switch(page, question: Question, attempt: Attempt) -> None:
    """Tick a right choice (or type an answer), switch to Vietnamese and back (a POST and a reload each):
    the unsent answer is still there (app.js keeps it in sessionStorage for this attempt and question)."""
    if question.kind == QuestionKind.SHORT_TEXT:
        page.locator("#answer-input").fill("typed, not sent")
    else:
        right = next(c for c in question.choices.all() if c.is_correct)
        page.get_by_label(right.text, exact=True).check()
    form = page.locator("form[data-draft]")
    given = form.evaluate(DRAFT_VALUES)
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert form.evaluate(DRAFT_VALUES) == given, "the unsent answer was lost with the language switch"
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert form.evaluate(DRAFT_VALUES) == given


def test_a_learner_takes_the_devops_mindset_quiz_with_htmx_feedback_and_the_keyboard_for_ordering(
    page, live_server, live_curriculum, console_errors
):
    kim = make_user("kim", display_name="Kim")
    quiz = Quiz.objects.get(module__slug="devops-mindset", lesson__isnull=True)
    count = quiz.questions_per_attempt()
    login(page, live_server, "kim", PASSWORD)

    page.goto(f"{live_server.url}/paths/devops-on-aws/devops-mindset/")
    page.get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()

    kept_through_a_language_switch = False
    for position in range(1, count + 1):
        expect(page.get_by_role("heading", name=re.compile(f"Question {position} of {count}"))).to_be_visible()
        attempt, question = asked(kim, quiz, position)
        assert page.locator(".prompt").inner_html().strip() == question.prompt_html.strip()
        url = page.url
        if not kept_through_a_language_switch and question.kind in KEPT_KINDS:
            keeps_an_unsent_answer_through_a_language_switch(page, question, attempt)
            kept_through_a_language_switch = True
        page.evaluate("window.__notReloaded = true")  # gone if the page reloads

        if question.kind == QuestionKind.ORDERING:
            answer_ordering_with_the_keyboard(page, question)
        else:
            answer_with_the_mouse(page, question, attempt)

        feedback = page.locator(".feedback")
        expect(feedback.get_by_role("heading", name=re.compile("^Correct"))).to_be_visible()
        expect(feedback).to_contain_text(re.sub(r"<[^>]+>", "", question.explanation_html).split("\n")[0][:40])
        assert page.evaluate("window.__notReloaded === true"), "the feedback reloaded the page"
        assert page.url == url
        expect(page.locator('.question-nav a[aria-current="step"]')).to_have_class(
            re.compile(r"\banswered verdict-right\b")
        )  # out of band
        if question.kind == QuestionKind.ORDERING:  # the keyboard user lands on the verdict
            assert page.evaluate("document.activeElement.textContent").startswith("Correct")
        if position < count:
            page.get_by_role("link", name="Next question").click()

    assert kept_through_a_language_switch, "no question of a kind whose unsent answer the test keeps"
    page.get_by_role("button", name="Finish and see my result").click()
    expect(page.get_by_role("heading", name=f"Your result: {quiz.title}")).to_be_visible()
    expect(page.locator(".score-big")).to_have_text("100%")
    expect(page.get_by_text("Passed (pass mark 70%)")).to_be_visible()
    assert console_errors == []


def test_every_module_quiz_of_the_real_curriculum_can_be_taken_end_to_end(
    page, live_server, live_curriculum, console_errors
):
    learner = make_user("dana", display_name="Dana")
    for lesson in Lesson.objects.filter(module__path=live_curriculum, published=True):
        complete_lesson(learner, lesson)
    login(page, live_server, "dana", PASSWORD)
    modules = list(Module.objects.filter(path=live_curriculum, published=True).order_by("order"))
    for module in modules:  # required labs count toward completion, which opens the next module
        pass_labs(learner, module)
    assert len(modules) >= 6
    for module in modules:  # required labs count toward completion: the next module unlocks
        pass_labs(learner, module)

    for module in modules:
        quiz = Quiz.objects.get(module=module, lesson__isnull=True)
        count = quiz.questions_per_attempt()
        page.goto(f"{live_server.url}{module.get_absolute_url()}")
        page.get_by_role("link", name="Take the quiz").click()
        page.get_by_role("button", name="Start the quiz").click()
        for position in range(1, count + 1):
            expect(page.get_by_role("heading", name=re.compile(f"Question {position} of {count}"))).to_be_visible()
            attempt, question = asked(learner, quiz, position)
            answer_with_the_mouse(page, question, attempt)
            expect(page.locator(".feedback h2")).to_contain_text("Correct")
            if position < count:
                page.get_by_role("link", name="Next question").click()
        page.get_by_role("button", name="Finish and see my result").click()
        expect(page.locator(".score-big")).to_have_text("100%")
        expect(page.get_by_text("Passed (pass mark")).to_be_visible()

    page.goto(f"{live_server.url}/progress/")
    assert console_errors == []


def test_quiz_pages_in_every_state_have_no_serious_accessibility_violation(page, live_server, live_curriculum):
    ally = make_user("ally", display_name="Ally")
    quiz = build_quiz(slug="axe")
    count = quiz.questions.count()
    login(page, live_server, "ally", PASSWORD)
    problems = {}

    def scan(label):
        if found := serious_violations(page):
            problems[label] = found

    page.goto(f"{live_server.url}{quiz.get_absolute_url()}")
    scan("quiz page")
    page.get_by_role("button", name="Start the quiz").click()
    for position in range(1, count + 1):
        expect(page.get_by_role("heading", name=re.compile(f"Question {position} of {count}"))).to_be_visible()
        attempt, question = asked(ally, quiz, position)
        scan(f"question page ({question.kind})")
        if question.kind == QuestionKind.NUMERIC:  # and the form error state once
            page.locator("#answer-input").fill("twelve")
            page.get_by_role("button", name="Check my answer").click()
            expect(page.get_by_role("alert")).to_contain_text("Enter a number")
            scan("form error")
        answer_with_the_mouse(page, question, attempt)
        expect(page.locator(".feedback h2")).to_be_visible()
        scan(f"feedback ({question.kind})")
        if position < count:
            page.get_by_role("link", name="Next question").click()
    page.get_by_role("button", name="Finish and see my result").click()
    expect(page.locator(".score-big")).to_be_visible()
    scan("result page")
    page.goto(f"{live_server.url}{quiz.get_absolute_url()}")
    scan("quiz page with an attempt")
    assert problems == {}
