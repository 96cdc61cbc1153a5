"""Changing the e-mail address (issue 20.5): the password is asked for, and the new address takes
effect only when the link mailed to it is opened; sign-up confirms its address the same way."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def change_email(client, user, email, password=PASSWORD):
    data = {"display_name": user.display_name, "email": email, "time_zone": user.time_zone, "password": password}
    return client.post("/accounts/me/", data)


def link_in(message) -> str:
    return re.search(r"https://learn\.example\.com(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def test_changing_the_address_without_the_password_changes_nothing(learner_client, learner):
    response = change_email(learner_client, learner, "thief@evil.example", password="")
    assert response.status_code == 200
    assert "Enter your password to change your e-mail address." in response.content.decode()
    response = change_email(learner_client, learner, "thief@evil.example", password="a guess")
    assert response.status_code == 200
    learner.refresh_from_db()
    assert (learner.email, learner.pending_email) == ("learner1@example.com", "") and mail.outbox == []


def test_a_new_address_takes_effect_only_when_its_link_is_opened(client, learner_client, learner):
    assert change_email(learner_client, learner, "lan@new.example").status_code == 302
    learner.refresh_from_db()
    assert (learner.email, learner.pending_email) == ("learner1@example.com", "lan@new.example")
    notice, confirm = mail.outbox
    assert notice.to == ["learner1@example.com"] and "lan@new.example" in notice.body  # the old address is told
    assert confirm.to == ["lan@new.example"]
    # A password reset still goes to the confirmed address meanwhile.
    client.post("/accounts/password-reset/", {"email": "lan@new.example"})
    assert len(mail.outbox) == 2
    link = link_in(confirm)
    page = client.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "Confirm this address" in page.content.decode()
    learner.refresh_from_db()
    assert learner.email == "learner1@example.com"
    assert client.post(link).status_code == 302
    learner.refresh_from_db()
    assert (learner.email, learner.pending_email) == ("lan@new.example", "")
    assert client.post(link).status_code == 400  # used up


def test_an_older_link_stops_working_when_a_newer_address_is_asked_for(client, learner_client, learner):
    change_email(learner_client, learner, "first@new.example")
    first = link_in(mail.outbox[-1])
    change_email(learner_client, learner, "second@new.example")
    assert client.post(first).status_code == 400
    learner.refresh_from_db()
    assert learner.email == "learner1@example.com"


def test_a_forged_or_expired_link_is_refused(client, learner_client, learner):
    assert client.get("/accounts/confirm-email/not-a-token/").status_code == 400
    change_email(learner_client, learner, "lan@new.example")
    link = link_in(mail.outbox[-1])
    with override_settings(SECRET_KEY="another-secret-key-" + "y" * 40):
        assert client.post(link).status_code == 400


def test_an_address_another_account_confirmed_meanwhile_is_refused_at_confirmation(client, learner_client, learner):
    change_email(learner_client, learner, "shared@new.example")
    link = link_in(mail.outbox[-1])
    make_user("quicker", email="Shared@New.Example")
    response = client.post(link)
    assert response.status_code == 409 and "already belongs to another account" in response.content.decode()
    learner.refresh_from_db()
    assert learner.email == "learner1@example.com"


def test_sign_up_logs_in_and_the_address_waits_for_its_link(client):
    client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    user = User.objects.get(username="newbie")
    assert (user.email, user.pending_email) == ("", "newbie@example.com")
    assert "Waiting for confirmation" in client.get("/accounts/me/").content.decode()
    assert client.post(link_in(mail.outbox[-1])).status_code == 302
    user.refresh_from_db()
    assert user.email == "newbie@example.com"


def test_at_most_five_confirmation_mails_reach_one_address_an_hour(learner_client, learner):
    for n in range(7):
        change_email(learner_client, learner, "target@victim.example" if n % 2 else "TARGET@victim.example")
    assert len([m for m in mail.outbox if m.to[0].lower() == "target@victim.example"]) == 5


def test_a_confirmation_link_works_for_three_days(client, learner_client, learner, time_machine):
    time_machine.move_to("2026-11-01 10:00:00+00:00")
    change_email(learner_client, learner, "lan@new.example")
    link = link_in(mail.outbox[-1])
    time_machine.move_to("2026-11-04 10:00:01+00:00")
    assert client.get(link).status_code == 400
    time_machine.move_to("2026-11-04 09:59:00+00:00")
    assert client.post(link).status_code == 302
