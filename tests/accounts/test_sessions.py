"""Sessions and the request's user: read from the database on every request (one plain query
each), so that what one worker does (a logout, a password change, a deactivation, a new cohort
lead) holds on the very next request whichever worker serves it."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.backends import load_user
from accounts.models import User
from cohorts.models import LEADS_FLAG
from tests.cohorts.conftest import make_cohort
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies["sessionid"].value


def is_signed_in(client) -> bool:
    return "Log out" in client.get("/progress/", follow=True).content.decode()


def test_a_session_deleted_by_another_worker_is_over_on_the_next_request(client, learner, curriculum):
    key = logged_in(client, learner)
    assert is_signed_in(client)
    # Another worker's logout deletes the row; no per-worker copy may keep the session alive here.
    Session.objects.filter(session_key=key).delete()
    assert not is_signed_in(client)


def test_a_copied_session_cookie_is_dead_after_logout(client, learner, curriculum):
    key = logged_in(client, learner)
    thief = Client()
    thief.cookies["sessionid"] = key
    assert is_signed_in(thief)
    assert client.post("/accounts/logout/").status_code == 302
    assert not is_signed_in(thief)


def test_a_password_change_or_deactivation_ends_other_sessions(client, learner, curriculum):
    logged_in(client, learner)
    learner.set_password("another-long-passphrase-7")
    learner.save()
    assert not is_signed_in(client)

    learner.set_password(PASSWORD)
    learner.save()
    logged_in(client, learner)
    User.objects.filter(pk=learner.pk).update(is_active=False)
    assert not is_signed_in(client)


def test_an_expired_or_malformed_session_is_anonymous(client, learner, curriculum):
    key = logged_in(client, learner)
    Session.objects.filter(session_key=key).update(expire_date="2000-01-01T00:00:00Z")
    assert not is_signed_in(client)
    for bad in ["x", "' OR 1=1 --", "a" * 500]:
        client.cookies["sessionid"] = bad
        assert client.get("/progress/").status_code == 302


def test_the_loaded_user_equals_the_orms_with_its_flags(learner, lead, curriculum):
    make_cohort(curriculum, leads=[lead], members=[learner])
    learner.last_login = learner.date_joined
    learner.save()
    loaded, expected = load_user(learner.pk), User.objects.get(pk=learner.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(expected, field.attname), field.name
    assert loaded.last_login.tzinfo is not None and loaded.is_active is True
    assert getattr(loaded, LEADS_FLAG) is False
    assert getattr(load_user(lead.pk), LEADS_FLAG) is True
    assert load_user(999999) is None and load_user("not-a-key") is None


def test_a_new_lead_sees_the_cohorts_link_on_the_next_page_and_loses_it_when_removed(client, curriculum, learner):
    cohort = make_cohort(curriculum, members=[learner])
    client.force_login(learner)
    assert 'href="/cohorts/"' not in client.get("/progress/").content.decode()
    cohort.leads.add(learner)
    assert 'href="/cohorts/"' in client.get("/progress/").content.decode()
    cohort.leads.remove(learner)
    assert 'href="/cohorts/"' not in client.get("/progress/").content.decode()
