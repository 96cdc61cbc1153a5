"""Passwords are hashed with Argon2; stored PBKDF2 hashes still work and are rewritten at the next
login (issue 12.9). The suite itself uses a fast hasher (settings_test)."""

import pytest
from django.contrib.auth import hashers
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.test import override_settings

from devopslearn import settings as production
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_argon2_hashes_new_passwords_and_pbkdf2_stays_to_read_old_ones():
    assert production.PASSWORD_HASHERS[0] == "accounts.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_stored_pbkdf2_hash_becomes_argon2_at_the_next_login(client):
    user = make_user("old-timer")
    # A hash as the previous release stored it (fewer iterations here, only to keep the test quick).
    user.password = PBKDF2PasswordHasher().encode("an-old-passphrase-9", "somesalt1234", iterations=1000)
    user.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"username": "old-timer", "password": "an-old-passphrase-9"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password("an-old-passphrase-9")
    client.logout()
    assert (
        client.post("/accounts/login/", {"username": "old-timer", "password": "an-old-passphrase-9"}).status_code == 302
    )


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_hash_with_djangos_default_argon2_parameters_is_rewritten_with_owasps(client):
    user = make_user("early")
    user.password = hashers.Argon2PasswordHasher().encode("an-old-passphrase-9", "somesalt1234")
    user.save(update_fields=["password"])
    assert "m=102400" in user.password
    assert client.post("/accounts/login/", {"username": "early", "password": "an-old-passphrase-9"}).status_code == 302
    user.refresh_from_db()
    assert "$argon2id$" in user.password and "m=19456,t=2,p=1" in user.password
