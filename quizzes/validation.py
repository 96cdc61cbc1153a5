"""The rules each kind of question must follow, in plain words: used by the admin and the importer."""

from decimal import Decimal

from django.utils.translation import gettext as _

from quizzes.models import MAX_ARTIFACT_LINES, QuestionKind


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
        if numeric_answer is None:
            problems.append(_("A numeric question needs its answer."))
        if tolerance is None or tolerance < 0:
            problems.append(_("A numeric question needs a tolerance of zero or more."))
    elif kind == QuestionKind.SHORT_TEXT and not any(str(c.get("text", "")).strip() for c in correct):
        problems.append(_("A short-text question needs at least one accepted answer (a correct choice)."))
    elif kind == QuestionKind.FAULTY_LINE:
        problems += check_faulty_line(len(choices), [c.get("order") for c in correct], select_count)
    return problems


def check_faulty_line(line_count: int, correct_lines: list[int], select_count: int) -> list[str]:
    """Problems with a find-the-faulty-line question whose artifact has ``line_count`` lines."""
    if not line_count:
        return [_("A find-the-faulty-line question needs an artifact: the log, plan or file to read.")]
    if line_count > MAX_ARTIFACT_LINES:
        return [
            _("The artifact has %(n)d lines; keep it to %(max)d (show the part that matters).")
            % {"n": line_count, "max": MAX_ARTIFACT_LINES}
        ]
    problems = []
    if select_count < 1 or select_count > line_count:
        problems.append(
            _("Learners may select from 1 to %(n)d lines (the artifact's length), not %(select)d.")
            % {"n": line_count, "select": select_count}
        )
    if not correct_lines:
        problems.append(_("Mark the faulty line: at least one line must be correct."))
    elif select_count == 1 and len(correct_lines) != 1:
        problems.append(
            _(
                "Learners select exactly one line, but %(n)d lines are marked correct: mark one, or let learners "
                "select %(n)d lines."
            )
            % {"n": len(correct_lines)}
        )
    elif len(correct_lines) > select_count:
        problems.append(
            _(
                "Learners may select %(select)d lines, but %(n)d are correct: nobody could earn full marks. Let "
                "them select %(n)d lines, or mark fewer lines correct."
            )
            % {"select": select_count, "n": len(correct_lines)}
        )
    return problems
