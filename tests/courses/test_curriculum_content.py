"""The real curriculum meets issue 15's content rules: every question of every pool has an explanation
and feedback on each wrong choice (and on each listed wrong line), no two questions share a stem,
every lesson and question loads, every module quiz draws from a pool at least twice its draw that
covers all eight kinds, every module has its faulty-line and scenario questions, every lesson says
when it was checked against the AWS documentation, every pool names the lesson that teaches it."""

import re
from collections import Counter

import pytest
import yaml

from courses.models import Lesson
from quizzes.models import CHOICE_KINDS, Question, QuestionKind, Quiz
from tests.conftest import CONTENT

pytestmark = pytest.mark.django_db

KINDS = set(QuestionKind.values)


def quiz_files() -> list[tuple[str, dict]]:
    return [
        (path.parent.name, yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(CONTENT.glob("*/quiz.yaml"))
    ]


def module_quizzes(curriculum) -> list[Quiz]:
    return list(Quiz.objects.module_quizzes().filter(module__path=curriculum, published=True).order_by("module__order"))


def stem(prompt_md: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", prompt_md.casefold()).split())


def test_every_lesson_and_question_of_the_files_is_loaded(curriculum):
    lessons = {(path.parent.name, path.name) for path in CONTENT.glob("*/*.md") if path.name.lower() != "readme.md"}
    assert Lesson.objects.filter(module__path=curriculum).count() == len(lessons)
    in_files = Counter(folder for folder, data in quiz_files() for _question in data["questions"])
    loaded = Counter(
        q.quiz.module.slug
        for q in Question.objects.filter(quiz__module__path=curriculum).select_related("quiz__module")
    )
    assert sum(loaded.values()) == sum(in_files.values())
    assert len(loaded) == len(in_files)


def test_every_question_has_an_explanation_and_every_wrong_choice_a_feedback(curriculum):
    missing = []
    for question in Question.objects.filter(quiz__module__path=curriculum).prefetch_related("choices"):
        where = f"{question.quiz.module_id}/{question.key}"
        if not question.explanation_md.strip():
            missing.append(f"{where}: no explanation")
        if question.kind in CHOICE_KINDS - {QuestionKind.FAULTY_LINE} or question.kind == QuestionKind.SHORT_TEXT:
            missing += [
                f"{where}: wrong choice '{c.key}' has no feedback"
                for c in question.choices.all()
                if not c.is_correct and not c.feedback.strip()
            ]
    for folder, data in quiz_files():  # a faulty line's listed wrong lines (the files say which are listed)
        for question in data["questions"]:
            missing += [
                f"{folder}/{question['key']}: wrong line {line.get('line')} has no feedback"
                for line in question.get("lines") or []
                if not line.get("correct") and not str(line.get("feedback") or "").strip()
            ]
    assert missing == []


def test_no_two_questions_share_a_stem(curriculum):
    stems = Counter(stem(q.prompt_md) for q in Question.objects.filter(quiz__module__path=curriculum))
    assert [s for s, n in stems.items() if n > 1] == []


def test_every_module_quiz_draws_ten_from_a_pool_at_least_twice_its_draw_covering_every_kind(curriculum):
    problems = []
    for quiz in module_quizzes(curriculum):
        drawn = quiz.drawn_pools()
        asked = quiz.questions_per_attempt()
        pool = list(quiz.questions.published().filter(pool__in=drawn))
        if not drawn or asked != 10:
            problems.append(f"{quiz.module.slug}: draws {asked if drawn else 'no'} questions (want 10)")
        if len(pool) < 2 * asked:
            problems.append(f"{quiz.module.slug}: a pool of {len(pool)} for a draw of {asked}")
        if missing := KINDS - {q.kind for q in pool}:
            problems.append(f"{quiz.module.slug}: no {', '.join(sorted(missing))} question")
        for slot in drawn:
            size = sum(1 for q in pool if q.pool_id == slot.pk)
            if size < 2 * slot.draw_count:
                problems.append(f"{quiz.module.slug}: pool '{slot.key}' holds {size} for a draw of {slot.draw_count}")
    assert problems == []


def test_every_pool_of_a_module_quiz_names_a_published_lesson_of_its_module(curriculum):
    """A learner who misses a topic is sent to the lesson that teaches it, not to the lesson list."""
    problems = [
        f"{quiz.module.slug}: pool '{pool.key}'"
        for quiz in module_quizzes(curriculum)
        for pool in quiz.pools.select_related("lesson")
        if pool.lesson is None or pool.lesson.module_id != quiz.module_id or not pool.lesson.published
    ]
    assert problems == []


def test_every_module_has_two_faulty_line_and_four_scenario_questions(curriculum):
    problems = []
    for quiz in module_quizzes(curriculum):
        published = quiz.questions.published()
        faulty = published.filter(kind=QuestionKind.FAULTY_LINE).count()
        scenarios = published.filter(scenario=True).count()
        if faulty < 2 or scenarios < 4:
            problems.append(f"{quiz.module.slug}: {faulty} faulty-line and {scenarios} scenario questions")
    assert problems == []


def test_every_lesson_says_when_it_was_checked_against_the_aws_documentation(curriculum):
    assert (
        list(Lesson.objects.filter(module__path=curriculum, reviewed__isnull=True).values_list("key", flat=True)) == []
    )
