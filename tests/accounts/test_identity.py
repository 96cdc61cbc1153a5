"""Usernames and e-mail addresses are one account under Unicode NFKC + case folding (issue 12.4),
on SQLite and PostgreSQL alike: at sign-up, login, password reset, in the admin and in the login
throttle, guarded by the database."""

import unicodedata

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import User, identity_key
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def signup(client, username, email=None):
    client.logout()
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email or f"{abs(hash(username))}@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )


def refused(response) -> bool:
    return response.status_code == 200 and "A user with that username already exists." in response.content.decode()


# The examples of the issue and the languages it names, each as (first spelling, later spellings).
SAME_ACCOUNT = [
    ("minh123", ["MINH123", "Minh123"]),
    ("đức123", ["Đức123", "ĐỨC123"]),  # Vietnamese: SQLite's NOCASE folds ASCII only
    ("José7", ["JOSÉ7", "jose\u0301" + "7", "JOSE\u0301" + "7"]),  # composed and decomposed accents
    ("straße", ["STRASSE", "Strasse", "STRAẞE"]),  # German ß folds to ss
    ("ｍｉｎｈ９", ["minh9", "MINH9"]),  # full-width letters and digits are the same letters
    ("istanbul", ["ISTANBUL"]),
]
DIFFERENT_ACCOUNTS = [
    ("kırmızı", "KIRMIZI"),  # Turkish dotless ı is a letter of its own (Unicode's default folding)
    ("kirmizi", "kırmızı"),
    ("istanbul", "İstanbul"),  # dotted capital İ folds to i + combining dot, not to i
    ("duc", "đức"),
]


@pytest.mark.parametrize(("first", "others"), SAME_ACCOUNT)
def test_every_spelling_of_a_taken_username_is_refused_at_sign_up(client, first, others):
    assert signup(client, first).status_code == 302
    for other in others:
        assert refused(signup(client, other)), other
    assert User.objects.count() == 1


@pytest.mark.parametrize(("one", "other"), DIFFERENT_ACCOUNTS)
def test_letters_that_only_look_alike_are_different_accounts(client, one, other):
    assert signup(client, one).status_code == 302
    assert signup(client, other).status_code == 302
    assert User.objects.count() == 2


def test_a_decomposed_spelling_signs_up_as_its_composed_form_and_logs_in_either_way(client):
    decomposed = "Jose\u0301"
    assert signup(client, decomposed).status_code == 302
    user = User.objects.get()
    assert user.username == "José" and unicodedata.is_normalized("NFC", user.username)
    client.logout()
    for spelling in ("José", "jose\u0301", "JOSÉ"):
        response = client.post("/accounts/login/", {"username": spelling, "password": "a-long-unusual-passphrase"})
        assert response.status_code == 302, spelling
        client.logout()


@pytest.mark.parametrize(("first", "others"), SAME_ACCOUNT)
def test_any_spelling_of_the_name_logs_in_to_the_one_account(client, first, others):
    user = make_user(unicodedata.normalize("NFKC", first))
    for spelling in others:
        response = client.post("/accounts/login/", {"username": spelling, "password": PASSWORD})
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk), spelling
        client.logout()


def test_the_database_refuses_a_second_spelling_even_without_the_forms():
    make_user("đức123")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("ĐỨC123")
    make_user("lan", email="lan@Đức.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("lan2", email="LAN@ĐỨC.EXAMPLE")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(username="ĐứC123", email="x@example.com")])


def test_keys_follow_a_renamed_account_and_bulk_created_ones():
    user = make_user("Lan")
    user.username = "ĐỨC"
    user.save(update_fields=["username"])
    assert User.objects.get(pk=user.pk).username_key == "đức"
    User.objects.bulk_create([User(username="STRASSE", email="S@Example.com")])
    created = User.objects.get(username="STRASSE")
    assert (created.username_key, created.email_key) == ("strasse", "s@example.com")
    assert identity_key("ＡＢＣ") == "abc"


def test_password_reset_finds_the_account_by_any_spelling_of_its_address(client):
    make_user("duc", email="lan@đức.example")
    client.post("/accounts/password-reset/", {"email": "LAN@ĐỨC.EXAMPLE"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lan@đức.example"]


def test_an_address_confirmed_by_another_spelling_is_refused(client):
    make_user("owner", email="lan@đức.example")
    other = make_user("other", email="")
    client.force_login(other)
    client.post("/accounts/me/", {"email": "LAN@ĐỨC.example", "password": PASSWORD, "time_zone": "UTC"})
    assert "already belongs to another account" in mail.outbox[-1].body  # a notice, not a link
    other.refresh_from_db()
    assert other.email == ""


def test_case_variants_of_a_name_share_one_lock(client):
    make_user("đức123")
    for spelling in ("đức123", "Đức123", "ĐỨC123", "ĐứC123", "ĐỨc123"):  # five failures lock (AXES_FAILURE_LIMIT)
        client.post("/accounts/login/", {"username": spelling, "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    assert AccessAttempt.objects.get().username == "đức123"
    locked = client.post("/accounts/login/", {"username": "đỨc123", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert locked.status_code == 429  # the fifth failure of any spelling locked the one account


def test_the_admin_refuses_a_second_spelling_and_finds_accounts_by_any_spelling(client, superuser):
    make_user("đức123", display_name="Đức")
    client.force_login(superuser)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "ĐỨC123", "email": "x@example.com", "usable_password": "false"},
    )
    assert response.status_code == 200 and "A user with that username already exists." in response.content.decode()
    listing = client.get("/admin/accounts/user/?q=ĐỨC").content.decode()
    assert "đức123" in listing


def test_the_admin_change_form_refuses_a_spelling_of_another_account(client, superuser):
    make_user("đức123")
    other = make_user("lan")
    client.force_login(superuser)
    page = client.get(f"/admin/accounts/user/{other.pk}/change/")
    assert page.status_code == 200
    data = {
        "username": "ĐỨC123",
        "email": other.email,
        "time_zone": other.time_zone,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    response = client.post(f"/admin/accounts/user/{other.pk}/change/", data)
    assert response.status_code == 200 and "A user with that username already exists." in response.content.decode()
    other.refresh_from_db()
    assert other.username == "lan"
