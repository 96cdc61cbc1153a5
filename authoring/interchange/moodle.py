"""Moodle's question semantics translated to DevOps Learn's, and back: shared by the GIFT and the
Moodle XML readers and writers, so that each rule is written once.

Moodle gives every answer a weight (a fraction of the question's mark, from -100 % to 100 %).
DevOps Learn has one partial-credit rule per kind (``quizzes.grading``): a single-choice answer is
right or wrong; in a multiple-choice question each right answer earns an equal share (1/n for n
right answers) and each wrong answer picked takes one share away, never below zero. Moodle can
express that rule exactly (right answers at 100/n %, wrong ones at -100/n %), so an export
round-trips; other weights are imported as near as the rule allows, with a warning.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify

from authoring.interchange.bank import BankChoice, BankQuestion
from devopslearn.lib.markdown import plain_text
from quizzes.models import Choice, Question
from quizzes.validation import check_question

ONE = Decimal(1)
ZERO = Decimal(0)
# Moodle stores fractions with 7 decimals (0.3333333 for a third): weights within this are equal.
SAME_WEIGHT = Decimal("0.00001")

Warn = Callable[[str], None]
KEY = re.compile(r"^[-a-zA-Z0-9_]+$")


class NotRepresentable(ValueError):
    """A question DevOps Learn cannot hold: the reader lists it (by name and line) and goes on."""


@dataclass
class MoodleAnswer:
    text: str
    fraction: Decimal = ZERO
    feedback: str = ""
    tolerance: Decimal | None = None


# --- text -----------------------------------------------------------------------------------------

MARKDOWN_FORMATS = {"markdown"}
PLAIN_FORMATS = {"plain", "plain_text"}
HTML_FORMATS = {"html", "moodle", "moodle_auto_format", "wiki_like"}
# The text inside these elements is never question text (the sanitiser would keep it as words).
NOT_TEXT = re.compile(r"<(script|style|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def to_markdown(text: str, text_format: str) -> str:
    """Question text or feedback of any Moodle format as markdown source. HTML stays HTML (the
    markdown renderer passes it to the one sanitiser when the question is saved); plain text is
    escaped so that a ``<`` in it stays a character."""
    text = text.replace("\r\n", "\n").strip()
    if text_format in PLAIN_FORMATS:
        return html.escape(text, quote=False)
    return NOT_TEXT.sub("", text)


def to_plain(text: str, text_format: str) -> str:
    """Choice texts and per-answer feedback are plain text here: markup is removed, entities
    decoded (the page escapes the result again when it shows it)."""
    text = text.replace("\r\n", "\n").strip()
    if text_format in PLAIN_FORMATS or text_format in MARKDOWN_FORMATS:
        return text
    return plain_text(NOT_TEXT.sub("", text))


def question_key(name: str, taken: set[str], fallback: str = "question") -> str:
    """A key of ours for a Moodle question name: a slug, unique among ``taken`` (which it joins)."""
    limit = Question._meta.get_field("key").max_length - 4
    if KEY.match(name) and len(name) <= limit and name not in taken:
        taken.add(name)
        return name
    base = (slugify(name.replace("đ", "d").replace("Đ", "D")) or fallback)[:limit].strip("-") or fallback
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def category_pool(path: str) -> str:
    """The pool a Moodle category path names: its last part ($course$/top/Deployments ->
    Deployments). In Moodle's paths "/" separates the parts and "//" is a slash in a name."""
    parts = [part.replace("\x00", "/").strip() for part in path.replace("//", "\x00").split("/")]
    parts = [part for part in parts if part and not part.startswith("$")]
    parts = [part for part in parts if part.lower() != "top"] or parts
    return parts[-1] if parts else ""


def number(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise NotRepresentable(f"“{text.strip()}” is not a number") from None
    if not value.is_finite():
        raise NotRepresentable(f"“{text.strip()}” is not a finite number")
    return value


def percent(fraction: Decimal) -> str:
    """A fraction as Moodle writes a weight: 1/3 -> "33.33333", 1 -> "100", -1/2 -> "-50"."""
    value = (fraction * 100).quantize(Decimal("0.00001"))
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def share(n: int) -> Decimal:
    return ONE / n


# --- Moodle to DevOps Learn ---------------------------------------------------------------------


def multichoice(answers: list[MoodleAnswer], *, single: bool, warn: Warn) -> tuple[str, list[BankChoice]]:
    """A Moodle multiple-choice question: ``single`` when one answer may be picked."""
    if len(answers) < 2:
        raise NotRepresentable("a choice question needs at least two answers")
    if single:
        right = [a for a in answers if a.fraction >= ONE - SAME_WEIGHT]
        if len(right) != 1:
            raise NotRepresentable(
                f"a one-answer question here has exactly one answer worth 100 % (this one has {len(right)})"
            )
        for answer in answers:
            if ZERO < answer.fraction < ONE - SAME_WEIGHT:
                warn(
                    f"the answer “{answer.text}” is worth {percent(answer.fraction)} %: partial credit for one "
                    "answer of a single-choice question cannot be represented; imported as a wrong answer"
                )
            elif answer.fraction < ZERO:
                warn(
                    f"the answer “{answer.text}” is worth {percent(answer.fraction)} %: a wrong single-choice "
                    "answer scores 0 here; imported without the penalty"
                )
        return "single", [BankChoice(a.text, a is right[0], a.feedback) for a in answers]
    right = [a for a in answers if a.fraction > ZERO]
    if not right:
        raise NotRepresentable("no answer has a positive weight, so none is right")
    expected = share(len(right))
    exact = all(abs(a.fraction - expected) <= SAME_WEIGHT for a in right) and all(
        abs(a.fraction + expected) <= SAME_WEIGHT for a in answers if a.fraction <= ZERO
    )
    if not exact:
        weights = ", ".join(f"{percent(a.fraction)} %" for a in answers)
        warn(
            f"the weights ({weights}) cannot be represented: here each right answer earns an equal share "
            f"({percent(expected)} %) and each wrong answer picked takes one share away; imported with the "
            "positively weighted answers as the right ones"
        )
    return "multiple", [BankChoice(a.text, a.fraction > ZERO, a.feedback) for a in answers]


def truefalse(correct: bool, true_feedback: str, false_feedback: str) -> list[BankChoice]:
    return [BankChoice("True", correct, true_feedback), BankChoice("False", not correct, false_feedback)]


def shortanswer(answers: list[MoodleAnswer], *, case_sensitive: bool, warn: Warn) -> list[BankChoice]:
    choices = []
    if case_sensitive:
        warn("Moodle compared answers case-sensitively; here answers are compared ignoring case and spaces")
    for answer in answers:
        if answer.text.strip() == "*":
            warn(
                "the catch-all answer “*” cannot be represented (an answer matches its text exactly)"
                + (f"; its feedback was not imported: “{answer.feedback}”" if answer.feedback else "")
            )
            continue
        if ZERO < answer.fraction < ONE - SAME_WEIGHT:
            warn(
                f"the answer “{answer.text}” is worth {percent(answer.fraction)} %: partial credit cannot be "
                "represented; imported as a wrong answer (with its feedback)"
            )
        choices.append(BankChoice(answer.text, answer.fraction >= ONE - SAME_WEIGHT, answer.feedback))
    if not any(c.correct for c in choices):
        raise NotRepresentable("no answer is worth 100 %")
    return choices


def numerical(answers: list[MoodleAnswer], *, warn: Warn) -> tuple[Decimal, Decimal, str]:
    """(answer, tolerance, feedback of the right answer) of a Moodle numerical question."""
    right = [a for a in answers if a.text.strip() != "*" and a.fraction >= ONE - SAME_WEIGHT]
    if not right:
        raise NotRepresentable("no numeric answer is worth 100 %")
    chosen = right[0]
    for answer in answers:
        if answer is chosen:
            continue
        if answer.text.strip() in ("*", ""):
            what = "any other answer"
        else:
            what = f"the answer {answer.text}" + (f" ± {answer.tolerance}" if answer.tolerance else "")
        detail = f" and its feedback “{answer.feedback}”" if answer.feedback else ""
        warn(
            f"{what} ({percent(answer.fraction)} %){detail} cannot be represented: a numeric question here has "
            "one right answer with a tolerance; not imported"
        )
    value = number(chosen.text)
    tolerance = abs(chosen.tolerance) if chosen.tolerance is not None else ZERO
    return value, tolerance, chosen.feedback


def matching(pairs: list[tuple[str, str]], *, warn: Warn) -> list[BankChoice]:
    choices = []
    for item, match in pairs:
        if not item.strip():
            warn(f"the extra answer “{match}” (a distractor without an item) cannot be represented; not imported")
            continue
        choices.append(BankChoice(item, False, "", match))
    return choices


def finish(question: BankQuestion) -> BankQuestion:
    """Check a translated question against the rules of its kind (``quizzes.validation``, the one
    place they live) and the columns' limits; raise NotRepresentable in plain words."""
    for choice in question.choices:
        for name, value in (("text", choice.text), ("match_text", choice.match)):
            limit = Choice._meta.get_field(name).max_length
            if len(value) > limit:
                raise NotRepresentable(f"an answer is {len(value)} characters long; the limit here is {limit}")
    if len(question.unit) > Question._meta.get_field("unit").max_length:
        raise NotRepresentable(f"the unit “{question.unit}” is too long")
    problems = check_question(
        question.kind,
        [{"text": c.text, "is_correct": c.correct, "match_text": c.match} for c in question.choices],
        numeric_answer=question.answer,
        tolerance=question.tolerance,
    )
    if problems:
        raise NotRepresentable(" ".join(problems))
    return question


# --- DevOps Learn to Moodle ---------------------------------------------------------------------


def weights(question: BankQuestion) -> list[Decimal]:
    """Each choice's Moodle weight under our rule: the exact equivalent, so that it round-trips."""
    if question.kind == "multiple":
        right = sum(1 for c in question.choices if c.correct) or 1
        return [share(right) if c.correct else -share(right) for c in question.choices]
    return [ONE if c.correct else ZERO for c in question.choices]
