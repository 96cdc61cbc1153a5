"""Reading a learner's answer from a form and grading it: pure functions, no database writes.

An answer is stored by choice ids (never by the per-attempt tokens the page showed), so that a
regrade can grade it again after an instructor fixes the question.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from devopslearn.lib import translated
from devopslearn.lib.numbers import NumberError, parse_number, plain_number, with_unit, written_number
from quizzes.models import CHOICE_KINDS, SIX_PLACES, Choice, Question, QuestionKind

MAX_TEXT = 200
ONE = Decimal(1)
ZERO = Decimal(0)


class AnswerError(ValueError):
    """The submitted form cannot be read as an answer: shown to the learner as a form error."""


@dataclass
class Grade:
    fraction: Decimal
    answer_text: str
    selected_ids: list[int] = field(default_factory=list)
    matched_choice: Choice | None = None  # a short-text answer that matched a listed (wrong) answer

    @property
    def is_correct(self) -> bool:
        return self.fraction == ONE


def normalize_text(text: str) -> str:
    """Compare short answers ignoring case, spaces and Unicode presentation differences."""
    folded = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    # Casefolding and removing spaces can leave a letter and its combining mark apart ("U¯"): join them again.
    return unicodedata.normalize("NFKC", folded)


def short_text_match(question: Question, choices: list[Choice], given: str) -> Choice | None:
    """The listed answer a short-text answer matches, whatever the page's language: a choice's text
    in any language (the English accepted answers stay accepted in Vietnamese), else, for an answer
    of the question's further accepted answers (Question.accepted_answers), its first correct choice."""
    given = normalize_text(given)
    for choice in choices:
        texts = {translated.in_language(choice, "text", language) or "" for language in translated.languages()}
        if any(text and normalize_text(text) == given for text in texts):
            return choice
    if any(normalize_text(answer) == given for answer in question.accepted_answers or []):
        return next((choice for choice in choices if choice.is_correct), None)
    return None


def choice_text(question: Question, choice: Choice) -> str:
    """How a picked choice reads in an answer: its text, or "line 6: ..." for a faulty line."""
    if question.is_faulty_line:
        return _("line %(n)d: %(text)s") % {"n": choice.order, "text": choice.text}
    return choice.text


def _fraction(numerator, denominator) -> Decimal:
    if not denominator:
        return ZERO
    return (Decimal(numerator) / Decimal(denominator)).quantize(SIX_PLACES)


def match_options(choices: list[Choice]) -> list[Choice]:
    """The distinct right-hand sides of a matching question, one choice standing for each."""
    return list({choice.match_text: choice for choice in reversed(choices)}.values())


def parse_answer(question: Question, choices: list[Choice], data, token) -> dict:
    """Read the answer from POST data. ``token(role, id)`` names choices as the page did."""
    kind = question.kind
    if kind in CHOICE_KINDS:
        by_token = {token("c", choice.pk): choice.pk for choice in choices}
        several = question.selects_several
        picked = data.getlist("answer") if several else [data.get("answer", "")]
        picked = [value for value in picked if value]
        if not picked:
            raise AnswerError(_no_pick_message(question))
        if any(value not in by_token for value in picked):
            raise AnswerError(_("That choice is not part of this question. Reload the page and try again."))
        ids = list(dict.fromkeys(by_token[value] for value in picked))
        if question.is_faulty_line and len(ids) > question.select_count:
            raise AnswerError(
                ngettext("Select at most %(n)d line.", "Select at most %(n)d lines.", question.select_count)
                % {"n": question.select_count}
            )
        return {"choices": ids}
    if kind == QuestionKind.ORDERING:
        positions: dict[int, int] = {}
        for choice in choices:
            raw = data.get(f"position-{token('o', choice.pk)}", "")
            try:
                position = int(raw)
            except (TypeError, ValueError):
                raise AnswerError(_("Give every item a position.")) from None
            if not 1 <= position <= len(choices):
                raise AnswerError(_("Positions go from 1 to %(n)d.") % {"n": len(choices)})
            positions[choice.pk] = position
        if len(set(positions.values())) != len(choices):
            raise AnswerError(_("Give each item a different position."))
        return {"order": sorted(positions, key=positions.get)}
    if kind == QuestionKind.MATCHING:
        by_token = {token("m", option.pk): option.pk for option in match_options(choices)}
        pairs = {}
        for choice in choices:
            raw = data.get(f"match-{token('i', choice.pk)}", "")
            if not raw:
                raise AnswerError(_("Choose a match for every item."))
            if raw not in by_token:
                raise AnswerError(_("That match is not part of this question. Reload the page and try again."))
            pairs[str(choice.pk)] = by_token[raw]
        return {"pairs": pairs}
    if kind == QuestionKind.NUMERIC:
        try:  # read the way the page's language writes numbers; stored language-neutral
            return {"number": plain_number(parse_number(str(data.get("answer", "")), unit=question.unit))}
        except NumberError as problem:
            raise AnswerError(str(problem)) from None
    if kind == QuestionKind.SHORT_TEXT:
        text = " ".join(str(data.get("answer", "")).replace("\x00", "").split())
        if not text:
            raise AnswerError(_("Type your answer."))
        if len(text) > MAX_TEXT:
            raise AnswerError(_("Keep the answer under %(n)d characters.") % {"n": MAX_TEXT})
        return {"text": text}
    raise AnswerError(_("This question cannot be answered."))


def _no_pick_message(question: Question) -> str:
    if question.is_faulty_line:
        return _("Select at least one line.") if question.selects_several else _("Select a line.")
    return _("Choose at least one answer.") if question.selects_several else _("Choose an answer.")


def grade(question: Question, choices: list[Choice], answer: dict) -> Grade:
    """Grade a parsed answer against the question as it is now. ``choices`` are the question's."""
    kind = question.kind
    by_id = {choice.pk: choice for choice in choices}
    if kind in CHOICE_KINDS:
        picked = [by_id[pk] for pk in answer.get("choices", []) if pk in by_id]
        if question.is_faulty_line:
            picked.sort(key=lambda choice: choice.order)
        text = "; ".join(choice_text(question, choice) for choice in picked)
        if question.selects_several:
            correct = sum(1 for choice in choices if choice.is_correct)
            hits = sum(1 for choice in picked if choice.is_correct)
            misses = len(picked) - hits
            fraction = max(ZERO, _fraction(hits - misses, correct))
        else:
            fraction = ONE if len(picked) == 1 and picked[0].is_correct else ZERO
        return Grade(fraction, text[:500], selected_ids=[choice.pk for choice in picked])
    if kind == QuestionKind.ORDERING:
        right = [choice.pk for choice in sorted(choices, key=lambda c: (c.order, c.pk))]
        given = answer.get("order", [])
        in_place = sum(1 for expected, actual in zip(right, given, strict=False) if expected == actual)
        text = " → ".join(by_id[pk].text for pk in given if pk in by_id)
        return Grade(_fraction(in_place, len(right)), text[:500])
    if kind == QuestionKind.MATCHING:
        pairs = answer.get("pairs", {})
        right = sum(1 for choice in choices if pairs.get(str(choice.pk)) == choice.pk)
        text = "; ".join(
            f"{choice.text} = {by_id[pairs[str(choice.pk)]].match_text}"
            for choice in choices
            if pairs.get(str(choice.pk)) in by_id
        )
        return Grade(_fraction(right, len(choices)), text[:500])
    if kind == QuestionKind.NUMERIC:
        try:
            value = Decimal(answer.get("number", "NaN"))
        except InvalidOperation:
            value = Decimal("NaN")
        tolerance = question.tolerance or ZERO
        ok = (
            question.numeric_answer is not None
            and value.is_finite()
            and abs(value - question.numeric_answer) <= tolerance
        )
        return Grade(ONE if ok else ZERO, plain_number(value.quantize(SIX_PLACES)) if value.is_finite() else "")
    if kind == QuestionKind.SHORT_TEXT:
        matched = short_text_match(question, choices, answer.get("text", ""))
        ok = matched is not None and matched.is_correct
        return Grade(
            ONE if ok else ZERO,
            " ".join(answer.get("text", "").split()).casefold()[:500],
            # the listed answer it matched is recorded like a picked choice: statistics count its misconception
            selected_ids=[matched.pk] if matched is not None else [],
            matched_choice=matched,
        )
    return Grade(ZERO, "")


def correct_answer_text(question: Question, choices: list[Choice]) -> str:
    """The right answer in words, for the feedback and the result page."""
    kind = question.kind
    if kind in CHOICE_KINDS:
        return "; ".join(choice_text(question, choice) for choice in choices if choice.is_correct)
    if kind == QuestionKind.ORDERING:
        return " → ".join(choice.text for choice in sorted(choices, key=lambda c: (c.order, c.pk)))
    if kind == QuestionKind.MATCHING:
        return "; ".join(f"{choice.text} = {choice.match_text}" for choice in choices)
    if kind == QuestionKind.NUMERIC:
        if question.numeric_answer is None:
            return ""
        answer = written_number(question.numeric_answer)
        tolerance = written_number(question.tolerance or ZERO)
        return with_unit(answer, question.unit) + (f" (± {tolerance})" if question.tolerance else "")
    if kind == QuestionKind.SHORT_TEXT:
        # The first accepted answer is the answer; the others are variants a learner may also type.
        accepted = [choice.text for choice in choices if choice.is_correct]
        if len(accepted) < 2:
            return "".join(accepted)
        return _("%(answer)s (also accepted: %(others)s)") % {"answer": accepted[0], "others": ", ".join(accepted[1:])}
    return ""
