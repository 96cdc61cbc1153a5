"""What the apps keep about a person is collected from each app's own contribution
(accounts.personal_data): every model of the project that points at a user is covered by one, so a
new table that names a person cannot be forgotten by the data download or by account deletion."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts import personal_data

PROJECT_APPS = {p.parent.name for p in settings.BASE_DIR.glob("*/apps.py")}


def models_naming_a_person():
    User = get_user_model()
    found = {User}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is User:
                found.add(model)
    return found


def test_every_model_that_names_a_person_is_covered_by_a_contribution():
    covered = {model for contribution in personal_data.contributions() for model in contribution.models}
    missing = sorted(model._meta.label for model in models_naming_a_person() - covered)
    assert missing == [], f"register an export (and deletion) for {', '.join(missing)} in its app's privacy.py"


@pytest.mark.django_db
def test_the_export_has_one_section_per_contribution(learner):
    data = personal_data.export_data(learner)
    assert list(data) == ["exported_at", *(c.section for c in personal_data.contributions())]
    assert data["account"]["username"] == learner.username
