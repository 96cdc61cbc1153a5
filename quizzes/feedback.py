"""What a learner sees of a question: the form before answering (no answer key anywhere in it),
and the feedback after (right answer, explanation, the feedback of the chosen choices)."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _

from devopslearn.lib import translated
from devopslearn.lib.numbers import number_rule, with_unit, written_number
from quizzes.grading import correct_answer_text, match_options, short_text_match
from quizzes.models import CHOICE_KINDS, Attempt, Choice, Question, QuestionKind, Response


def lang(instance, name: str = "text") -> str:
    """ "en" when ``instance``'s ``name`` shows in English on a page in another language, else "":
    the element holding it says so (``lang="en"``), for screen readers."""
    return translated.DEFAULT if translated.shown_in_english(instance, name) else ""


@dataclass
class Option:
    token: str
    text: str
    checked: bool = False
    number: int = 0  # a faulty-line question: the line number
    lang: str = ""  # "en" for an English text on a page in another language
    letter: str = ""  # a matching question's right-hand side: its letter in the list beside the menus


@dataclass
class Item:
    token: str
    text: str
    selected: str = ""
    lang: str = ""


@dataclass
class FormFields:
    kind: str
    options: list[Option] = field(default_factory=list)  # single, multiple, true/false
    items: list[Item] = field(default_factory=list)  # ordering, matching
    targets: list[Option] = field(default_factory=list)  # matching: the right-hand sides
    positions: list[int] = field(default_factory=list)  # ordering: 1..n
    value: str = ""  # numeric, short text
    several: bool = False  # choices and lines: checkboxes rather than radio buttons
    select_count: int = 1  # faulty line: how many lines may be selected
    artifact_language: str = ""  # faulty line: the label above the block
    number_rule: str = ""  # numeric: how to write a number in the page's language


def form_fields(attempt: Attempt, question: Question, choices: list[Choice], submitted=None) -> FormFields:
    """Names and texts only: the tokens reveal neither ids nor which choice is right."""
    data = submitted or {}
    getlist = data.getlist if hasattr(data, "getlist") else (lambda key: [])
    fields = FormFields(kind=question.kind, several=question.selects_several)
    if question.kind in CHOICE_KINDS:
        picked = set(getlist("answer"))
        fields.options = [
            Option(
                token := attempt.token("c", c.pk),
                c.text,
                token in picked,
                c.order if question.is_faulty_line else 0,
                "" if question.is_faulty_line else lang(c),  # an artifact's line is never translated
            )
            for c in choices
        ]
        if question.is_faulty_line:
            fields.select_count = question.select_count
            fields.artifact_language = question.get_artifact_language_display() if question.artifact_language else ""
    elif question.kind == QuestionKind.ORDERING:
        fields.positions = list(range(1, len(choices) + 1))
        fields.items = [
            Item(token := attempt.token("o", c.pk), c.text, str(data.get(f"position-{token}", "")), lang(c))
            for c in choices
        ]
    elif question.kind == QuestionKind.MATCHING:
        # ``choices`` come in this attempt's shuffled order; the right-hand sides get an order of
        # their own, never lined up with the items, so their position says nothing either.
        options = sorted(match_options(choices), key=lambda c: attempt.token("m", c.pk))
        if [c.pk for c in options] == [c.pk for c in choices]:
            options = options[1:] + options[:1]
        fields.targets = [
            Option(attempt.token("m", c.pk), c.match_text, lang=lang(c, "match_text"), letter=option_letter(n))
            for n, c in enumerate(options)
        ]
        fields.items = [
            Item(token := attempt.token("i", c.pk), c.text, str(data.get(f"match-{token}", "")), lang(c))
            for c in choices
        ]
    else:
        fields.value = str(data.get("answer", "")).replace("\x00", "")[:200]
        if question.kind == QuestionKind.NUMERIC:
            fields.number_rule = number_rule()
    return fields


def option_letter(index: int) -> str:
    """A, B, ... Z, then AA, AB, ...: the name of a matching question's option in the list and the menus."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class ChoiceFeedback:
    text: str
    is_correct: bool
    feedback: str
    lang: str = ""  # "en": the feedback shows in English on a page in another language
    selected: bool = True
    text_lang: str = ""  # "en": the choice's text shows in English on a page in another language

    @property
    def mark(self) -> str:
        """right (chosen and right), wrong (chosen and wrong), missed (right, not chosen) or "" (neither)."""
        if self.selected:
            return "right" if self.is_correct else "wrong"
        return "missed" if self.is_correct else ""


@dataclass
class LineFeedback:
    """One line of a faulty-line artifact after answering."""

    number: int
    text: str
    selected: bool
    is_correct: bool
    feedback: str  # shown for a selected line and for the faulty line(s)
    lang: str = ""  # "en": the feedback shows in English on a page in another language


class Pair(NamedTuple):
    """A row of a matching or ordering question's table after answering; each text with its ``lang``
    ("en" when it shows in English on a page in another language)."""

    item: str
    given: str
    right: str
    ok: bool
    item_lang: str = ""
    given_lang: str = ""
    right_lang: str = ""


def correct_answer_lang(question: Question, choices: list[Choice]) -> str:
    """ "en" when the texts that ``correct_answer_text`` joins all show in English on a page in another
    language (a number's unit, the right choices' texts, every item of an ordering or matching), else ""."""
    if question.kind == QuestionKind.NUMERIC:
        return lang(question, "unit") if question.unit else ""
    if question.kind == QuestionKind.ORDERING:
        texts = [(c, "text") for c in choices]
    elif question.kind == QuestionKind.MATCHING:
        texts = [(c, name) for c in choices for name in ("text", "match_text")]
    else:
        texts = [(c, "text") for c in choices if c.is_correct]
    return translated.DEFAULT if texts and all(lang(c, name) for c, name in texts) else ""


def generic_line_feedback() -> str:
    return _("This line is not where the failure shows.")


@dataclass
class Feedback:
    verdict: str  # right, partial, wrong, unanswered
    your_answer: str
    correct_answer: str
    chosen: list[ChoiceFeedback]  # a short answer: the feedback of the accepted or known wrong answer it matched
    pairs: list[Pair]  # item, given, right, ok (matching and ordering)
    explanation_html: str
    lines: list[LineFeedback] = field(default_factory=list)  # faulty line: the artifact, marked
    artifact_language: str = ""
    explanation_lang: str = ""  # "en": the explanation shows in English on a page in another language
    marked: list[ChoiceFeedback] = field(default_factory=list)  # single, multiple, true/false: every choice
    correct_answer_lang: str = ""  # "en": every text of the right answer shows in English

    @property
    def shows_right_answer(self) -> bool:
        """The right answer in words is shown only where the marked choices, lines or table do not
        already show it (a number, a short answer, an unanswered ordering or matching question)."""
        return self.verdict != "right" and not (self.marked or self.lines or self.pairs)

    @property
    def heading(self) -> str:
        return {
            "right": _("Correct"),
            "partial": _("Partly right"),
            "wrong": _("Not quite"),
            "unanswered": _("Not answered"),
        }[self.verdict]


def feedback_for(question: Question, choices: list[Choice], response: Response | None) -> Feedback:
    by_id = {c.pk: c for c in choices}
    verdict = response.verdict if response is not None else "unanswered"
    chosen: list[ChoiceFeedback] = []
    pairs: list[Pair] = []
    answer = response.answer if response is not None else {}
    lines: list[LineFeedback] = []
    marked: list[ChoiceFeedback] = []
    if question.is_faulty_line:  # every line, marked; the feedback beside the selected and the faulty ones
        picked = set(answer.get("choices", []))
        for choice in sorted(choices, key=lambda c: c.order):
            selected = choice.pk in picked
            text = choice.feedback if selected or choice.is_correct else ""
            if selected and not choice.is_correct and not text:
                text = generic_line_feedback()
            line_lang = lang(choice, "feedback") if choice.feedback and text == choice.feedback else ""
            lines.append(LineFeedback(choice.order, choice.text, selected, choice.is_correct, text, line_lang))
    elif question.kind in CHOICE_KINDS:  # every choice, in the order shown, marked
        picked = set(answer.get("choices", []))
        marked = [
            ChoiceFeedback(
                c.text,
                c.is_correct,
                c.feedback if c.pk in picked or c.is_correct else "",
                lang=lang(c, "feedback"),
                selected=c.pk in picked,
                text_lang=lang(c, "text"),
            )
            for c in choices
        ]
    elif question.kind == QuestionKind.ORDERING:
        right = sorted(choices, key=lambda c: (c.order, c.pk))
        for position, pk in enumerate(answer.get("order", []), start=1):
            if pk in by_id:
                expected = right[position - 1] if position <= len(right) else None
                pairs.append(
                    Pair(
                        str(position),
                        by_id[pk].text,
                        expected.text if expected else "",
                        expected is not None and expected.pk == pk,
                        given_lang=lang(by_id[pk], "text"),
                        right_lang=lang(expected, "text") if expected else "",
                    )
                )
    elif question.kind == QuestionKind.MATCHING:
        given = answer.get("pairs", {})
        for choice in choices:
            match = by_id.get(given.get(str(choice.pk)))
            pairs.append(
                Pair(
                    choice.text,
                    match.match_text if match else "",
                    choice.match_text,
                    match is not None and match.pk == choice.pk,
                    item_lang=lang(choice, "text"),
                    given_lang=lang(match, "match_text") if match else "",
                    right_lang=lang(choice, "match_text"),
                )
            )
    elif question.kind == QuestionKind.SHORT_TEXT:
        text = answer.get("text", "")
        matched = short_text_match(question, choices, text) if text else None
        if matched is not None and matched.feedback:
            chosen = [
                ChoiceFeedback(
                    matched.text,
                    matched.is_correct,
                    matched.feedback,
                    lang(matched, "feedback"),
                    text_lang=lang(matched, "text"),
                )
            ]
    your = ""  # in words only where nothing else shows it: the other kinds mark it in place
    if response is not None and response.answered:
        if question.kind == QuestionKind.NUMERIC:
            your = with_unit(written_number(answer.get("number", "")), question.unit)
        elif question.kind == QuestionKind.SHORT_TEXT:
            your = answer.get("text", "")
    return Feedback(
        verdict=verdict,
        your_answer=your,
        correct_answer=correct_answer_text(question, choices),
        correct_answer_lang=correct_answer_lang(question, choices),
        chosen=chosen,
        pairs=pairs,
        explanation_html=question.explanation_html,
        explanation_lang=lang(question, "explanation_md"),
        lines=lines,
        artifact_language=question.get_artifact_language_display() if question.artifact_language else "",
        marked=marked,
    )
