"""axe-core scans of every page: no serious or critical violation. Later pages join the list."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import login
from tests.factories import PASSWORD, make_user

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
