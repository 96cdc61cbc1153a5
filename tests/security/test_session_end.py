"""Requests sent after the session ended or the CSRF token changed (issue 12, points 1 and 2).

Every URL pattern of the site (collected from the URL table, so a new endpoint is covered without
editing this file; every hx-get/hx-post of the templates is one of them) is requested with htmx by
a visitor whose session ended, and every endpoint that takes a POST is posted with a stale CSRF
token. Then the examples: the answer panel, "Start the quiz" and the login after it, the 405 pages.
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from devopslearn.lib.pages import accepts_get, page_at_or_above
from quizzes.attempts import start_attempt
from tests.factories import PASSWORD
from tests.quizzes.conftest import build_quiz
from tests.security import test_access_matrix
from tests.security.test_access_matrix import TABLE, all_url_names, url_for

world = test_access_matrix.world  # the access matrix's fixture: real objects of every kind

SITE_NAMES = sorted(name for name, _params in all_url_names() if not name.startswith("admin:"))
POST_ONLY = sorted(name for name, (get_row, _post) in TABLE.items() if get_row.split()[1] == "405")
STALE = "stale-token-from-before-the-login-in-another-tab-0123456789abcdef01"
SESSION_CHANGED = "Your session changed: reload the page and try again."


def hx(client: Client, method: str, url: str, current: str, **extra):
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{current}", **extra}
    send = client.get if method == "GET" else client.post
    return send(url, {}, headers=headers)


def test_the_endpoints_collected_include_every_hx_get_and_hx_post_named_in_the_templates():
    named = set()
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        named |= set(re.findall(r"""hx-(?:get|post)="\{% url '([\w:-]+)'""", template.read_text()))
    assert named, "the templates name their htmx endpoints with {% url %}"
    assert named <= set(SITE_NAMES)


def test_accepts_get_agrees_with_what_every_url_pattern_answers(world):
    names = dict(all_url_names())
    wrong = []
    for name, (get_row, _post_row) in TABLE.items():
        path = url_for(world, name, names[name]).split("?")[0]
        if accepts_get(path) != (get_row.split()[1] != "405"):
            wrong.append(name)
    assert wrong == []


# --- the session ended: htmx goes to the login page as a whole page, coming back to where it was ---


def needing_a_login() -> list[tuple[str, str]]:
    """(name, method) of every request the access table sends to the login page when anonymous (the
    table holds every URL pattern of the site: tests/security/test_access_matrix.py fails otherwise)."""
    return [
        (name, method)
        for name, rows in TABLE.items()
        for method, row in zip(("GET", "POST"), rows, strict=True)
        if row.split()[0] == "login"
    ]


def test_every_site_url_pattern_is_in_the_access_table():
    assert set(SITE_NAMES) <= set(TABLE)


@pytest.mark.parametrize(("name", "method"), needing_a_login())
def test_an_htmx_request_that_needs_a_login_sends_the_browser_to_log_in_and_back(client, world, name, method):
    url = url_for(world, name, dict(all_url_names())[name])
    current = page_at_or_above(url)  # the page that holds the button or link
    response = hx(client, method, url, current)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["HX-Redirect"] == f"/accounts/login/?next={quote(current)}"
    assert accepts_get(current.split("?")[0])


def test_check_my_answer_after_logging_out_in_another_tab_goes_to_the_login_page_then_back(client, learner):
    quiz = build_quiz(kinds=["single"], count=2)
    attempt = start_attempt(learner, quiz)
    question_page = reverse("quizzes:question", args=[attempt.public_id, 1])
    response = hx(client, "POST", question_page, question_page)  # the session is gone
    assert response.headers["HX-Redirect"] == f"/accounts/login/?next={quote(question_page)}"
    assert b"site-header" not in response.content  # no second header and footer swapped into the panel
    login = client.post(
        f"/accounts/login/?next={question_page}",
        {"username": learner.username, "password": PASSWORD, "next": question_page},
    )
    assert login.url == question_page


def test_mark_as_complete_and_review_buttons_after_the_session_ended_send_to_the_page_they_were_on(client, world):
    slugs = [world["kwargs"]["path_slug"], world["module"].slug, world["lesson"].slug]
    lesson_url, complete = reverse("courses:lesson", args=slugs), reverse("progress:complete", args=slugs)
    response = hx(client, "POST", complete, lesson_url)
    assert response.headers["HX-Redirect"] == f"/accounts/login/?next={quote(lesson_url)}"
    card = reverse("progress:review")
    for name in ("progress:review_answer", "progress:review_rate"):
        endpoint = reverse(name, args=[world["kwargs"]["card_id"]])
        assert hx(client, "POST", endpoint, card).headers["HX-Redirect"] == f"/accounts/login/?next={quote(card)}"


def test_an_htmx_current_url_on_another_site_is_not_used_as_next(client, world):
    url = reverse("progress:review_rate", args=[world["kwargs"]["card_id"]])
    response = client.post(url, {}, headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"})
    card_page = reverse("progress:review_card", args=[world["kwargs"]["card_id"]])  # the page above it
    assert response.headers["HX-Redirect"] == f"/accounts/login/?next={quote(card_page)}"


# --- the CSRF token changed: a notice in place, nothing lost ------------------------------------------


def posting_endpoints() -> list[str]:
    return sorted(name for name, (_get, post_row) in TABLE.items() if post_row.split()[1] != "405")


@pytest.mark.parametrize("name", posting_endpoints())
def test_an_htmx_post_with_a_stale_csrf_token_shows_session_changed_in_place(world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["owner"])
    client.get("/")  # the CSRF cookie of this session
    url = url_for(world, name, dict(all_url_names())[name])
    current = page_at_or_above(url)
    response = hx(client, "POST", url, current, **{"X-CSRFToken": STALE})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "this" and response.headers["HX-Reswap"] == "beforebegin"
    html = response.content.decode()
    assert SESSION_CHANGED in html and f'href="{current}"' in html and 'role="alert"' in html
    assert "<html" not in html  # a notice above the form, never a page inside the page


def test_a_form_posted_without_htmx_with_a_stale_token_gets_a_page_that_says_to_reload(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["owner"])
    client.get("/")
    url = reverse("quizzes:start", args=[world["quiz"].pk])
    quiz_page = reverse("quizzes:quiz", args=[world["quiz"].pk])
    response = client.post(url, {"csrfmiddlewaretoken": STALE}, headers={"Referer": f"http://testserver{quiz_page}"})
    assert response.status_code == 403
    html = response.content.decode()
    assert SESSION_CHANGED in html and f'href="{quiz_page}"' in html


def test_a_valid_token_still_gets_through(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["owner"])
    client.get("/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    url = reverse("quizzes:start", args=[world["quiz"].pk])
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302


# --- POST-only addresses are never the page to return to; every 405 says what to do ------------------


def test_start_the_quiz_after_the_session_ended_returns_to_the_quiz_page_after_login(client, learner):
    quiz = build_quiz(kinds=["single"], count=1)
    quiz_page, start = reverse("quizzes:quiz", args=[quiz.pk]), reverse("quizzes:start", args=[quiz.pk])
    response = client.post(start, {}, headers={"Referer": f"http://testserver{quiz_page}"})
    assert response.url == f"/accounts/login/?next={quote(quiz_page)}"
    # Without a Referer (a privacy setting) the page above the address is the one with the form.
    assert client.post(start, {}).url == f"/accounts/login/?next={quote(quiz_page)}"
    login = client.post(response.url, {"username": learner.username, "password": PASSWORD, "next": quiz_page})
    assert login.url == quiz_page


@pytest.mark.parametrize("name", POST_ONLY)
def test_a_login_whose_next_is_a_post_only_address_lands_on_a_page(client, world, name):
    url = url_for(world, name, dict(all_url_names())[name])
    owner = world["users"]["owner"]
    login_page = client.get(f"/accounts/login/?next={quote(url)}").content.decode()
    assert f'value="{url}"' not in login_page
    response = client.post("/accounts/login/", {"username": owner.username, "password": PASSWORD, "next": url})
    assert response.status_code == 302 and response.url != url
    assert accepts_get(response.url.split("?")[0])


@pytest.mark.parametrize("name", POST_ONLY)
def test_every_405_is_a_page_that_says_what_to_do(client, world, name):
    client.force_login(world["users"]["owner"])
    url = url_for(world, name, dict(all_url_names())[name])
    response = client.get(url)
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    html = response.content.decode()
    back = page_at_or_above(url)
    assert "use its button again" in html and f'href="{back}"' in html and back != url


def test_get_on_quiz_start_points_to_the_quiz_page(learner_client):
    quiz = build_quiz(kinds=["single"], count=1)
    response = learner_client.get(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 405
    assert f'href="{reverse("quizzes:quiz", args=[quiz.pk])}"' in response.content.decode()
