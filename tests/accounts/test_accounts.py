import pytest
from django.core import mail

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "display_name": "New Bie",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_signup_creates_the_account_and_logs_in(client):
    response = signup(client)
    assert response.status_code == 302 and response.url == "/"
    user = User.objects.get(username="newbie")
    assert user.time_zone == "Asia/Ho_Chi_Minh"
    assert client.get("/progress/").status_code == 200


def test_signup_answers_the_same_when_the_address_already_has_an_account(client, learner):
    taken = signup(client, email=learner.email.upper())
    client.logout()
    fresh = signup(client, username="newbie2", email="fresh@example.com")
    assert taken.status_code == fresh.status_code == 302 and taken.url == fresh.url
    assert User.objects.get(username="newbie").email == "" and User.objects.get(username="newbie2").email == ""
    # The mailbox, not the page, says which: the owner of the taken address reads a notice.
    notice, link = mail.outbox
    assert notice.to == [learner.email.upper()] and "already belongs to another account" in notice.body
    assert link.to == ["fresh@example.com"] and "/accounts/confirm-email/" in link.body


def test_signup_applies_the_password_validators(client):
    response = signup(client, password1="12345678", password2="12345678")
    assert "too common" in response.content.decode() or "entirely numeric" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_login_lands_on_the_learning_path(client, learner, curriculum):
    response = client.post("/accounts/login/", {"username": learner.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"


def test_pages_that_need_a_login_redirect_there_and_back(client, learner):
    response = client.get("/progress/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/progress/"
    response = client.post(
        "/accounts/login/?next=/progress/", {"username": learner.username, "password": PASSWORD, "next": "/progress/"}
    )
    assert response.url == "/progress/"


def test_login_ignores_a_next_url_on_another_site(client, learner):
    response = client.post(
        "/accounts/login/", {"username": learner.username, "password": PASSWORD, "next": "https://evil.example.com/"}
    )
    assert response.url == "/"


def test_logout_needs_a_post(learner_client):
    assert learner_client.get("/accounts/logout/").status_code == 405
    response = learner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert learner_client.get("/progress/").status_code == 302


def test_account_page_updates_profile_and_time_zone(learner_client, learner):
    response = learner_client.post(
        "/accounts/me/", {"display_name": "Lan N.", "email": learner.email, "time_zone": "Europe/Paris"}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.display_name, learner.time_zone) == ("Lan N.", "Europe/Paris")


def test_account_page_rejects_an_unknown_time_zone(learner_client, learner):
    response = learner_client.post(
        "/accounts/me/", {"display_name": "X", "email": learner.email, "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    learner.refresh_from_db()
    assert learner.time_zone == "Asia/Ho_Chi_Minh"


def test_password_change(learner_client, learner):
    response = learner_client.post(
        "/accounts/me/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("another-long-passphrase")


def test_password_reset_does_not_reveal_whether_an_account_exists(client, learner):
    known = client.post("/accounts/password-reset/", {"email": learner.email})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1 and learner.email in mail.outbox[0].to


def test_display_name_falls_back_to_the_username(learner):
    learner.display_name = ""
    assert learner.shown_name == learner.username


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("\u202eevil\u202c Ngọc", "evil Ngọc"),  # a right-to-left override: it showed as "live Ngọc"
        ("Lan\u200b\u200bN.", "LanN."),  # zero-width spaces
        ("\u2067Minh\u2069", "Minh"),  # an isolate
        ("\ufeff Ana", "Ana"),  # a byte-order mark, then the space it hid
        ("👩\u200d💻 Dev", "👩\u200d💻 Dev"),  # a joiner is how the emoji is written: kept
    ],
)
def test_a_display_name_keeps_no_invisible_character_that_changes_how_it_reads(learner_client, learner, typed, kept):
    response = learner_client.post("/accounts/me/", {"display_name": typed, "email": learner.email, "time_zone": "UTC"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.display_name == kept


def test_a_name_stored_before_the_rule_shows_without_its_invisible_characters(learner):
    type(learner).objects.filter(pk=learner.pk).update(display_name="\u202eevil\u202c")
    learner.refresh_from_db()
    assert learner.shown_name == "evil"
    type(learner).objects.filter(pk=learner.pk).update(display_name="\u200b")
    learner.refresh_from_db()
    assert learner.shown_name == learner.username  # nothing visible left: the username


def test_a_failed_login_says_which_field_cares_about_case(client, learner):
    """Usernames are found however they are spelled; Django's message said both fields may be
    case-sensitive (and the Vietnamese said they are)."""
    response = client.post("/accounts/login/", {"username": learner.username.upper(), "password": "wrong"})
    assert "The password is case-sensitive; the username is not." in response.content.decode()
    assert "may be case-sensitive" not in response.content.decode()
    ok = client.post("/accounts/login/", {"username": learner.username.upper(), "password": PASSWORD})
    assert ok.status_code == 302
