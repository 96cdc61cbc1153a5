"""quiz.yaml in a module folder: the module quiz, its questions and choices, keyed by stable keys."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from courses.importers import (
    ContentError,
    ImportContext,
    check_columns,
    check_fields,
    line_of,
    read_text,
    read_yaml,
    require,
    require_mapping,
    require_slug,
)
from courses.models import Module
from quizzes.models import Choice, Question, QuestionKind, Quiz, ResponseChoice
from quizzes.validation import check_question

KINDS = {kind.value for kind in QuestionKind}
QUIZ_FIELDS = (*Quiz.IMPORT_FIELDS, "questions")  # the file holds what the row imports, and its questions
QUESTION_FIELDS = (
    "key",
    "kind",
    "points",
    "prompt",
    "explanation",
    "choices",
    "answer",
    "tolerance",
    "unit",
    "published",
)
CHOICE_FIELDS = ("key", "text", "correct", "feedback", "match")


@dataclass
class QuestionData:
    key: str
    values: dict
    choices: list[tuple[str, dict]] = field(default_factory=list)


@dataclass
class QuizData:
    path: Path
    values: dict
    questions: list[QuestionData]


def _decimal(path: Path, text: str, data: dict, key: str, where: str) -> Decimal | None:
    if data.get(key) is None:
        return None
    try:
        value = Decimal(str(data[key]))
    except InvalidOperation:
        raise ContentError(path, line_of(text, where), f"'{key}' must be a number") from None
    if not value.is_finite():
        raise ContentError(path, line_of(text, where), f"'{key}' must be a finite number")
    return value


class QuizFileLoader:
    filename = "quiz.yaml"

    def parse(self, path: Path, module_slug: str) -> QuizData:
        text = read_text(path)
        data = require_mapping(path, read_yaml(path, text), "quiz.yaml")
        check_fields(path, text, data, QUIZ_FIELDS, "quiz.yaml")
        optional_int = (int, type(None))
        values = {
            "title": require(path, text, data, "title"),
            "pass_mark": require(path, text, data, "pass_mark", int, 70),
            "shuffle_questions": require(path, text, data, "shuffle_questions", bool, False),
            "shuffle_choices": require(path, text, data, "shuffle_choices", bool, True),
            "max_attempts": require(path, text, data, "max_attempts", optional_int, None),
            "time_limit_minutes": require(path, text, data, "time_limit_minutes", optional_int, None),
            "published": require(path, text, data, "published", bool, True),
        }
        check_columns(path, text, Quiz, {"title": values["title"]})
        if not 0 <= values["pass_mark"] <= 100:
            raise ContentError(path, line_of(text, "pass_mark"), "pass_mark is a percentage from 0 to 100")
        questions = data.get("questions")
        if not isinstance(questions, list) or not questions:
            raise ContentError(path, line_of(text, "questions"), "a quiz needs a list of questions")
        seen: set[str] = set()
        parsed = []
        for order, raw in enumerate(questions, start=1):
            raw = require_mapping(path, raw, f"question {order}")
            key = require_slug(path, text, raw, "key")
            check_fields(path, text, raw, QUESTION_FIELDS, f"question '{key}'")
            where = f"key: {key}"
            if key in seen:
                raise ContentError(path, line_of(text, where), f"duplicate question key '{key}'")
            seen.add(key)
            kind = raw.get("kind")
            if kind not in KINDS:
                raise ContentError(
                    path, line_of(text, where), f"question '{key}': kind must be one of {', '.join(sorted(KINDS))}"
                )
            question = QuestionData(
                key=key,
                values={
                    "kind": kind,
                    "prompt_md": str(raw.get("prompt") or "").strip(),
                    "explanation_md": str(raw.get("explanation") or "").strip(),
                    "points": _decimal(path, text, raw, "points", where) or Decimal(1),
                    "order": order,
                    "numeric_answer": _decimal(path, text, raw, "answer", where),
                    "tolerance": _decimal(path, text, raw, "tolerance", where),
                    "unit": str(raw.get("unit") or ""),
                    "published": bool(raw.get("published", True)),
                },
            )
            check_columns(path, text, Question, {"unit": question.values["unit"]})
            if not question.values["prompt_md"]:
                raise ContentError(path, line_of(text, where), f"question '{key}' has no prompt")
            if not question.values["explanation_md"]:
                raise ContentError(path, line_of(text, where), f"question '{key}' has no explanation")
            choice_keys: set[str] = set()
            for position, choice in enumerate(raw.get("choices") or [], start=1):
                choice = require_mapping(path, choice, f"a choice of question '{key}'")
                choice_key = require_slug(path, text, choice, "key")
                check_fields(path, text, choice, CHOICE_FIELDS, f"a choice of question '{key}'")
                if choice_key in choice_keys:
                    raise ContentError(
                        path, line_of(text, where), f"question '{key}': duplicate choice key '{choice_key}'"
                    )
                choice_keys.add(choice_key)
                choice_values = {
                    "text": str(choice.get("text", "")).strip(),
                    "is_correct": bool(choice.get("correct", False)),
                    "feedback": str(choice.get("feedback") or "").strip(),
                    "order": position,
                    "match_text": str(choice.get("match") or "").strip(),
                }
                check_columns(path, text, Choice, choice_values)
                question.choices.append((choice_key, choice_values))
            problems = check_question(
                kind,
                [values for _key, values in question.choices],
                numeric_answer=question.values["numeric_answer"],
                tolerance=question.values["tolerance"],
            )
            if problems:
                raise ContentError(path, line_of(text, where), f"question '{key}': {problems[0]}")
            parsed.append(question)
        return QuizData(path=path, values=values, questions=parsed)

    def apply(self, parsed: QuizData, module: Module, context: ImportContext) -> None:
        quiz, outcome = context.sync(
            Quiz.objects.filter(module=module, key="module").first(),
            lambda: Quiz(module=module, key="module"),
            parsed.values,
            f"quiz of '{module.slug}'",
        )
        existing = {q.key: q for q in Question.objects.filter(quiz=quiz).prefetch_related("choices")}
        for data in parsed.questions:
            question, outcome = context.sync(
                existing.get(data.key),
                lambda data=data: Question(quiz=quiz, key=data.key),
                data.values,
                f"question '{module.slug}/{data.key}'",
            )
            if outcome == "skipped":
                continue
            choices = {c.key: c for c in question.choices.all()} if data.key in existing else {}
            for choice_key, values in data.choices:
                context.sync(
                    choices.pop(choice_key, None),
                    lambda question=question, choice_key=choice_key: Choice(question=question, key=choice_key),
                    values,
                    f"choice '{module.slug}/{data.key}/{choice_key}'",
                )
            for leftover in choices.values():
                if ResponseChoice.objects.filter(choice=leftover).exists():
                    context.notes.append(
                        f"choice '{module.slug}/{data.key}/{leftover.key}' is no longer in the file but learners "
                        "picked it; it was kept"
                    )
                else:
                    leftover.delete()
