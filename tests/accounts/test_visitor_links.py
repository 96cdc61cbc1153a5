"""Every "Sign up" and "Log in" link a visitor meets leads to the right page and back (issue 14): a
locked module's "Sign up to unlock this module" goes to sign-up, not to log in, and after signing up
the visitor is on that module; each link keeps the page to come back to (``next``), also from the
sign-up page to the log-in page and back, and in the header of those two pages."""

import re
from html import unescape

import pytest
from django.test import override_settings

from tests.accounts.test_throttles import SMALL

pytestmark = pytest.mark.django_db

PATH = "/paths/devops-on-aws/"
FIRST = PATH + "devops-mindset/"
LOCKED = PATH + "cicd-on-aws/"
LESSON = FIRST + "what-devops-is/"
LOCKED_LESSON = LOCKED + "source-control-strategies/"
NEW = {
    "username": "newbie",
    "email": "newbie@example.com",
    "display_name": "New Bie",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def links(html: str, text: str) -> list[str]:
    """The addresses of the links whose text is ``text``."""
    return [
        unescape(href)
        for href, inner in re.findall(r'<a [^>]*?href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
        if re.sub(r"<[^>]+>", "", inner).strip() == text
    ]


def test_a_locked_modules_sign_up_link_leads_to_sign_up_and_back_to_the_module(client, curriculum):
    html = client.get(PATH).content.decode()

    unlock = links(html, "Sign up, then finish those to open it.")
    assert len(unlock) == 5 and f"/accounts/signup/?next={LOCKED}" in unlock
    page = client.get(f"/accounts/signup/?next={LOCKED}").content.decode()
    assert "Sign up, or log in, to open that page." in page
    assert f'<input type="hidden" name="next" value="{LOCKED}">' in page
    response = client.post(f"/accounts/signup/?next={LOCKED}", {**NEW, "next": LOCKED})
    assert response.status_code == 302 and response.url == LOCKED


def test_opening_a_locked_module_or_its_lesson_asks_a_visitor_to_sign_up(client, curriculum):
    for url in (LOCKED, LOCKED_LESSON):
        response = client.get(url)
        assert response.status_code == 302 and response.url == f"/accounts/signup/?next={url}"


def test_sign_up_and_log_in_link_to_each_other_keeping_the_page_to_come_back_to(client, curriculum):
    signup = client.get(f"/accounts/signup/?next={LOCKED}").content.decode()
    login = client.get(f"/accounts/login/?next={LOCKED}").content.decode()

    assert links(signup, "Log in") == [f"/accounts/login/?next={LOCKED}"] * 2  # the header's and the form's
    assert links(signup, "Sign up") == [f"/accounts/signup/?next={LOCKED}"]  # the header's, not itself
    assert links(login, "Create an account") == [f"/accounts/signup/?next={LOCKED}"]
    assert links(login, "Sign up") == [f"/accounts/signup/?next={LOCKED}"]


def test_every_sign_up_link_on_the_visitors_pages_comes_back_to_the_page(client, curriculum):
    path = client.get(PATH).content.decode()
    module = client.get(FIRST).content.decode()
    lesson = client.get(LESSON).content.decode()

    assert links(path, "Sign up to track your progress") == [f"/accounts/signup/?next={PATH}"]
    assert links(path, "Sign up") == [f"/accounts/signup/?next={PATH}"]  # the header's
    assert links(module, "Sign up") == [f"/accounts/signup/?next={FIRST}"] * 2  # the header's, the quiz's
    assert links(lesson, "Sign up") == [f"/accounts/signup/?next={LESSON}"] * 2  # the header's, the banner's
    home = client.get("/").content.decode()
    assert links(home, "Log in") == ["/accounts/login/"]  # the home page is where both land anyway


@override_settings(ACCOUNT_THROTTLES=SMALL)
def test_a_refused_sign_up_keeps_the_page_to_come_back_to(client, curriculum):
    for n in range(3):
        client.logout()
        form = {**NEW, "username": f"new{n}", "email": f"new{n}@example.com", "next": LOCKED}
        assert client.post("/accounts/signup/", form, REMOTE_ADDR="10.7.7.7").status_code == 302
    client.logout()
    refused = client.post("/accounts/signup/", {**NEW, "next": LOCKED}, REMOTE_ADDR="10.7.7.7")
    assert refused.status_code == 429
    assert f'<input type="hidden" name="next" value="{LOCKED}">' in refused.content.decode()
