"""Changing the e-mail address (issue 20.5): the password is asked for, and the new address takes
effect only when the link mailed to it is opened; sign-up confirms its address the same way."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

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


# --- a new account's page while its address waits; what a link that does not work says (issue 14) ----


def sign_up(client, username="newbie", email="newbie@example.com"):
    client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email,
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    return User.objects.get(username=username)


def test_a_new_account_saves_its_page_while_its_address_waits_for_its_link(client):
    user = sign_up(client)
    mails = len(mail.outbox)
    page = client.get("/accounts/me/").content.decode()
    assert 'value="newbie@example.com"' in page  # the waiting address, not an empty required field
    data = {"display_name": "Newbie Nguyen", "email": "newbie@example.com", "time_zone": "Asia/Ho_Chi_Minh"}
    response = client.post("/accounts/me/", data)  # no password: the waiting address is not a change
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.time_zone) == ("Newbie Nguyen", "Asia/Ho_Chi_Minh")
    assert (user.email, user.pending_email) == ("", "newbie@example.com")
    assert len(mail.outbox) == mails  # nothing mailed again
    assert "Your account was updated." in client.get("/accounts/me/").content.decode()


def test_a_new_account_still_needs_its_password_to_ask_for_another_address(client):
    user = sign_up(client)
    data = {"display_name": "", "email": "other@example.com", "time_zone": "UTC"}
    response = client.post("/accounts/me/", data)
    assert "Enter your password to change your e-mail address." in response.content.decode()
    user.refresh_from_db()
    assert user.pending_email == "newbie@example.com"


def test_the_waiting_address_retyped_by_a_confirmed_account_is_not_a_change(learner_client, learner):
    change_email(learner_client, learner, "lan@new.example")
    mails = len(mail.outbox)
    assert change_email(learner_client, learner, "lan@new.example", password="").status_code == 302
    assert len(mail.outbox) == mails
    assert 'value="learner1@example.com"' in learner_client.get("/accounts/me/").content.decode()


def problem_of(response) -> str:
    assert response.status_code == 400
    return response.content.decode()


def test_a_link_cut_when_copied_is_called_incomplete_not_old(client, learner_client, learner):
    change_email(learner_client, learner, "lan@new.example")
    link = link_in(mail.outbox[-1])
    for broken in (
        link[:-12] + "/",
        link.replace("/confirm-email/", "/confirm-email/3D"),
        "/accounts/confirm-email/x/",
    ):
        page = problem_of(client.get(broken))
        assert "incomplete or was changed" in page and "older than" not in page, broken


def test_a_link_used_already_says_so(client, learner_client, learner):
    change_email(learner_client, learner, "lan@new.example")
    link = link_in(mail.outbox[-1])
    client.post(link)
    page = problem_of(client.get(link))
    assert "This link was used already" in page and "older than" not in page


def test_a_link_replaced_by_a_newer_request_says_so(client, learner_client, learner):
    change_email(learner_client, learner, "first@new.example")
    first = link_in(mail.outbox[-1])
    change_email(learner_client, learner, "second@new.example")
    assert "a newer address was asked for since" in problem_of(client.get(first))


def test_an_old_link_says_it_is_too_old(client, learner_client, learner, time_machine):
    time_machine.move_to("2026-11-01 10:00:00+00:00")
    change_email(learner_client, learner, "lan@new.example")
    link = link_in(mail.outbox[-1])
    time_machine.move_to("2026-11-05 10:00:00+00:00")
    assert "This link is older than 3 days" in problem_of(client.get(link))


def reset_link(client, email="learner1@example.com") -> str:
    client.post("/accounts/password-reset/", {"email": email})
    return re.search(r"https://learn\.example\.com(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.outbox[-1].body).group(1)


def test_a_password_reset_link_says_why_it_does_not_work(client, learner, time_machine):
    time_machine.move_to("2026-11-01 10:00:00+00:00")
    link = reset_link(client)
    cut = problem_of_page(client.get(link[:-6] + "/"))
    assert "incomplete or was changed" in cut and "too old" not in cut
    assert "incomplete or was changed" in problem_of_page(client.get("/accounts/reset/zz/set-password/"))
    time_machine.move_to("2026-11-05 10:00:00+00:00")
    assert "This link is too old" in problem_of_page(client.get(link))
    time_machine.move_to("2026-11-01 10:05:00+00:00")
    opened = client.get(link, follow=True)
    assert "Choose a new password" in opened.content.decode()
    form = {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"}
    assert client.post(opened.redirect_chain[-1][0], form).status_code == 302
    used = problem_of_page(Client().get(link))
    assert "This link was used already" in used and "too old" not in used


def problem_of_page(response) -> str:
    page = response.content.decode()
    assert "This link no longer works" in page
    return page


def test_the_console_backend_prints_links_that_can_be_copied(learner_client, learner):
    import io

    from devopslearn.lib.console_mail import EmailBackend

    stream = io.StringIO()
    learner.display_name = "Nguyễn Thị Lan"
    learner.save()
    change_email(learner_client, learner, "lan@new.example")
    message = mail.outbox[-1]
    EmailBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    link = link_in(message)
    assert f"https://learn.example.com{link}" in printed  # whole, on one line
    assert "=\n" not in printed and "=3D" not in printed
    assert "Content-Transfer-Encoding: 8bit" in printed or "Content-Transfer-Encoding: 7bit" in printed
