"""Builders for quiz tests: a generated quiz with every kind of question, and the POST data of a
right, partial or wrong answer, written with the tokens of the attempt (as the page names them)."""

from decimal import Decimal

import pytest

from quizzes.attempts import ordered_choices
from quizzes.grading import match_options
from quizzes.models import Attempt, Choice, Question, QuestionKind, Quiz
from tests.factories import make_path

ALL_KINDS = [kind.value for kind in QuestionKind]
BUILD_LOG = [
    "[Container] 2026/11/20 10:00:01.123456 Running command npm ci",
    "npm WARN deprecated inflight@1.0.6: This module is not supported",
    "[Container] 2026/11/20 10:00:40.000001 Phase complete: BUILD State: SUCCEEDED",
    "upload failed: dist/index.html to s3://example-site/index.html An error occurred (AccessDenied)",
    "[Container] 2026/11/20 10:00:43.000001 Phase complete: POST_BUILD State: FAILED",
]


def add_question(quiz: Quiz, kind: str, *, key: str, order: int, points=Decimal(1)) -> Question:
    """One question of ``kind`` with choices, explanation and per-choice feedback on the wrong ones."""
    question = Question.objects.create(
        published=True,
        quiz=quiz,
        key=key,
        kind=kind,
        order=order,
        points=points,
        prompt_md=f"Prompt of {key} ({kind})?",
        explanation_md=f"The explanation of {key}: the reasoning learners see after answering.",
        numeric_answer=Decimal("12.5") if kind == QuestionKind.NUMERIC else None,
        tolerance=Decimal("0.5") if kind == QuestionKind.NUMERIC else None,
        unit="%" if kind == QuestionKind.NUMERIC else "",
        artifact="\n".join(BUILD_LOG) if kind == QuestionKind.FAULTY_LINE else "",
        artifact_language="log" if kind == QuestionKind.FAULTY_LINE else "",
    )
    rows: list[dict] = []
    if kind == QuestionKind.SINGLE:
        rows = [
            {"text": f"{key} right option", "is_correct": True},
            {"text": f"{key} wrong option A", "feedback": f"{key}: A is a silo."},
            {"text": f"{key} wrong option B", "feedback": f"{key}: B is too slow."},
        ]
    elif kind == QuestionKind.MULTIPLE:
        rows = [
            {"text": f"{key} good one", "is_correct": True},
            {"text": f"{key} good two", "is_correct": True},
            {"text": f"{key} bad one", "feedback": f"{key}: bad one misses the point."},
            {"text": f"{key} bad two", "feedback": f"{key}: bad two is a myth."},
        ]
    elif kind == QuestionKind.TRUE_FALSE:
        rows = [{"text": "True", "is_correct": True}, {"text": "False", "feedback": f"{key}: it is true."}]
    elif kind == QuestionKind.ORDERING:
        rows = [{"text": f"{key} stage {name}"} for name in ("source", "build", "test", "deploy")]
    elif kind == QuestionKind.MATCHING:
        rows = [
            {"text": f"{key} CodeCommit", "match_text": f"{key} stores the code"},
            {"text": f"{key} CodeBuild", "match_text": f"{key} compiles and tests"},
            {"text": f"{key} CodeDeploy", "match_text": f"{key} rolls out releases"},
        ]
    elif kind == QuestionKind.SHORT_TEXT:
        rows = [
            {"text": "buildspec.yml", "is_correct": True},
            {"text": "buildspec.yaml", "is_correct": True},
            {"text": "appspec.yml", "feedback": f"{key}: appspec.yml is CodeDeploy's file."},
        ]
    elif kind == QuestionKind.FAULTY_LINE:  # line 4 is the faulty one; line 2 tempts, with its feedback
        rows = [
            {
                "text": text,
                "is_correct": n == 4,
                "feedback": f"{key}: a warning does not fail a build." if n == 2 else "",
            }
            for n, text in enumerate(BUILD_LOG, start=1)
        ]
    for position, row in enumerate(rows, start=1):
        choice_key = f"line-{position}" if kind == QuestionKind.FAULTY_LINE else f"c{position}"
        Choice.objects.create(question=question, key=choice_key, order=position, **row)
    return question


def build_quiz(
    *, kinds=ALL_KINDS, count: int | None = None, slug: str = "quiz-path", module=None, **quiz_fields
) -> Quiz:
    """A published module quiz on a generated one-module path; ``count`` questions cycling through ``kinds``."""
    if module is None:
        module = make_path(modules=1, lessons=1, slug=slug, with_quiz=False).modules.get()
    quiz_fields.setdefault("title", f"Quiz of {module.title}")
    quiz_fields.setdefault("published", True)
    quiz = Quiz.objects.create(module=module, **quiz_fields)
    total = count if count is not None else len(kinds)
    for n in range(total):
        kind = kinds[n % len(kinds)]
        add_question(quiz, kind, key=f"q{n + 1}-{kind.replace('_', '-')}", order=n + 1)
    return quiz


def _choices(attempt: Attempt, question: Question) -> list[Choice]:
    return ordered_choices(attempt, question, list(question.choices.all()))


def answer_data(attempt: Attempt, question: Question, how: str = "right") -> dict:
    """POST data for a ``right``, ``partial`` or ``wrong`` answer to ``question`` in ``attempt``."""
    choices = sorted(question.choices.all(), key=lambda c: (c.order, c.pk))
    kind = question.kind
    if (
        kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE)
        or question.is_faulty_line
        and not question.selects_several
    ):
        pick = next(c for c in choices if c.is_correct == (how == "right"))
        return {"answer": attempt.token("c", pick.pk)}
    if kind in (QuestionKind.MULTIPLE, QuestionKind.FAULTY_LINE):
        right = [c for c in choices if c.is_correct]
        wrong = [c for c in choices if not c.is_correct]
        picks = {"right": right, "partial": right[:1], "wrong": wrong}[how]
        if question.is_faulty_line:
            picks = picks[: question.select_count]
        return {"answer": [attempt.token("c", c.pk) for c in picks]}
    if kind == QuestionKind.ORDERING:
        order = list(choices)
        if how == "partial":  # the first and last in place, the middle ones swapped
            order[1], order[2] = order[2], order[1]
        elif how == "wrong":
            order = order[1:] + order[:1]
        return {f"position-{attempt.token('o', c.pk)}": str(n) for n, c in enumerate(order, start=1)}
    if kind == QuestionKind.MATCHING:
        options = list(choices)  # each item's own match (match texts are unique)
        assert {o.pk for o in match_options(choices)} == {o.pk for o in options}
        if how == "partial":  # the first pair right, the other two swapped
            options = [options[0], options[2], options[1]]
        elif how == "wrong":
            options = options[1:] + options[:1]
        return {
            f"match-{attempt.token('i', c.pk)}": attempt.token("m", o.pk) for c, o in zip(choices, options, strict=True)
        }
    if kind == QuestionKind.NUMERIC:
        return {"answer": {"right": "12.7 %", "partial": "99", "wrong": "99"}[how]}
    if kind == QuestionKind.SHORT_TEXT:
        return {"answer": {"right": "  BuildSpec.YML ", "partial": "nope", "wrong": "appspec.yml"}[how]}
    raise AssertionError(kind)


def questions_of(attempt: Attempt) -> list[Question]:
    by_id = Question.objects.in_bulk(attempt.question_order)
    return [by_id[pk] for pk in attempt.question_order]


@pytest.fixture
def mixed_quiz(db):
    """A published quiz with one question of each of the eight kinds, in kind order."""
    return build_quiz()
