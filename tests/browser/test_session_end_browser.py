"""The session ends, or the CSRF token changes, in another tab while a question is open (issue 12.1)."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from quizzes.attempts import start_attempt
from tests.browser.conftest import login
from tests.factories import PASSWORD, make_user
from tests.quizzes.conftest import build_quiz

pytestmark = pytest.mark.browser


def open_question(page, live_server, kinds):
    user = make_user("kim", display_name="Kim")
    quiz = build_quiz(kinds=kinds, count=1)
    attempt = start_attempt(user, quiz)
    login(page, live_server, "kim", PASSWORD)
    url = f"/quizzes/attempts/{attempt.public_id}/q/1/"
    page.goto(live_server.url + url)
    return url


def log_out_in_another_tab(page, live_server):
    other = page.context.new_page()  # same cookies: a second tab
    other.goto(f"{live_server.url}/")
    other.locator("details.menu summary").click()  # the account menu
    other.get_by_role("button", name="Log out").click()
    other.wait_for_url(f"{live_server.url}/")
    return other


def test_checking_an_answer_after_logging_out_elsewhere_goes_to_the_login_page_and_back(
    page, live_server, live_curriculum, console_errors
):
    url = open_question(page, live_server, ["single"])
    log_out_in_another_tab(page, live_server)
    page.get_by_label(re.compile("right option")).check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/?next={quote(url)}")
    expect(page.locator("header.site-header")).to_have_count(1)  # a whole login page, not one inside the panel
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + url)
    expect(page.get_by_role("button", name="Check my answer")).to_be_visible()
    assert console_errors == []


def test_answering_after_logging_out_and_in_elsewhere_says_reload_and_keeps_what_was_typed(
    page, live_server, live_curriculum
):
    url = open_question(page, live_server, ["short_text"])
    other = log_out_in_another_tab(page, live_server)
    login(other, live_server, "kim", PASSWORD)  # a new session: a new CSRF token
    page.locator("#answer-input").fill("my careful answer")
    page.get_by_role("button", name="Check my answer").click()
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("Your session changed: reload the page and try again.")
    expect(page.locator("#answer-input")).to_have_value("my careful answer")  # nothing typed is lost
    assert page.url == live_server.url + url
    page.get_by_role("link", name="Reload the page").click()
    page.wait_for_url(live_server.url + url)
    page.locator("#answer-input").fill("buildspec.yml")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#answer-panel")).to_contain_text("Correct")
