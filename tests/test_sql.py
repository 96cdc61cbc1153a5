"""devopslearn.lib.sql: plain statements whose values equal what the ORM would return, on SQLite
and PostgreSQL alike (aware datetimes, booleans, decimals, NULLs)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Module
from devopslearn.lib import sql
from progress.models import LessonCompletion, ModuleProgress, ReviewCard
from progress.services import rating_for
from progress.states import ProgressRow, _progress_and_due_cards
from quizzes.models import Question

pytestmark = pytest.mark.django_db


def test_fetch_instances_loads_what_the_orm_loads(curriculum):
    for question in Question.objects.all()[:20]:
        (loaded,) = sql.fetch_instances(Question, "t.id = %s", [question.pk])
        for field in Question._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(question, field.attname), field.name
        assert loaded._state.adding is False and loaded._state.db == "default"
    assert sql.fetch_instances(Question, "t.id = %s", [-1]) == []


def test_progress_rows_and_due_cards_match_the_orm(curriculum, learner, other_learner):
    modules = list(Module.objects.filter(path=curriculum))
    now = timezone.now()
    ModuleProgress.objects.create(
        user=learner,
        module=modules[0],
        lessons_completed=3,
        attempts=2,
        failed_attempts=1,
        best_percent=Decimal("66.666667"),
        last_percent=Decimal("12.5"),
        quiz_passed=True,
        completed_at=now,
        last_activity_at=now,
    )
    ModuleProgress.objects.create(user=other_learner, module=modules[1])
    question = Question.objects.filter(quiz__module=modules[0]).first()
    ReviewCard.objects.create(user=learner, question=question, module=modules[0], due=now)
    future = Question.objects.filter(quiz__module=modules[0])[1]
    ReviewCard.objects.create(user=learner, question=future, module=modules[0], due=now + timezone.timedelta(days=1))

    rows, due = _progress_and_due_cards([learner.pk, other_learner.pk], [m.pk for m in modules], now)

    found = {(user_id, module_id): row for user_id, mine in rows.items() for module_id, row in mine.items()}
    assert len(found) == 2
    for (user_id, module_id), row in found.items():
        orm = ModuleProgress.objects.get(user_id=user_id, module_id=module_id)
        expected = ProgressRow(
            *(getattr(orm, name) for name in ProgressRow._fields[:-2]),
            orm.completed_at is not None,
            orm.last_activity_at,
        )
        assert row == expected
        assert type(row.quiz_passed) is bool and type(row.completed) is bool
    assert found[(learner.pk, modules[0].pk)].best_percent == Decimal("66.666667")
    assert found[(learner.pk, modules[0].pk)].last_activity_at == now
    assert found[(other_learner.pk, modules[1].pk)].best_percent is None
    assert due == {learner.pk: {modules[0].pk: (1, 1)}}
    assert _progress_and_due_cards([], [], now) == ({}, {})


def test_completed_ids_reads_only_that_users_lessons(curriculum, learner, other_learner):
    lessons = list(Module.objects.get(slug="devops-mindset").lessons.all())
    LessonCompletion.objects.create(user=learner, lesson=lessons[0])
    LessonCompletion.objects.create(user=other_learner, lesson=lessons[1])
    ids = [lesson.pk for lesson in lessons]
    assert LessonCompletion.completed_ids(learner.pk, ids) == {lessons[0].pk}
    assert LessonCompletion.completed_ids(learner.pk, []) == set()


def test_insert_writes_what_save_would_and_sets_the_key(curriculum, learner):
    module = Module.objects.get(slug="devops-mindset")
    question = Question.objects.filter(quiz__module=module).first()
    card = ReviewCard(user=learner, question=question, module=module, pending_answer={"choices": [1, 2]})
    card.schedule(rating_for(Decimal(0)))
    sql.insert(card)
    assert card.pk is not None and card._state.adding is False
    stored = ReviewCard.objects.get(pk=card.pk)
    for field in ReviewCard._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(card, field.attname), field.name
    assert stored.pending_answer == {"choices": [1, 2]} and stored.due.tzinfo is not None


def test_insert_reports_a_broken_constraint_as_django_does(curriculum, learner):
    from django.db import IntegrityError, transaction

    module = Module.objects.get(slug="devops-mindset")
    question = Question.objects.filter(quiz__module=module).first()
    sql.insert(ReviewCard(user=learner, question=question, module=module))
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.insert(ReviewCard(user=learner, question=question, module=module))
    assert ReviewCard.objects.filter(user=learner, question=question).count() == 1


def test_insert_unless_duplicate_leaves_the_first_row_and_says_so(curriculum, learner):
    module = Module.objects.get(slug="devops-mindset")
    question = Question.objects.filter(quiz__module=module).first()
    first = ReviewCard(user=learner, question=question, module=module, reviews=1)
    assert sql.insert(first, unless_duplicate=True) is True
    second = ReviewCard(user=learner, question=question, module=module, reviews=7)
    assert sql.insert(second, unless_duplicate=True) is False and second.pk is None
    assert list(ReviewCard.objects.filter(user=learner, question=question).values_list("pk", "reviews")) == [
        (first.pk, 1)
    ]
