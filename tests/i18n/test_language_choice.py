"""Which language a page speaks: the browser's Accept-Language for a visitor, the header's switcher
(Django's set_language: a cookie, no JavaScript needed) for anybody, and the account's preference
for a signed-in learner, which the switcher also sets. Every page says its language in <html lang>."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_path

VI = {"Accept-Language": "vi,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture
def path(db):
    return make_path(modules=2, lessons=1, slug="lang-path")


def html_lang(page: str) -> str:
    start = page.index('<html lang="') + len('<html lang="')
    return page[start : page.index('"', start)]


def test_a_visitor_gets_the_language_of_their_browser(client, path):
    vi = client.get("/", headers=VI)
    assert html_lang(vi.text) == "vi" and vi["Content-Language"] == "vi"
    assert "Lộ trình học" in vi.text and "Đăng nhập" in vi.text
    assert "Accept-Language" in vi["Vary"]
    en = client.get("/", headers=EN)
    assert html_lang(en.text) == "en" and "Learning path" in en.text


def test_a_language_nobody_translated_falls_back_to_english(client, path):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert html_lang(page.text) == "en" and "Log in" in page.text


def test_the_switcher_is_a_plain_form_on_every_page(client, path):
    page = client.get("/accounts/login/", headers=EN).text
    form = page[page.index('<form class="language-switcher"') :]
    form = form[: form.index("</form>")]
    assert f'action="{reverse("accounts:set_language")}"' in form and 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form and 'name="next" value="/accounts/login/"' in form
    assert 'value="vi" lang="vi"' in form and ">Tiếng Việt</button>" in form  # each language in its own words
    assert 'value="en" lang="en" class="language-option" aria-pressed="true"' in form


def test_the_switcher_remembers_the_choice_over_the_browser(client, path):
    answer = client.post(reverse("accounts:set_language"), {"language": "vi", "next": "/modules/m1/"}, headers=EN)
    assert answer.status_code == 302 and answer["Location"] == "/modules/m1/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    page = client.get("/", headers=EN)
    assert html_lang(page.text) == "vi" and "Lộ trình học" in page.text
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"}, headers=VI)
    assert html_lang(client.get("/", headers=VI).text) == "en"


def test_the_switcher_comes_back_to_the_query_too_unless_it_is_huge(client, learner, path):
    client.force_login(learner)
    page = client.get("/search/", {"q": "canary"}).text
    assert 'name="next" value="/search/?q=canary"' in page
    huge = client.get("/search/", {"q": "x" * 100_000})
    assert 'name="next" value="/search/"' in huge.text and len(huge.content) < 150_000


def test_the_switcher_on_the_login_page_goes_back_to_the_login_page(client, path):
    """Not mistaken for login_required's redirect (which always carries a next=)."""
    answer = client.post(reverse("accounts:set_language"), {"language": "vi", "next": "/accounts/login/"})
    assert answer["Location"] == "/accounts/login/"


def test_the_switcher_refuses_unknown_languages_and_foreign_next_pages(client, path):
    answer = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies
    assert client.get(reverse("accounts:set_language")).status_code == 405


def test_the_switcher_needs_the_csrf_token(path):
    client = Client(enforce_csrf_checks=True)
    answer = client.post(reverse("accounts:set_language"), {"language": "vi", "next": "/"})
    assert answer.status_code == 403 and settings.LANGUAGE_COOKIE_NAME not in answer.cookies


def test_a_learner_who_switches_keeps_the_language_on_any_device(client, learner, path):
    client.force_login(learner)
    client.post(reverse("accounts:set_language"), {"language": "vi", "next": "/"}, headers=EN)
    learner.refresh_from_db()
    assert learner.language == "vi"
    other_device = Client()
    other_device.force_login(learner)
    page = other_device.get(reverse("progress:mine"), headers=EN)
    assert html_lang(page.text) == "vi" and "Tiến độ của tôi" in page.text


def test_the_preference_wins_over_the_browser_and_blank_follows_it(client, learner, path):
    learner.language = "vi"
    learner.save()
    client.force_login(learner)
    assert html_lang(client.get("/", headers=EN).text) == "vi"
    learner.language = ""
    learner.save()
    assert html_lang(client.get("/", headers=EN).text) == "en"
    assert html_lang(client.get("/", headers=VI).text) == "vi"


def test_the_account_page_sets_the_preference(client, learner, path):
    client.force_login(learner)
    page = client.get(reverse("accounts:account"), headers=EN).text
    assert '<select name="language"' in page and '<option value="" selected>The browser' in page
    data = {"display_name": "", "email": learner.email, "time_zone": learner.time_zone, "language": "vi"}
    answer = client.post(reverse("accounts:account"), data, headers=EN, follow=True)
    learner.refresh_from_db()
    assert learner.language == "vi"
    assert html_lang(answer.text) == "vi" and "Đã cập nhật tài khoản." in answer.text
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"  # the switcher agrees
    bad = client.post(reverse("accounts:account"), {**data, "language": "klingon"}, headers=EN)
    assert bad.status_code == 200 and "klingon" in bad.text  # a form error, not a 500
    learner.refresh_from_db()
    assert learner.language == "vi"


def test_the_language_choice_is_part_of_the_data_export(client, learner):
    learner.language = "vi"
    learner.save()
    client.force_login(learner)
    answer = client.get(reverse("privacy-export"))
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    data = json.loads(body)
    assert data["account"]["language"] == "vi"


@pytest.mark.parametrize("url", ["/no-such-page/", "/modules/no-such-module/"])
def test_error_pages_say_their_language_too(client, path, url):
    page = client.get(url, headers=VI)
    assert page.status_code == 404 and html_lang(page.text) == "vi" and "Không tìm thấy trang" in page.text
