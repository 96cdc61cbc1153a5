"""django-modeltranslation's querysets must not change what an aggregate groups by: Meta.ordering
(order, id) stays out of the GROUP BY of values().annotate(), as Django leaves it."""

import pytest
from django.db.models import Count

from courses.models import Lesson
from quizzes.models import Choice

pytestmark = pytest.mark.django_db


def test_counting_lessons_per_module_gives_one_row_per_module(curriculum):
    rows = list(
        Lesson.objects.filter(module__path=curriculum)
        .values("module_id")
        .annotate(n=Count("id"))
        .values_list("module_id", "n")
    )

    assert len(rows) == curriculum.modules.count()
    assert sum(n for _, n in rows) == Lesson.objects.filter(module__path=curriculum).count()


def test_counting_choices_per_question_gives_one_row_per_question(curriculum):
    rows = Choice.objects.values("question_id").annotate(n=Count("id"))

    assert len(rows) == Choice.objects.values("question_id").distinct().count()


def test_the_default_order_still_applies():
    keys = list(Lesson.objects.filter(module__slug="devops-mindset").values_list("order", flat=True))
    assert keys == sorted(keys)
