"""The learner's screens on a phone (issue 14): the header is one compact row for every role (the
language switcher waits inside the menu and works there without JavaScript), breadcrumbs take one
line, and each page's main action (Start here, Start reading, Mark as complete, Check my answer) is
in the first screen of a 390x844 or 320x844 phone (Check my answer however long the question's prompt),
and on a screen 400 px high no bar stays over the text; the path's checklist is there too (each module
once: it is the phone's map), the page under 2,500 px, and the three figures of the path's hero are
the same width; no chip, badge or pill breaks its content."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.attempts import start_attempt, submit_answer
from quizzes.models import Question, QuestionKind, Quiz
from tests.browser.conftest import login
from tests.browser.test_header_browser import ROLES, inside_the_screen, signed_in_page
from tests.factories import PASSWORD, make_user
from tests.quizzes.conftest import answer_data, build_quiz, questions_of
from tests.quizzes.test_grading import form

pytestmark = pytest.mark.browser
User = get_user_model()

HEIGHT = 844
PATH_HEIGHT = 2500  # a new learner's path page on a phone: 1,689 px at 390 px (issue 14: 4,991)
MODULE = "/paths/devops-on-aws/devops-mindset/"
LESSON = MODULE + "the-four-dora-metrics/"
LONG_PROMPT = "<p>A long scenario: logs, a diagram, a pipeline, a team, and what went wrong on the day.</p>" * 40


def test_the_phone_header_is_one_compact_row_for_every_role(browser, live_server, demo):
    problems = []
    for username in ROLES:
        for width in (320, 390):
            page = signed_in_page(browser, live_server, username, width, javascript=False)
            where = f"{username or 'visitor'} at {width} px"
            height = page.locator(".site-header").bounding_box()["height"]
            if height > 60:
                problems.append(f"{where}: the header is {height:.0f} px high")
            if page.locator(".language-switcher").is_visible():
                problems.append(f"{where}: the language switcher takes room outside the menu")
            page.locator(".nav-menu summary").click()
            for name in ["English", "Tiếng Việt"]:
                button = page.locator(".site-header").get_by_role("button", name=name)
                if not (button.is_visible() and inside_the_screen(page, button)):
                    problems.append(f"{where}: the open menu's {name!r} is hidden or off screen")
            page.context.close()
    assert not problems, "\n".join(problems)


def test_the_language_switcher_in_the_phone_menu_works_without_javascript(browser, live_server, demo):
    page = signed_in_page(browser, live_server, None, 390, javascript=False)
    page.locator(".nav-menu summary").click()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".nav-menu summary")).to_contain_text("Menu")  # the summary's words, translated or not
    page.context.close()


def in_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT


@pytest.mark.parametrize("width", [320, 390])
def test_a_new_learners_main_actions_are_in_the_first_screen_and_breadcrumbs_one_line(
    browser, live_server, live_curriculum, width
):
    newcomer = make_user("newcomer")
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    page = context.new_page()
    login(page, live_server, "newcomer", PASSWORD)
    problems = []
    actions = {
        "/": ("link", "Start here: What DevOps is: culture before tools"),
        MODULE: ("link", "Start reading: What DevOps is: culture before tools"),
        LESSON: ("button", "Mark as complete"),
    }
    for url, (role, name) in actions.items():
        page.goto(live_server.url + url)
        action = page.get_by_role(role, name=name, exact=True)
        if not in_first_screen(action):
            problems.append(f"{url} at {width} px: {name!r} is at {action.bounding_box()}")
        crumbs = page.locator(".breadcrumbs ol")
        if crumbs.count() and crumbs.bounding_box()["height"] > 40:
            problems.append(f"{url} at {width} px: the breadcrumbs take {crumbs.bounding_box()['height']:.0f} px")
    page.goto(live_server.url + "/")
    if not in_first_screen(page.get_by_role("heading", name="Your path")):
        problems.append(f"/ at {width} px: the checklist starts below the first screen")
    # each module once (the checklist is the phone's map; there were a checklist, a map and cards,
    # 4,991 px high at 390 px), and the page short enough to scan
    modules = page.get_by_role("link", name=re.compile(r"^Module \d+: "))
    if modules.count() != 6:
        problems.append(f"/ at {width} px: {modules.count()} links to modules, not one for each of the 6")
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > PATH_HEIGHT:
        problems.append(f"/ at {width} px: the path is {height} px high (at most {PATH_HEIGHT})")
    figures = [stat.bounding_box() for stat in page.locator(".hero .stat").all()]
    if len({round(box["width"]) for box in figures}) != 1 or len({round(box["y"]) for box in figures}) != 1:
        problems.append(f"/ at {width} px: the hero's figures are uneven: {figures}")
    # a question of any kind, however long its prompt: "Check my answer" is in the first screen
    quiz = Quiz.objects.get(module__slug="devops-mindset", lesson__isnull=True)
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="Start the quiz").click()
    first = page.url
    for position in range(1, 11):
        page.goto(first.replace("/q/1/", f"/q/{position}/"))
        crumbs = page.locator(".breadcrumbs ol").bounding_box()["height"]
        if crumbs > 40:
            problems.append(f"question {position} at {width} px: the breadcrumbs take {crumbs:.0f} px")
        if not in_first_screen(page.get_by_role("button", name="Check my answer")):
            problems.append(f"question {position} at {width} px: 'Check my answer' is below the first screen")
    # every kind of question with a long prompt (three screens of text): the bar is there from the start
    attempt = start_attempt(newcomer, build_quiz(slug=f"long-prompts-{width}"))
    Question.objects.filter(pk__in=attempt.question_order).update(prompt_html=LONG_PROMPT)
    for position, question in enumerate(questions_of(attempt), start=1):
        page.goto(live_server.url + reverse("quizzes:question", args=[attempt.public_id, position]))
        if not in_first_screen(page.get_by_role("button", name="Check my answer")):
            problems.append(f"a {question.kind} question with a long prompt at {width} px: no 'Check my answer'")
    # a short screen (a phone held sideways): no bar stays over the text, the lesson's and the question's
    page.set_viewport_size({"width": width, "height": 400})
    page.goto(first)
    if page.locator("#answer-panel form > .actions").evaluate("bar => getComputedStyle(bar).position") == "sticky":
        problems.append(f"a question at {width}x400: 'Check my answer' stays over the question")
    page.goto(live_server.url + LESSON)
    if (top := page.locator(".completion").bounding_box()["y"]) < 400:
        problems.append(f"the lesson at {width}x400: the completion card covers {400 - top:.0f} px of the screen")
    context.close()
    assert not problems, "\n".join(problems)


CHIPS = (Path(__file__).parent / "chips.js").read_text(encoding="utf-8")
# every chip, badge and pill style of the learner's screens (static/css/app.css and labs.css)
CHIP_STYLES = ".badge, .question-nav a, .question-nav span, .chip-legend > *, .checklist-mark, .option-letter, .check"


def test_no_chip_badge_or_pill_breaks_its_content_on_a_phone(browser, live_server, demo):
    """Issue 14: the answered-question chips (✗ / ◐ beside the number) put "10" on a second line at 390 px.
    Every chip, badge and pill style: the quiz's chips from 1 to 12 (answered wrong and partly right),
    the badges of the path, a module's lesson list (lessons beyond the workshop), a lesson and the
    progress page, at 320 and 390 px, in English and in Vietnamese."""
    learner = User.objects.get(username="learner")  # the demo's learner, far along: badges of every state
    quiz = build_quiz(kinds=[QuestionKind.MULTIPLE], count=12, slug="chips")
    attempt = start_attempt(learner, quiz)
    for n, question in enumerate(questions_of(attempt)[:11]):
        submit_answer(attempt, question, form(**answer_data(attempt, question, "partial" if n % 2 else "wrong")))
    question_page = reverse("quizzes:question", args=[attempt.public_id, 12])
    cicd = "/paths/devops-on-aws/cicd-on-aws/"  # lessons beyond the workshop: a badge in a list row
    pages = [question_page, "/", MODULE, cicd, cicd + "security-in-the-pipeline/", "/progress/"]
    problems = []
    for width in (320, 390):
        context = browser.new_context(viewport={"width": width, "height": HEIGHT})
        page = context.new_page()
        login(page, live_server, "learner", "devops-demo")
        for language, switch in (("vi", "Tiếng Việt"), ("en", "English")):  # the Vietnamese words are longer
            page.goto(f"{live_server.url}/")
            page.locator(".nav-menu summary").click()
            page.get_by_role("button", name=switch).click()
            expect(page.locator("html")).to_have_attribute("lang", language)
            for url in pages:
                page.goto(live_server.url + url)
                where = f"{url} at {width} px ({language})"
                problems += [f"{where}: {problem}" for problem in page.evaluate(CHIPS, CHIP_STYLES)]
                if page.evaluate("document.documentElement.scrollWidth") > width:
                    problems.append(f"{where}: the page scrolls sideways")
        context.close()
    assert not problems, "\n".join(problems)
