"""Quizzes and questions as each worker keeps them in memory, keyed on the content marker (see
courses.catalog): the quiz pages read the learner's attempt and answers from the database and the
content they show from here."""

import copy

from courses import catalog
from quizzes.models import Pool, Question, Quiz


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


def questions(question_ids: list[int], marker: str) -> dict[int, Question]:
    """{id: the question with its choices} for these ids (a deleted question is left out). Each is a
    copy with its choices as if prefetched: ``question.choices.all()`` runs no query. The questions
    not kept yet are read in one query."""

    def load(keys):
        found = Question.objects.prefetch_related("choices").filter(pk__in=[pk for _, pk in keys])
        return {("question", q.pk): q for q in found}

    kept = catalog.cached_many([("question", pk) for pk in question_ids], marker, load)
    copies = {}
    for (_, pk), cached in kept.items():
        if cached is not None:
            found = copy.copy(cached)
            prefetched = cached.choices.all()  # the prefetched queryset: its query is this question's choices
            choices = copy.copy(prefetched)
            choices._result_cache = [copy.copy(choice) for choice in prefetched]
            found._prefetched_objects_cache = {"choices": choices}
            copies[pk] = found
    return copies


def question(question_id: int, marker: str) -> Question | None:
    """The question with its choices (see ``questions``), or None."""
    return questions([question_id], marker).get(question_id)


def question_counts(quiz: Quiz, marker: str) -> tuple[int, int]:
    """(how many questions an attempt asks, how many published questions it draws them from)."""

    def counts() -> tuple[int, int]:
        published = quiz.questions.published().count()
        return (quiz.questions_per_attempt() if quiz.drawn_pools() else published), published

    return catalog.cached(("question-counts", quiz.pk), marker, counts)


def pools(quiz_id: int, marker: str) -> dict[int, Pool]:
    """{id: pool} of the quiz: the named topics its questions are drawn from, each with the lesson
    that teaches it."""
    return catalog.cached(
        ("pools", quiz_id),
        marker,
        lambda: {p.pk: p for p in Pool.objects.filter(quiz_id=quiz_id).select_related("lesson")},
    )
