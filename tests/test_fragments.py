"""Cached fragments (devopslearn.lib.fragments): the key is made from exactly what a fragment is
rendered from, so every input changes it; the rendering sees nothing else; and the content that is
keyed by the marker does move the marker when it changes."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.db.models.signals import post_delete, post_save
from django.utils import translation

from accounts.models import User
from courses.models import ContentVersion, ImportedContent, Module
from devopslearn.lib import fragments

pytestmark = pytest.mark.django_db


@dataclass
class Point:
    x: int
    label: str


def key(inputs: dict) -> str:
    return fragments.fragment_key("courses/path.html#path-body", inputs)


def test_every_input_is_in_the_key():
    inputs = {
        "title": "A",
        "count": 3,
        "share": Decimal("66.666667"),
        "day": datetime.date(2026, 11, 29),
        "flag": True,
        "items": [(1, "one"), (2, "two")],
        "point": Point(1, "p"),
        "nothing": None,
    }
    base = key(inputs)
    changes = {
        "title": "B",
        "count": 4,
        "share": Decimal("66.666668"),
        "day": datetime.date(2026, 11, 30),
        "flag": False,
        "items": [(1, "one"), (2, "TWO")],
        "point": Point(1, "q"),
        "nothing": 0,
    }
    for name, value in changes.items():
        assert key({**inputs, name: value}) != base, name
    assert key({**inputs, "added": 1}) != base
    assert key(dict(inputs)) == base  # equal inputs, equal key: learners in the same state share it


def test_the_language_and_time_zone_are_in_the_key(settings):
    inputs = {"title": "A"}
    english = key(inputs)
    with translation.override("vi"):
        assert key(inputs) != english
    from django.utils import timezone

    with timezone.override("Asia/Tokyo"):
        assert key(inputs) != english


def test_a_model_instance_is_keyed_by_its_values_and_content_by_the_marker(learner, curriculum):
    same = User.objects.get(pk=learner.pk)
    assert key({"user": learner}) == key({"user": same})
    same.display_name = "Someone else"
    assert key({"user": learner}) != key({"user": same})

    module = Module.objects.filter(path=curriculum).first()
    with pytest.raises(TypeError, match="marker"):
        key({"module": module})
    renamed = Module.objects.get(pk=module.pk)
    renamed.title = "Renamed"
    # Content is keyed by the marker, which every content edit moves (see the next test).
    assert key({"marker": "m1", "module": module}) == key({"marker": "m1", "module": renamed})
    assert key({"marker": "m1", "module": module}) != key({"marker": "m2", "module": module})


def test_a_value_that_cannot_be_keyed_is_refused_rather_than_keyed_by_its_identity():
    with pytest.raises(TypeError, match="object"):
        key({"thing": object()})


def test_every_content_model_moves_the_marker_when_it_is_saved_or_deleted():
    """Fragments key content by the marker: a content model that did not move it would go stale."""
    content = [m for m in apps.get_models() if issubclass(m, ImportedContent)]
    assert {m.__name__ for m in content} >= {"LearningPath", "Module", "Lesson", "Quiz", "Question", "Choice"}
    for model in content:
        for signal in (post_save, post_delete):
            receivers = signal._live_receivers(model)
            assert any(getattr(r, "__func__", r) is ContentVersion.bump.__func__ for r in receivers[0]), (
                model.__name__,
                signal,
            )


def test_the_fragment_sees_only_its_inputs(rf, learner):
    """Rendered without the request: a value the template reads but the inputs lack shows as nothing."""
    html = fragments.render("courses/path.html#path-body", {"marker": "x", "signed_in": True, "statuses": []})
    assert learner.username not in html and "csrfmiddlewaretoken" not in html
