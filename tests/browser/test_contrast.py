"""Text contrast of every visible button and link, at rest, hovered and focused, of every other piece
of text, and of every focus ring, in both colour schemes (the browser's prefers-color-scheme: light
and dark): every page of the accessibility scan, the lead's pages, a certificate, the labs, and each
state that HTMX swaps in (a lesson marked complete, then the path with that activity, quiz feedback
right and wrong, the result, a review card). axe does not see hover and focus, nor text over a fill
that a later rule repaints: this check measures the computed colours in Chromium
(tests/browser/contrast.py)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.models import Cohort
from labs.models import Lab
from progress.models import Certificate, ReviewCard
from quizzes.models import QuestionKind, Response
from tests.browser.conftest import login
from tests.browser.contrast import contrast_failures
from tests.browser.test_accessibility import LEARNER_PAGES, PUBLIC_PAGES
from tests.browser.test_lab_browser import STEPS
from tests.browser.test_quiz_browser import answer_with_the_mouse, asked
from tests.factories import PASSWORD, make_user
from tests.quizzes.conftest import build_quiz

pytestmark = pytest.mark.browser

# static/css/app.css has both (its custom properties, redefined under prefers-color-scheme: dark).
SCHEMES = ["light", "dark"]


class Checker:
    """Measures the page as it stands under a label and keeps what fails, for one assert at the end."""

    def __init__(self, page):
        self.page = page
        self.problems: dict[str, list[str]] = {}

    def __call__(self, label: str) -> None:
        if found := contrast_failures(self.page):
            self.problems[label] = found

    def visit(self, base: str, urls: list[str]) -> None:
        for url in urls:
            self.page.goto(base + url)
            self(url)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_public_pages_have_readable_buttons_and_links(page, live_server, live_curriculum, scheme):
    page.emulate_media(color_scheme=scheme)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    check = Checker(page)
    check.visit(live_server.url, PUBLIC_PAGES)
    assert check.problems == {}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_learner_pages_and_their_htmx_states_have_readable_buttons_and_links(
    page, live_server, live_curriculum, scheme
):
    page.emulate_media(color_scheme=scheme)
    ally = make_user("ally", display_name="Ally")
    login(page, live_server, "ally", PASSWORD)
    check = Checker(page)
    check.visit(live_server.url, LEARNER_PAGES)

    page.goto(f"{live_server.url}/paths/devops-on-aws/devops-mindset/what-devops-is/")
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    check("lesson marked complete")
    page.goto(f"{live_server.url}/")  # the path's hero now shows today's activity: a ✓ in today's square
    expect(page.locator(".activity-day.is-today")).to_contain_text("✓")
    check("path with the learner's activity")

    quiz = build_quiz(slug="contrast")
    count = quiz.questions.count()
    page.goto(f"{live_server.url}{quiz.get_absolute_url()}")
    page.get_by_role("button", name="Start the quiz").click()
    for position in range(1, count + 1):
        expect(page.get_by_role("heading", name=re.compile(f"Question {position} of {count}"))).to_be_visible()
        attempt, question = asked(ally, quiz, position)
        check(f"question ({question.kind})")
        if question.kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.MULTIPLE):
            wrong = next(c for c in question.choices.all() if not c.is_correct)  # a wrong answer
            page.get_by_label(wrong.text, exact=True).check()
            page.get_by_role("button", name="Check my answer").click()
        else:
            answer_with_the_mouse(page, question, attempt)
        expect(page.locator(".feedback h2")).to_be_visible()
        check(f"feedback ({question.kind})")
        if position < count:
            page.get_by_role("link", name="Next question").click()
    page.get_by_role("button", name="Finish and see my result").click()
    expect(page.locator(".score-big")).to_be_visible()
    check("result")
    page.get_by_role("link", name=re.compile("^Show only the")).click()
    check("result, missed questions only")

    page.get_by_role("link", name=re.compile("^Review what I missed")).click()  # practice now
    expect(page.get_by_role("heading", level=1)).to_contain_text("Practise what you missed")
    check("practice question")
    page.locator("#practice-panel input[type=radio], #practice-panel input[type=checkbox]").first.check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#practice-panel .feedback h2")).to_be_visible()
    check("practice feedback")

    page.goto(f"{live_server.url}/progress/review/")  # nothing due yet: practice is offered
    expect(page.get_by_role("link", name=re.compile("^Practise .* now$"))).to_be_visible()
    check("review with nothing due and practice offered")

    passed = build_quiz(kinds=[QuestionKind.SINGLE], slug="contrast-pass")
    page.goto(f"{live_server.url}{passed.get_absolute_url()}")
    page.get_by_role("button", name="Start the quiz").click()
    answer_with_the_mouse(page, passed.questions.get())
    page.get_by_role("button", name="Finish and see my result").click()
    expect(page.locator(".next-steps")).to_be_visible()
    check("result passed, with next steps")

    assert ReviewCard.objects.filter(user=ally).update(due=timezone.now()) > 0  # the missed ones, due now
    page.goto(f"{live_server.url}/progress/review/")
    check("review card")
    page.get_by_role("button", name="Check my answer").click()  # an empty answer: the form error
    check("review card with an error")
    page.locator("#card-panel input[type=radio], #card-panel input[type=checkbox]").first.check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("button", name="Next card")).to_be_visible()
    check("review card with feedback")
    assert check.problems == {}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_lead_pages_have_readable_buttons_and_links(page, live_server, demo, scheme):
    page.emulate_media(color_scheme=scheme)
    cohort = Cohort.objects.get(slug="demo-cohort")
    member = cohort.memberships.order_by("pk").first()
    login(page, live_server, "lead", "devops-demo")
    check = Checker(page)
    base = f"/cohorts/{cohort.slug}"
    missing = Response.objects.filter(attempt__user__memberships__cohort=cohort, is_correct=False)
    struggling = missing.values_list("attempt__user_id", flat=True).first()
    check.visit(
        live_server.url,
        [
            "/cohorts/",
            f"{base}/",
            f"{base}/?state=stuck",
            f"{base}/attention/",
            f"{base}/attention/?reason=stuck",
            f"{base}/questions/",
            f"{base}/activity/",
            f"{base}/roster/",
            f"{base}/members/{member.user_id}/",
            f"{base}/members/{struggling}/",
        ],
    )
    page.goto(f"{live_server.url}{base}/questions/")
    page.locator("main table a").first.click()
    check("a question's page")
    assert check.problems == {}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_certificate_its_owners_page_and_the_labs_are_readable(page, live_server, demo, scheme):
    page.emulate_media(color_scheme=scheme)
    certificate = Certificate.objects.select_related("user").order_by("pk").first()
    certificate.shared = True
    certificate.save(update_fields=["shared"])
    check = Checker(page)
    check.visit(live_server.url, [certificate.get_absolute_url()])  # as anybody
    login(page, live_server, certificate.user.username, "devops-demo")
    check.visit(live_server.url, [certificate.get_absolute_url(), "/"])  # as its owner; the finished path
    page.context.clear_cookies()
    make_user("newcomer")
    login(page, live_server, "newcomer", PASSWORD)
    locked = Lab.objects.published().filter(module__slug="containers-on-aws").first()  # locked for a newcomer
    check.visit(live_server.url, ["/labs/", locked.get_absolute_url()])
    assert check.problems == {}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_lab_workspace_and_its_graded_result_are_readable(page, live_server, lab_world, scheme):
    """The lab page at 1280 and 390 px: its folding instructions, the editor's gutter and sticky action
    bar, a failed result with its line links and the tools' findings opened."""
    page.emulate_media(color_scheme=scheme)
    module, lab = lab_world
    login(page, live_server, "fixer", PASSWORD)
    check = Checker(page)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + lab.get_absolute_url())
        check(f"{width}: the lab, before a check")
        page.locator("textarea[name=artifact]").fill(STEPS[0][0])
        page.get_by_role("button", name="Check").click()
        expect(page.locator(".verdict")).to_contain_text("Not passed yet", timeout=20_000)
        page.locator(".other-findings summary").click()
        check(f"{width}: a failed result")
        page.reload()
        check(f"{width}: the instructions folded")
    assert check.problems == {}
