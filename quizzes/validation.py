"""The rules each kind of question must follow, in plain words: used by the admin and the importer."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from devopslearn.lib.numbers import NumberError, parse_number, plain_number
from quizzes.models import MAX_ARTIFACT_LINES, QuestionKind, missing_placeholders, variant_values


def check_question(
    kind: str,
    choices: list[dict],
    *,
    numeric_answer: Decimal | None,
    tolerance: Decimal | None,
    select_count: int = 1,
) -> list[str]:
    """Problems with a question of ``kind`` whose choices are dicts with text/is_correct/match_text
    (a faulty-line question: one per line of its artifact, in line order)."""
    problems: list[str] = []
    correct = [c for c in choices if c.get("is_correct")]
    texts = [str(c.get("text", "")).strip() for c in choices]
    if kind in (
        QuestionKind.SINGLE,
        QuestionKind.MULTIPLE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.ORDERING,
        QuestionKind.MATCHING,
    ) and any(not t for t in texts):
        problems.append(_("Every choice needs a text."))
    if kind == QuestionKind.SINGLE:
        if len(choices) < 2:
            problems.append(_("A single-choice question needs at least two choices."))
        if len(correct) != 1:
            problems.append(
                _("A single-choice question needs exactly one correct choice (it has %(n)d).") % {"n": len(correct)}
            )
    elif kind == QuestionKind.MULTIPLE:
        if len(choices) < 2:
            problems.append(_("A multiple-choice question needs at least two choices."))
        if not correct:
            problems.append(_("A multiple-choice question needs at least one correct choice."))
    elif kind == QuestionKind.TRUE_FALSE:
        if len(choices) != 2 or len(correct) != 1:
            problems.append(
                _("A true/false question needs exactly the two choices True and False, one of them correct.")
            )
    elif kind == QuestionKind.ORDERING:
        if len(choices) < 3:
            problems.append(_("An ordering question needs at least three items."))
    elif kind == QuestionKind.MATCHING:
        matches = [str(c.get("match_text", "")).strip() for c in choices]
        if len(choices) < 3:
            problems.append(_("A matching question needs at least three pairs."))
        if any(not m for m in matches):
            problems.append(_("Every item of a matching question needs its match."))
        elif len(set(matches)) != len(matches) or len(set(texts)) != len(texts):
            problems.append(_("Matching pairs must be unique: two items share the same text or the same match."))
    elif kind == QuestionKind.NUMERIC:
        problems += numeric_problems(numeric_answer, tolerance).values()
    elif kind == QuestionKind.SHORT_TEXT and not any(str(c.get("text", "")).strip() for c in correct):
        problems.append(_("A short-text question needs at least one accepted answer (a correct choice)."))
    elif kind == QuestionKind.FAULTY_LINE:
        problems += check_faulty_line(len(choices), [c.get("order") for c in correct], select_count)
    return problems


def numeric_problems(numeric_answer: Decimal | None, tolerance: Decimal | None) -> dict[str, str]:
    """Problems with a numeric question's answer and tolerance, keyed by the field they concern."""
    problems = {}
    if numeric_answer is None:
        problems["numeric_answer"] = _("A numeric question needs its answer.")
    if tolerance is None or tolerance < 0:
        problems["tolerance"] = _("A numeric question needs a tolerance of zero or more.")
    return problems


def check_faulty_line(line_count: int, correct_lines: list[int], select_count: int) -> list[str]:
    """Problems with a find-the-faulty-line question whose artifact has ``line_count`` lines."""
    if not line_count:
        return [_("A find-the-faulty-line question needs an artifact: the log, plan or file to read.")]
    if line_count > MAX_ARTIFACT_LINES:
        return [
            ngettext(
                "The artifact has %(n)d line; keep it to %(max)d (show the part that matters).",
                "The artifact has %(n)d lines; keep it to %(max)d (show the part that matters).",
                line_count,
            )
            % {"n": line_count, "max": MAX_ARTIFACT_LINES}
        ]
    problems = []
    if select_count < 1 or select_count > line_count:
        problems.append(
            ngettext(
                "Learners may select from 1 to %(n)d line (the artifact's length), not %(select)d.",
                "Learners may select from 1 to %(n)d lines (the artifact's length), not %(select)d.",
                line_count,
            )
            % {"n": line_count, "select": select_count}
        )
    if not correct_lines:
        problems.append(_("Mark the faulty line: at least one line must be correct."))
    elif select_count == 1 and len(correct_lines) != 1:
        problems.append(
            ngettext(
                "Learners select exactly one line, but %(n)d line is marked correct: mark one, or let learners "
                "select %(n)d line.",
                "Learners select exactly one line, but %(n)d lines are marked correct: mark one, or let learners "
                "select %(n)d lines.",
                len(correct_lines),
            )
            % {"n": len(correct_lines)}
        )
    elif len(correct_lines) > select_count:
        problems.append(
            ngettext(
                "Learners may select %(select)d lines, but %(n)d is correct: nobody could earn full marks. Let "
                "them select %(n)d line, or mark fewer lines correct.",
                "Learners may select %(select)d lines, but %(n)d are correct: nobody could earn full marks. Let "
                "them select %(n)d lines, or mark fewer lines correct.",
                len(correct_lines),
            )
            % {"select": select_count, "n": len(correct_lines)}
        )
    return problems


def check_variants(variants, prompt: str, explanation: str) -> tuple[list[dict], list[str]]:
    """The variants of a numeric question as stored ([{"values", "answer", "tolerance"}], numbers as
    plain strings) and the problems with them, in plain words. Numbers given as text are read by the
    one parser, in the page's language."""
    if not isinstance(variants, list) or not variants:
        return [], [_('Variants are a list such as [{"values": {"deploys": 48}, "answer": 1.6, "tolerance": 0.05}].')]
    stored, problems = [], []
    for number, variant in enumerate(variants, start=1):
        if not isinstance(variant, dict) or set(variant) - {"values", "answer", "tolerance"}:
            problems.append(_("Variant %(n)d: give only values, answer and tolerance.") % {"n": number})
            continue
        values = variant.get("values") or {}
        if not isinstance(values, dict) or not all(
            isinstance(name, str)
            and name.isidentifier()
            and isinstance(v, str | int | float)
            and not isinstance(v, bool)
            for name, v in values.items()
        ):
            problems.append(
                _("Variant %(n)d: values map names (letters, digits, _) to numbers or text.") % {"n": number}
            )
            continue
        answer, tolerance = _number(variant.get("answer")), _number(variant.get("tolerance", 0))
        if answer is None:
            problems.append(_("Variant %(n)d needs an answer (a number).") % {"n": number})
            continue
        if tolerance is None or tolerance < 0:
            problems.append(_("Variant %(n)d needs a tolerance of zero or more.") % {"n": number})
            continue
        entry = {"values": values, "answer": plain_number(answer), "tolerance": plain_number(tolerance)}
        for name in missing_placeholders(f"{prompt}\n{explanation}", variant_values(entry)):
            problems.append(
                _("The prompt or explanation uses {%(name)s}, but variant %(n)d gives it no value.")
                % {"name": name, "n": number}
            )
        stored.append(entry)
    return stored, problems


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    try:
        return parse_number(str(value))
    except NumberError:
        return None
