"""The account menu every page shows: this app's own links, and the links other apps add to it from
their AppConfig (the cohorts app adds "Join a cohort"): reversed on every page, so that a renamed
URL fails loudly rather than linking to a stale address."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from accounts import menu

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_has_the_account_page_the_join_page_and_log_out(learner_client, curriculum):
    html = learner_client.get("/").content.decode()
    assert f'<a href="{reverse("accounts:account")}">Account</a>' in html
    assert f'<a href="{reverse("cohorts:join")}">Join a cohort</a>' in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert ("cohorts:join", "Join a cohort") in [(name, str(label)) for name, label in menu.links()]


def test_a_visitor_is_offered_to_log_in_and_come_back(client, curriculum):
    html = client.get("/paths/devops-on-aws/").content.decode()
    assert 'href="/accounts/login/?next=/paths/devops-on-aws/"' in html and "Sign up" in html


@override_settings(ROOT_URLCONF="tests.accounts.urls_without_cohorts")
def test_a_link_to_a_missing_page_fails_loudly(learner_client, curriculum):
    with pytest.raises(NoReverseMatch):
        learner_client.get("/")
