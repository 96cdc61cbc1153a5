"""What the apps keep about a person is collected from each app's own contribution
(accounts.personal_data): every model of every installed app (third-party ones included: django-axes'
login records, the admin's log) that points at a user or holds a username or an e-mail address is
covered by one, so a new table that names a person cannot be forgotten by the data download or by
account deletion."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts import personal_data, throttle
from accounts.models import ThrottleEvent, identity_key


def names_a_person(field, User) -> bool:
    if not field.concrete:
        return False
    if field.is_relation:
        return field.related_model is User
    return isinstance(field, models.EmailField) or any(word in field.name for word in ("username", "email"))


def models_naming_a_person():
    User = get_user_model()
    return {
        model
        for model in apps.get_models(include_auto_created=True)
        if any(names_a_person(field, User) for field in model._meta.get_fields())
    }


def test_the_list_finds_the_third_party_tables():
    labels = {model._meta.label for model in models_naming_a_person()}
    assert {"axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog", "admin.LogEntry"} <= labels
    assert {"quizzes.Attempt", "accounts.User", "cohorts.Membership"} <= labels


def test_every_model_that_names_a_person_is_covered_by_a_contribution():
    covered = {model for contribution in personal_data.contributions() for model in contribution.models}
    missing = sorted(model._meta.label for model in models_naming_a_person() - covered)
    assert missing == [], f"register an export (and deletion) for {', '.join(missing)} in its app's privacy.py"


@pytest.mark.django_db
def test_the_export_has_one_section_per_contribution(learner):
    data = personal_data.export_data(learner)
    assert list(data) == ["exported_at", *(c.section for c in personal_data.contributions())]
    assert data["account"]["username"] == learner.username


@pytest.fixture
def traces(learner, other_learner, superuser):
    """What the third-party apps keep about ``learner`` (and, to be kept, about ``other_learner``)."""
    learner.email = "Lan@Example.com"
    learner.save(update_fields=["email"])
    for person in (learner, other_learner):
        for model in (AccessFailureLog, AccessLog):
            model.objects.create(
                username=identity_key(person.username), ip_address="203.0.113.7", user_agent="Firefox", path_info="/"
            )
        AccessAttempt.objects.create(
            username=identity_key(person.email),
            ip_address="203.0.113.7",
            user_agent="Firefox",
            path_info="/",
            failures_since_start=2,
        )
        for scope, value in (("reset-account", person.pk), ("mail-address", identity_key(person.email))):
            ThrottleEvent.objects.create(scope=scope, key=throttle.key(scope, value), at=timezone.now())
        LogEntry.objects.log_actions(superuser.pk, [person], CHANGE, change_message="display name", single_object=True)
    ThrottleEvent.objects.create(
        scope="login-address", key=throttle.key("login-address", "203.0.113.7"), at=timezone.now()
    )
    return learner


@pytest.mark.django_db
def test_the_export_holds_the_third_party_records_of_the_person_and_nobody_elses(traces, other_learner):
    data = personal_data.export_data(traces)
    records = data["login_records"]
    assert [r["username"] for r in records["accessattempt"]] == ["lan@example.com"]
    assert [r["username"] for r in records["accesslog"]] == ["learner1"]
    assert records["accessfailurelog"][0]["ip_address"] == "203.0.113.7"
    assert records["accessfailurelog"][0]["user_agent"] == "Firefox"
    assert sorted(e["scope"] for e in data["throttle_events"]) == ["mail-address", "reset-account"]
    assert [(e["object"], e["by_you"]) for e in data["admin_log"]] == [(str(traces), False)]


@pytest.mark.django_db
def test_deletion_removes_the_third_party_records_of_the_person_only(traces, other_learner):
    other = {
        model: model.objects.exclude(username__in=["learner1", "lan@example.com"]).count()
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    }
    personal_data.delete_account(traces)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.filter(username__in=["learner1", "lan@example.com"]).exists()
        assert model.objects.count() == other[model] == 1
    assert ThrottleEvent.objects.filter(scope="login-address").count() == 1  # an address names nobody
    assert ThrottleEvent.objects.filter(scope="reset-account").count() == 1  # the other learner's
    user_type = ContentType.objects.get_for_model(get_user_model())
    assert list(LogEntry.objects.filter(content_type=user_type).values_list("object_id", flat=True)) == [
        str(other_learner.pk)
    ]
