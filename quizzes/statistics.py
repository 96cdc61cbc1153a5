"""Item statistics of questions, computed with database aggregates (never a loop over responses).

As Moodle defines them, over each non-staff learner's first closed attempt:
- facility index: mean score / maximum score;
- discrimination index: 100 x the Pearson correlation between the item's score and the rest of the
  test (attempt total minus the item), empty when either variance is zero;
- the most chosen wrong choice (choice questions; the most chosen wrong line of a faulty-line
  question) or the most common wrong answer (other kinds).

With question pools each attempt asks its own draw: the same formulas apply per question, over the
first attempts that drew it (the "rest of the test" is the rest of that attempt). Wrong answers are
also grouped by the misconception their choice is tagged with, across questions.

The figures name a wrong choice and a misconception by id and tag (stored with a cohort's snapshot,
whatever the language of the request that computed them); ``in_page_language`` fetches their texts
for the page, which shows each in the page's language or, untranslated, in English with ``lang="en"``.
"""

import math
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from quizzes.models import CHOICE_KINDS, Choice, Misconception, Question, QuestionKind, Response, ResponseChoice

EXPLANATIONS = {
    "responses": _("How many learners' first finished attempts included the question."),
    "facility": _("Facility index: the average score as a share of the maximum; high means easy."),
    "discrimination": _(
        "Discrimination index: how well the question separates strong from weak learners (correlation with the "
        "rest of the quiz, ×100); above 30 is good, below 0 suggests a flawed question. Empty when everyone "
        "scored the same."
    ),
    "wrong": _("The wrong answer learners gave most often: what to re-teach."),
    "misconception": _(
        "Wrong answers grouped by the misconception their choice represents, across questions: how often it was "
        "picked, by how many learners, in how many questions."
    ),
}


@dataclass
class QuestionStats:
    question_id: int
    responses: int = 0
    facility: float | None = None
    discrimination: float | None = None
    top_wrong: str = ""  # the typed answer (other kinds); for a choice, its English text (older snapshots show it)
    top_wrong_count: int = 0
    top_wrong_choice_id: int | None = None  # choice kinds: the most chosen wrong choice, shown in the page's language

    @property
    def facility_percent(self) -> float | None:
        return None if self.facility is None else 100 * self.facility


def statistics_responses(user_ids=None):
    """The responses statistics are computed from; optionally only some learners' (a cohort)."""
    responses = Response.objects.filter(attempt__number=1, attempt__submitted_at__isnull=False).filter(
        ~Q(attempt__user__is_staff=True)
    )
    if user_ids is not None:
        responses = responses.filter(attempt__user_id__in=user_ids)
    return responses


def question_statistics(question_ids, user_ids=None) -> dict[int, QuestionStats]:
    """{question id: QuestionStats} for the given questions, in three queries."""
    question_ids = list(question_ids)
    base = statistics_responses(user_ids).filter(question_id__in=question_ids)
    x = Cast("points", FloatField())
    rest = Cast(F("attempt__score") - F("points"), FloatField())
    rows = (
        base.values("question_id", "question__points")
        .annotate(
            n=Count("id"),
            sx=Sum(x),
            sxx=Sum(x * x),
            sr=Sum(rest),
            srr=Sum(rest * rest),
            sxr=Sum(x * rest),
        )
        .order_by()
    )
    stats = {qid: QuestionStats(qid) for qid in question_ids}
    for row in rows:
        item = stats[row["question_id"]]
        n = row["n"]
        item.responses = n
        maximum = float(row["question__points"] or 0)
        if n and maximum:
            item.facility = (row["sx"] or 0.0) / n / maximum
        item.discrimination = pearson(n, row["sx"], row["sxx"], row["sr"], row["srr"], row["sxr"])
    kinds = dict(Question.objects.filter(pk__in=question_ids).values_list("pk", "kind"))
    wrong_choices = (
        # Read from the questions' wrong choices (an index on choice): the database then visits these
        # questions' picks only, not every pick ever made (a scan that grows with all the responses).
        ResponseChoice.objects.filter(choice__question_id__in=question_ids, choice__is_correct=False)
        .filter(response__in=base)
        .values("response__question_id", "choice_id", "choice__text", "choice__order")
        .annotate(n=Count("id"))
        .order_by("response__question_id", "-n", "choice__order", "choice__text", "choice_id")
    )
    for row in wrong_choices:
        item = stats[row["response__question_id"]]
        if row["n"] > item.top_wrong_count:
            text = row["choice__text"]
            if kinds.get(item.question_id) == QuestionKind.FAULTY_LINE:
                text = f"line {row['choice__order']}: {text}"
            item.top_wrong, item.top_wrong_count = text, row["n"]
            item.top_wrong_choice_id = row["choice_id"]
    other = [qid for qid, kind in kinds.items() if kind not in CHOICE_KINDS]
    if other:
        wrong_answers = (
            base.filter(question_id__in=other, is_correct=False, answered=True)
            .values("question_id", "answer_text")
            .annotate(n=Count("id"))
            .order_by("question_id", "-n", "answer_text")
        )
        for row in wrong_answers:
            item = stats[row["question_id"]]
            if row["n"] > item.top_wrong_count:
                item.top_wrong, item.top_wrong_count = row["answer_text"], row["n"]
    return stats


@dataclass
class MisconceptionStats:
    tag: str
    description: str
    picks: int  # wrong choices tagged with it, picked in the responses counted
    learners: int  # distinct learners who picked one
    questions: int  # distinct questions where it was picked


def misconception_statistics(question_ids=None, user_ids=None) -> list[MisconceptionStats]:
    """Wrong answers grouped by misconception across questions, most picked first, in one query.

    Counts the tagged wrong choices picked (and the listed wrong short answers matched) in the
    statistics responses (each learner's first finished attempt; a cohort's with ``user_ids``), of
    the given questions or of all.
    """
    base = statistics_responses(user_ids)
    if question_ids is not None:
        base = base.filter(question_id__in=list(question_ids))
    rows = (
        ResponseChoice.objects.filter(response__in=base, choice__is_correct=False, choice__misconception__isnull=False)
        .values("choice__misconception__tag", "choice__misconception__description")
        .annotate(
            picks=Count("id"),
            learners=Count("response__attempt__user", distinct=True),
            questions=Count("response__question", distinct=True),
        )
        .order_by("-picks", "choice__misconception__tag")
    )
    return [
        MisconceptionStats(
            row["choice__misconception__tag"],
            row["choice__misconception__description"],
            row["picks"],
            row["learners"],
            row["questions"],
        )
        for row in rows
    ]


def misconceptions_by_question(question_ids, user_ids=None) -> dict[int, list[MisconceptionStats]]:
    """{question id: ``misconception_statistics([question id], user_ids)``} for these questions, in one
    query (the same counts, grouped by question as well)."""
    base = statistics_responses(user_ids).filter(question_id__in=list(question_ids))
    rows = (
        ResponseChoice.objects.filter(response__in=base, choice__is_correct=False, choice__misconception__isnull=False)
        .values("response__question_id", "choice__misconception__tag", "choice__misconception__description")
        .annotate(picks=Count("id"), learners=Count("response__attempt__user", distinct=True))
        .order_by("response__question_id", "-picks", "choice__misconception__tag")
    )
    found: dict[int, list[MisconceptionStats]] = {}
    for row in rows:
        found.setdefault(row["response__question_id"], []).append(
            MisconceptionStats(
                row["choice__misconception__tag"],
                row["choice__misconception__description"],
                row["picks"],
                row["learners"],
                1,
            )
        )
    return found


def in_page_language(questions=(), misconceptions=()) -> None:
    """Give each QuestionStats of ``questions`` its ``wrong_choice`` (the Choice, with its question)
    and each MisconceptionStats of ``misconceptions`` its ``misconception``, in at most two queries,
    so that a page shows their texts in its language (``quizzes/_top_wrong.html``,
    ``quizzes/_misconception.html``) rather than the English the figures were computed with."""
    questions, misconceptions = list(questions), list(misconceptions)
    ids = {item.top_wrong_choice_id for item in questions if item.top_wrong_choice_id}
    choices = Choice.objects.select_related("question").in_bulk(ids) if ids else {}
    for item in questions:
        item.wrong_choice = choices.get(item.top_wrong_choice_id)
    tags = {item.tag for item in misconceptions}
    found = Misconception.objects.in_bulk(tags, field_name="tag") if tags else {}
    for item in misconceptions:
        item.misconception = found.get(item.tag)


def pearson(n, sx, sxx, sr, srr, sxr) -> float | None:
    """100 x the correlation of x and r from their sums; None when undefined (n < 2 or no variance)."""
    if not n or n < 2 or sx is None:
        return None
    var_x = n * sxx - sx * sx
    var_r = n * srr - sr * sr
    # Float sums of equal values (0.333333 a thousand times) do not cancel exactly: a variance that is
    # a billionth of the sum of squares is zero.
    if var_x <= 1e-9 * n * sxx or var_r <= 1e-9 * n * srr:
        return None
    return 100 * (n * sxr - sx * sr) / math.sqrt(var_x * var_r)
