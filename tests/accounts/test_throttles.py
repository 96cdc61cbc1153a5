"""Limits per client address across usernames (login, sign-up, password reset) and per account,
links built from SITE_URL, and sign-up and reset answering alike for any address (issue 20.5)."""

import time

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import override_settings

from accounts.models import ThrottleEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SMALL = {
    "login-address": (5, 900),
    "signup-address": (3, 3600),
    "reset-address": (4, 3600),
    "reset-account": (2, 3600),
    "mail-address": (5, 3600),
}
TOO_MANY = "Too many attempts from your network. Please try again in"


def login(client, username, password, address):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def signup(client, n, address):
    client.logout()
    data = {
        "username": f"new{n}",
        "email": f"new{n}@example.com",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
    }
    return client.post("/accounts/signup/", data, REMOTE_ADDR=address)


@override_settings(ACCOUNT_THROTTLES=SMALL)
def test_random_usernames_from_one_address_are_refused_before_any_password_is_checked(client, learner):
    for n in range(5):
        assert login(client, f"random{n}", "guess", "10.3.3.3").status_code == 200
    attempts = AccessAttempt.objects.count()
    refused = login(client, learner.username, PASSWORD, "10.3.3.3")  # even a right password
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert TOO_MANY in refused.content.decode() and "15 minutes" in refused.content.decode()
    assert AccessAttempt.objects.count() == attempts  # not even counted: no password was checked
    assert "_auth_user_id" not in client.session
    assert login(client, learner.username, PASSWORD, "10.4.4.4").status_code == 302  # another address


@override_settings(ACCOUNT_THROTTLES=SMALL)
def test_the_login_limit_ends_with_its_window(client, learner, time_machine):
    time_machine.move_to("2026-11-29 10:00:00+00:00")
    for n in range(5):
        login(client, f"random{n}", "guess", "10.3.3.3")
    assert login(client, learner.username, PASSWORD, "10.3.3.3").status_code == 429
    time_machine.move_to("2026-11-29 10:15:01+00:00")
    assert login(client, learner.username, PASSWORD, "10.3.3.3").status_code == 302


@override_settings(ACCOUNT_THROTTLES=SMALL)
def test_sign_ups_from_one_address_are_limited_with_a_plain_message(client):
    for n in range(3):
        assert signup(client, n, "10.5.5.5").status_code == 302
    refused = signup(client, 9, "10.5.5.5")
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert signup(client, 10, "10.6.6.6").status_code == 302


@override_settings(ACCOUNT_THROTTLES=SMALL)
def test_password_reset_is_limited_per_address_and_per_account(client, learner):
    for _ in range(3):
        assert (
            client.post("/accounts/password-reset/", {"email": learner.email}, REMOTE_ADDR="10.7.7.7").status_code
            == 302
        )
    assert len(mail.outbox) == 2  # the account's limit: the third request answers alike, and mails nothing
    client.post("/accounts/password-reset/", {"email": "someone@example.com"}, REMOTE_ADDR="10.7.7.7")
    refused = client.post("/accounts/password-reset/", {"email": learner.email}, REMOTE_ADDR="10.7.7.7")
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    # From another address the account's own limit still holds.
    assert client.post("/accounts/password-reset/", {"email": learner.email}, REMOTE_ADDR="10.8.8.8").status_code == 302
    assert len(mail.outbox) == 2


def test_sixty_reset_requests_in_a_row_send_three_mails(client, learner):
    for n in range(60):
        client.post("/accounts/password-reset/", {"email": learner.email}, REMOTE_ADDR=f"10.9.{n}.1")
    assert len(mail.outbox) == 3


def test_the_reset_link_comes_from_site_url_not_from_the_host_header(client, learner):
    client.post("/accounts/password-reset/", {"email": learner.email}, HTTP_HOST="127.0.0.1:6666")
    (message,) = mail.outbox
    assert "https://learn.example.com/accounts/reset/" in message.body
    assert "6666" not in message.body and "127.0.0.1" not in message.body


def test_the_throttle_stores_no_address_or_name(client, learner):
    login(client, learner.username, "wrong", "10.11.12.13")
    client.post("/accounts/password-reset/", {"email": learner.email}, REMOTE_ADDR="10.11.12.13")
    stored = " ".join(f"{e.scope} {e.key}" for e in ThrottleEvent.objects.all())
    assert (
        stored and "10.11.12.13" not in stored and learner.email not in stored and str(learner.pk) not in stored.split()
    )


@override_settings(ACCOUNT_ANSWER_SECONDS=0.4)
def test_reset_and_sign_up_take_the_same_time_whether_or_not_the_address_has_an_account(client, learner):
    def timed(url, data):
        client.logout()
        started = time.perf_counter()
        response = client.post(url, data)
        return response, time.perf_counter() - started

    known, known_time = timed("/accounts/password-reset/", {"email": learner.email})
    unknown, unknown_time = timed("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert known.url == unknown.url
    assert known_time >= 0.4 and unknown_time >= 0.4 and abs(known_time - unknown_time) < 0.25
    data = {"password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase"}
    taken, taken_time = timed("/accounts/signup/", {**data, "username": "a1", "email": learner.email})
    fresh, fresh_time = timed("/accounts/signup/", {**data, "username": "a2", "email": "fresh@example.com"})
    assert taken.status_code == fresh.status_code == 302 and taken.url == fresh.url
    assert taken_time >= 0.4 and fresh_time >= 0.4 and abs(taken_time - fresh_time) < 0.25


@override_settings(ACCOUNT_THROTTLES=SMALL)
def test_the_admin_login_is_held_by_the_same_limit_per_address(client, superuser):
    for n in range(5):
        login(client, f"random{n}", "guess", "10.13.13.13")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": superuser.username, "password": PASSWORD},
        REMOTE_ADDR="10.13.13.13",
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert (
        client.post(
            "/admin/login/?next=/admin/",
            {"username": superuser.username, "password": PASSWORD},
            REMOTE_ADDR="10.14.1.1",
        ).status_code
        == 302
    )
