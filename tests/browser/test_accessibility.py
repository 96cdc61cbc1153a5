"""axe-core scans of every page: no serious or critical violation. Later pages join the list."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from quizzes.models import QuestionKind
from tests.browser.conftest import login
from tests.factories import PASSWORD, make_user
from tests.quizzes.conftest import build_quiz
from tests.quizzes.test_result_page import take

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
    "/paths/devops-on-aws/devops-mindset/",
    "/paths/devops-on-aws/devops-mindset/what-devops-is/",
]
LEARNER_PAGES = [
    "/",
    "/paths/devops-on-aws/cicd-on-aws/",
    "/paths/devops-on-aws/devops-mindset/the-four-dora-metrics/",
    "/search/?q=pipeline",
    "/progress/",
    "/progress/review/",
    "/accounts/me/",
    "/cohorts/join/",
    "/labs/",
    "/labs/devops-on-aws/containers-on-aws/dockerfile-hardening/",
]


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_public_pages_have_no_serious_accessibility_violation(page, live_server, live_curriculum):
    problems = {}
    for url in PUBLIC_PAGES:
        page.goto(live_server.url + url)
        if found := serious_violations(page):
            problems[url] = found
    assert problems == {}


def test_learner_pages_have_no_serious_accessibility_violation(page, live_server, live_curriculum):
    make_user("ally", display_name="Ally")
    login(page, live_server, "ally", PASSWORD)
    problems = {}
    for url in LEARNER_PAGES:
        page.goto(live_server.url + url)
        if found := serious_violations(page):
            problems[url] = found
    assert problems == {}


def test_the_result_practice_and_review_states_have_no_serious_accessibility_violation(
    page, live_server, live_curriculum
):
    """The states added for 'what next' after a quiz: the result showing only the missed questions,
    practising them (question and feedback), the review page offering practice while nothing is due,
    and a passed result with its next steps."""
    ally = make_user("ally", display_name="Ally")
    failed = take(ally, build_quiz(slug="axe-failed"))
    passed = take(
        ally, build_quiz(kinds=[QuestionKind.SINGLE], slug="axe-passed"), dict.fromkeys(QuestionKind, "right")
    )
    login(page, live_server, "ally", PASSWORD)
    problems = {}

    def scan(label):
        if found := serious_violations(page):
            problems[label] = found

    page.goto(f"{live_server.url}/quizzes/attempts/{failed.public_id}/?show=missed")
    scan("result, missed only")
    page.get_by_role("link", name=re.compile("^Review what I missed")).click()
    scan("practice question")
    page.locator("#practice-panel input[type=checkbox], #practice-panel input[type=radio]").first.check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#practice-panel .feedback")).to_be_visible()
    scan("practice feedback")
    page.goto(f"{live_server.url}/progress/review/")
    expect(page.get_by_role("link", name=re.compile("^Practise .* now$"))).to_be_visible()
    scan("review offering practice")
    page.goto(f"{live_server.url}/quizzes/attempts/{passed.public_id}/")
    expect(page.locator(".next-steps")).to_be_visible()
    scan("passed result with next steps")
    assert problems == {}
