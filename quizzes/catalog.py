"""Quizzes and questions as each worker keeps them in memory, keyed on the content marker (see
courses.catalog): the quiz pages read the learner's attempt and answers from the database and the
content they show from here."""

import copy

from courses import catalog
from quizzes.models import Question, Quiz


def quiz(quiz_id: int, marker: str) -> Quiz | None:
    """The quiz (published or not: an attempt keeps showing its quiz) with its module, path and lesson."""
    cached = catalog.cached(
        ("quiz", quiz_id),
        marker,
        lambda: Quiz.objects.select_related("module__path", "lesson").filter(pk=quiz_id).first(),
    )
    if cached is None:
        return None
    found = copy.copy(cached)
    module = copy.copy(cached.module)
    module.path = copy.copy(cached.module.path)
    found.module = module
    if cached.lesson_id is not None:
        found.lesson = copy.copy(cached.lesson)
    return found


def question(question_id: int, marker: str) -> Question | None:
    """The question with its choices (as if prefetched: ``question.choices.all()`` runs no query)."""
    cached = catalog.cached(
        ("question", question_id),
        marker,
        lambda: Question.objects.prefetch_related("choices").filter(pk=question_id).first(),
    )
    if cached is None:
        return None
    found = copy.copy(cached)
    prefetched = cached.choices.all()  # the prefetched queryset: its query is this question's choices
    choices = copy.copy(prefetched)
    choices._result_cache = [copy.copy(choice) for choice in prefetched]
    found._prefetched_objects_cache = {"choices": choices}
    return found
