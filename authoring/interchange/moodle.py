"""Moodle's question semantics translated to DevOps Learn's, and back: shared by the GIFT and the
Moodle XML readers and writers, so that each rule is written once.

Moodle gives every answer a weight (a fraction of the question's mark, from -100% to 100%).
DevOps Learn has one partial-credit rule per kind (``quizzes.grading``): a single-choice answer is
right or wrong; in a multiple-choice question each right answer earns an equal share (1/n for n
right answers) and each wrong answer picked takes one share away, never below zero. Moodle can
express that rule exactly (right answers at 100/n %, wrong ones at -100/n %), so an export
round-trips; other weights are imported as near as the rule allows, with a warning.
"""

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.utils.text import slugify

from authoring.interchange.bank import BankChoice, BankQuestion
from devopslearn.lib.markdown import plain_text
from quizzes.models import (
    MAX_ARTIFACT_LINES,
    ArtifactLanguage,
    Choice,
    Question,
    fill_placeholders,
    variant_values,
)
from quizzes.validation import check_question, check_variants

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


def question_key(name: str, taken: set[str], fallback: str = "question", limit: int | None = None) -> str:
    """A key of ours for a Moodle name: a slug, unique among ``taken`` (which it joins)."""
    limit = (limit or Question._meta.get_field("key").max_length) - 4
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
                f"a one-answer question here has exactly one answer worth 100% (this one has {len(right)})"
            )
        for answer in answers:
            if ZERO < answer.fraction < ONE - SAME_WEIGHT:
                warn(
                    f"the answer “{answer.text}” is worth {percent(answer.fraction)}%: partial credit for one "
                    "answer of a single-choice question cannot be represented; imported as a wrong answer"
                )
            elif answer.fraction < ZERO:
                warn(
                    f"the answer “{answer.text}” is worth {percent(answer.fraction)}%: a wrong single-choice "
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
        weights = ", ".join(f"{percent(a.fraction)}%" for a in answers)
        warn(
            f"the weights ({weights}) cannot be represented: here each right answer earns an equal share "
            f"({percent(expected)}%) and each wrong answer picked takes one share away; imported with the "
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
                f"the answer “{answer.text}” is worth {percent(answer.fraction)}%: partial credit cannot be "
                "represented; imported as a wrong answer (with its feedback)"
            )
        choices.append(BankChoice(answer.text, answer.fraction >= ONE - SAME_WEIGHT, answer.feedback))
    if not any(c.correct for c in choices):
        raise NotRepresentable("no answer is worth 100%")
    return choices


def numerical(answers: list[MoodleAnswer], *, warn: Warn) -> tuple[Decimal, Decimal, str]:
    """(answer, tolerance, feedback of the right answer) of a Moodle numerical question."""
    right = [a for a in answers if a.text.strip() != "*" and a.fraction >= ONE - SAME_WEIGHT]
    if not right:
        raise NotRepresentable("no numeric answer is worth 100%")
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
            f"{what} ({percent(answer.fraction)}%){detail} cannot be represented: a numeric question here has "
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
    if question.kind == "faulty_line" and len(question.choices) > MAX_ARTIFACT_LINES:
        raise NotRepresentable(f"the artifact has {len(question.choices)} lines; the limit is {MAX_ARTIFACT_LINES}")
    problems = check_question(
        question.kind,
        [
            {"text": c.text, "is_correct": c.correct, "match_text": c.match, "order": n}
            for n, c in enumerate(question.choices, start=1)
        ],
        numeric_answer=question.answer,
        tolerance=question.tolerance,
        select_count=question.select_count,
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


# --- what a Moodle format cannot say --------------------------------------------------------------
#
# Moodle has no faulty-line question, no numeric variants, no scenario flag and no misconception tags
# (GIFT has no points, units or ordering either). The writers export such a question in the nearest
# form Moodle has, with a comment, and list it; they also write a "devopslearn:" comment (JSON) that
# Moodle ignores and these readers use to restore the question exactly.

METADATA = "devopslearn:"
LINE_PREFIX = re.compile(r"^Line \d+: ?")
LANGUAGES = {language.value for language in ArtifactLanguage}


def outgoing(question: BankQuestion, *, native: set[str]) -> tuple[BankQuestion, dict, list[str]]:
    """(the question as a Moodle format can hold it, the metadata that restores the rest, the
    approximations made: one line each). ``native`` names what the format holds itself: "points",
    "unit", "ordering"."""
    q = replace(question, choices=[replace(c) for c in question.choices], variants=list(question.variants))
    meta: dict = {}
    notes: list[str] = []
    if "points" not in native and q.points != ONE:
        meta["points"] = format(q.points.normalize(), "f")
    if "unit" not in native and q.kind == "numeric" and q.unit:
        meta["unit"] = q.unit
    if q.scenario:
        meta["scenario"] = True
    tags = {str(n): c.misconception for n, c in enumerate(q.choices, start=1) if c.misconception}
    if tags:
        meta["misconceptions"] = tags
        texts = {c.misconception: c.misconception_text for c in q.choices if c.misconception and c.misconception_text}
        if texts:
            meta["misconception_texts"] = texts
    if q.kind == "ordering" and "ordering" not in native:
        meta["kind"] = "ordering"
        q.kind = "matching"
        q.choices = [BankChoice(f"Position {n}", False, "", c.text) for n, c in enumerate(q.choices, start=1)]
        notes.append(f"{q.key} (ordering): no ordering question in GIFT; exported as matching (position -> item)")
    elif q.kind == "faulty_line":
        meta.update(kind="faulty_line", select=q.select_count, artifact_language=q.artifact_language)
        q.kind = "single" if q.select_count == 1 else "multiple"
        q.choices = [replace(c, text=f"Line {n}: {c.text}") for n, c in enumerate(q.choices, start=1)]
        notes.append(
            f"{q.key} (find the faulty line): Moodle has no such question; exported as "
            f"{'single' if q.select_count == 1 else 'multiple'} choice over the artifact's lines"
        )
    if q.kind == "numeric" and q.variants:
        meta.update(variants=q.variants, prompt=q.prompt, explanation=q.explanation)
        values = variant_values(q.variants[0])
        q.prompt, q.explanation = fill_placeholders(q.prompt, values), fill_placeholders(q.explanation, values)
        q.answer = Decimal(str(q.variants[0]["answer"]))
        q.tolerance = Decimal(str(q.variants[0].get("tolerance") or 0))
        q.variants = []
        notes.append(
            f"{q.key} (numeric with {len(meta['variants'])} variants): Moodle has no variants; exported as its first"
        )
    return q, meta, notes


def header(approximations: list[str]) -> list[str]:
    """The lines that start an exported file: where it came from, and what it could only approximate."""
    lines = ["Exported by DevOps Learn."]
    if approximations:
        lines.append("Approximated (Moodle has no exact form for these; see the comment beside each question):")
        lines += [f"- {line}" for line in approximations]
    else:
        lines.append("Every question is exported exactly.")
    return lines


def metadata_text(meta: dict) -> str:
    """The metadata as one comment's text (no "--", which an XML comment cannot hold)."""
    return METADATA + " " + json.dumps(meta, ensure_ascii=False, sort_keys=True).replace("--", "-\\u002d")


def read_metadata(text: str) -> dict | None:
    """The metadata in a comment's text, or None when the comment is not ours."""
    text = text.strip()
    if not text.startswith(METADATA):
        return None
    try:
        data = json.loads(text[len(METADATA) :])
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python's recursion limit
        return None
    return data if isinstance(data, dict) else None


def incoming(question: BankQuestion, meta: dict | None, warn: Warn) -> BankQuestion:
    """Restore what ``outgoing`` put in the metadata (a file's comment: checked like the rest)."""
    if not meta:
        return question
    q = question
    if "points" in meta:
        points = number(str(meta["points"]))
        if points >= 0:
            q.points = points.normalize()
    if q.kind == "numeric" and isinstance(meta.get("unit"), str):
        q.unit = meta["unit"]
    q.scenario = meta.get("scenario") is True
    if meta.get("kind") == "ordering" and q.kind == "matching":
        q.kind = "ordering"
        q.choices = [BankChoice(c.match) for c in q.choices]
    elif meta.get("kind") == "faulty_line" and q.kind in ("single", "multiple"):
        q.kind = "faulty_line"
        q.choices = [replace(c, text=LINE_PREFIX.sub("", c.text, count=1)) for c in q.choices]
        select = meta.get("select", 1)
        q.select_count = select if isinstance(select, int) and not isinstance(select, bool) and select >= 1 else 1
        language = meta.get("artifact_language", "")
        q.artifact_language = language if language in LANGUAGES else ""
    if q.kind == "numeric" and "variants" in meta:
        prompt, explanation = str(meta.get("prompt") or q.prompt), str(meta.get("explanation") or q.explanation)
        variants, problems = check_variants(meta["variants"], prompt, explanation)
        if problems:
            warn(f"its numeric variants could not be read ({problems[0]}); imported as the one question Moodle sees")
        else:
            q.variants, q.prompt, q.explanation = variants, prompt, explanation
    tags = meta.get("misconceptions")
    texts = meta.get("misconception_texts") if isinstance(meta.get("misconception_texts"), dict) else {}
    if isinstance(tags, dict):
        for index, tag in tags.items():
            position = int(index) - 1 if str(index).isdigit() else -1
            if 0 <= position < len(q.choices) and isinstance(tag, str):
                q.choices[position].misconception = tag
                q.choices[position].misconception_text = str(texts.get(tag, ""))
    return q
