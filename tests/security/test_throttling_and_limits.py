"""Login throttling (django-axes) and request size limits."""

import pytest
from django.test import override_settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password, address="10.1.1.1", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def test_repeated_failures_lock_the_account_from_that_address_with_a_clear_message(client, learner):
    for _ in range(4):
        assert login(client, learner.username, "wrong").status_code == 200
    assert login(client, learner.username, "wrong").status_code == 429  # the fifth failure locks
    locked = login(client, learner.username, PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out of the same account, and a good login there works.
    assert login(client, learner.username, PASSWORD, address="10.2.2.2").status_code == 302


def test_a_successful_login_resets_the_count(client, learner):
    for _ in range(4):
        login(client, learner.username, "wrong")
    assert login(client, learner.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        login(client, learner.username, "wrong")
    assert login(client, learner.username, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_client_address_is_counted_not_the_proxy(client, learner):
    proxy = "192.168.0.10"
    for _ in range(5):
        login(client, learner.username, "wrong", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert (
        login(client, learner.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    )
    # Another client behind the same proxy is not locked out; a forged left-most address changes nothing.
    assert (
        login(
            client, learner.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
        ).status_code
        == 429
    )
    assert (
        login(client, learner.username, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302
    )


def test_an_oversized_body_is_refused_with_400_before_it_is_read(client):
    client.raise_request_exception = False
    body = b"x" * (4 * 1024 * 1024)
    response = client.post("/accounts/login/", body, content_type="application/octet-stream")
    assert response.status_code == 400
    assert "We could not read that request" in response.content.decode()


def test_an_oversized_form_is_refused_with_400(client):
    client.raise_request_exception = False
    response = client.post("/accounts/signup/", {"username": "x", "bio": "y" * (2_700_000)})
    assert response.status_code == 400


def test_too_many_fields_are_refused_with_400(client):
    client.raise_request_exception = False
    response = client.post("/accounts/signup/", {f"f{i}": "1" for i in range(1200)})
    assert response.status_code == 400
