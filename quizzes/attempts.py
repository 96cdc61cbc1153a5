"""The life of an attempt: start (or resume), answer one question at a time, close, regrade.

Grading happens only here, on the server. An answer once given is final: answering again returns
the stored response and changes nothing.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Sum
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from quizzes.grading import AnswerError, grade, parse_answer
from quizzes.models import (
    SIX_PLACES,
    Attempt,
    AttemptAllowance,
    Choice,
    Question,
    QuestionKind,
    Quiz,
    Response,
    ResponseChoice,
    load_response,
)
from quizzes.signals import answers_regraded, attempt_closed, attempt_regraded, question_answered

_random = random.SystemRandom()


class AttemptRefused(Exception):
    """Starting or answering is not allowed; the message says why, in plain words."""


def shuffled_not_identity(items: list) -> list:
    """A random order that is never the given (correct) one, for 2+ distinct items."""
    if len(items) < 2:
        return list(items)
    result = list(items)
    while result == items:
        _random.shuffle(result)
    return result


def display_order(quiz: Quiz, question: Question, choices: list[Choice]) -> list[int]:
    ids = [c.pk for c in choices]
    if question.kind == QuestionKind.FAULTY_LINE:
        return [c.pk for c in sorted(choices, key=lambda c: (c.order, c.pk))]  # the artifact as it reads
    if question.kind in (QuestionKind.ORDERING, QuestionKind.MATCHING):
        return shuffled_not_identity(ids)  # showing the right order would give the answer away
    if question.kind == QuestionKind.TRUE_FALSE or not quiz.shuffle_choices:
        return ids
    return _random.sample(ids, len(ids))


@dataclass
class History:
    """What a learner was asked in their earlier attempts at a quiz: how often each question, and
    each (question, variant), and which questions the latest attempt asked."""

    questions: Counter
    variants: Counter
    latest: frozenset = frozenset()

    @classmethod
    def of(cls, user, quiz: Quiz) -> "History":
        questions, variants, latest = Counter(), Counter(), frozenset()
        rows = Attempt.objects.filter(user=user, quiz=quiz).order_by("number").values_list("question_order", "variants")
        for order, drawn in rows:
            questions.update(order)
            variants.update((int(qid), index) for qid, index in drawn.items())
            latest = frozenset(order)
        return cls(questions, variants, latest)


def draw_questions(quiz: Quiz, questions: list[Question], *, seed: str, history: History):
    """The questions an attempt asks and the variant of each numeric question with variants:
    ``([question, ...], {"question id": variant index})``. A pure function of its arguments: the
    same seed and history draw the same set (an attempt is seeded by its salt).

    Without drawn pools every published question is asked (shuffled if the quiz says so). With them,
    each slot draws its pool's count at random: first the questions the latest attempt did not ask,
    then those this learner was asked least often, so that a retake asks another set whenever the
    pool holds more than the count; the slots follow each other, each in the pool's question order.
    Variants are drawn the least asked first.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible on purpose; the seed (the attempt's salt) stays on the server
    questions = sorted(questions, key=lambda q: (q.order, q.pk))
    pools = quiz.drawn_pools()
    if not pools:
        drawn = list(questions)
        if quiz.shuffle_questions:
            rng.shuffle(drawn)
    else:
        drawn = []
        for pool in pools:
            members = [q for q in questions if q.pool_id == pool.pk]
            keys = {q.pk: rng.random() for q in members}
            ranked = sorted(
                members, key=lambda q, keys=keys: (q.pk in history.latest, history.questions[q.pk], keys[q.pk])
            )
            chosen = {q.pk for q in ranked[: pool.draw_count]}
            drawn += [q for q in members if q.pk in chosen]
        if quiz.shuffle_questions:
            rng.shuffle(drawn)
    variants = {}
    for question in drawn:
        if question.variants:
            indexes = list(range(len(question.variants)))
            keys = {index: rng.random() for index in indexes}
            variants[str(question.pk)] = min(indexes, key=lambda i: (history.variants[(question.pk, i)], keys[i]))
    return drawn, variants


def closed_count(user, quiz: Quiz) -> int:
    return Attempt.objects.closed().filter(user=user, quiz=quiz).count()


def attempts_left(user, quiz: Quiz) -> int | None:
    allowed = quiz.attempts_allowed_for(user)
    return None if allowed is None else max(0, allowed - closed_count(user, quiz))


# Who may grant a learner extra attempts or time on a quiz, besides staff: functions (user, quiz) ->
# [names], registered by higher apps (cohorts: the learner's cohort leads), so that a refusal names them.
_granters: list[Callable] = []


def register_granters(names_for: Callable) -> None:
    """Add ``names_for(user, quiz) -> list of display names`` to the people a refusal names."""
    if names_for not in _granters:
        _granters.append(names_for)


def granters_of(user, quiz: Quiz) -> list[str]:
    """The names of the people besides staff who can grant ``user`` more on ``quiz``, each once."""
    return list(dict.fromkeys(name for names_for in _granters for name in names_for(user, quiz)))


def no_attempts_left_message(user, quiz: Quiz) -> str:
    """The refusal when the attempts are used up, naming who can grant another."""
    names = granters_of(user, quiz)
    if not names:
        return _("You have used all your attempts at this quiz. An instructor can grant you an extra attempt.")
    return _(
        "You have used all your attempts at this quiz. Your cohort lead (%(names)s) or an instructor can grant you "
        "an extra attempt."
    ) % {"names": get_text_list(names, _("or"))}


def start_attempt(user, quiz: Quiz) -> Attempt:
    """Resume the learner's open attempt, or start a new one within the attempt limit; its deadline
    is the quiz's time limit plus the learner's extra time."""
    current = Attempt.objects.open().filter(user=user, quiz=quiz).first()
    if current is not None:
        if not current.is_expired():
            return current
        close_attempt(current, timed_out=True)
    if attempts_left(user, quiz) == 0:
        raise AttemptRefused(no_attempts_left_message(user, quiz))
    questions = list(quiz.questions.published().prefetch_related("choices"))
    now = timezone.now()
    extra = quiz.extra_minutes_for(user) if quiz.time_limit_minutes else 0
    attempt = Attempt(user=user, quiz=quiz, started_at=now, deadline=Attempt.new_deadline(quiz, now, extra))
    questions, attempt.variants = draw_questions(quiz, questions, seed=attempt.salt, history=History.of(user, quiz))
    if not questions:
        raise AttemptRefused(_("This quiz has no questions yet."))
    previous = Attempt.objects.filter(user=user, quiz=quiz).aggregate(n=Max("number"))["n"] or 0
    attempt.number = previous + 1
    attempt.max_score = sum((q.points for q in questions), Decimal(0))  # the score is over the drawn questions
    attempt.question_order = [q.pk for q in questions]
    attempt.choice_order = {str(q.pk): display_order(quiz, q, list(q.choices.all())) for q in questions}
    try:
        with transaction.atomic():
            attempt.save(force_insert=True)
            return attempt
    except IntegrityError:
        # Another request (a double click) started it a moment ago: resume that one.
        return Attempt.objects.open().get(user=user, quiz=quiz)


def ordered_choices(attempt: Attempt, question: Question, choices: list[Choice]) -> list[Choice]:
    """The question's choices in the order this attempt shows them."""
    by_id = {c.pk: c for c in choices}
    order = attempt.choice_order.get(str(question.pk), [])
    shown = [by_id[pk] for pk in order if pk in by_id]
    return shown + [c for c in choices if c.pk not in set(order)]


@dataclass
class Answered:
    response: Response
    created: bool


def submit_answer(attempt: Attempt, question: Question, data, *, user=None) -> Answered:
    """Grade and store the answer to one question; a repeat returns the first answer unchanged
    (checked under the attempt's lock, so that two requests at once record it once).

    ``user`` is the attempt's learner when the caller has it (the request's user): not read again.
    Everything but the writes happens before the transaction, which holds SQLite's write lock."""
    if not attempt.is_open:
        raise AttemptRefused(_("This attempt is closed: its answers can no longer change."))
    if attempt.is_expired():
        close_attempt(attempt, timed_out=True)
        raise AttemptRefused(_("Time is up: the attempt was closed and unanswered questions score 0."))
    question = attempt.asked(question)  # its drawn variant
    choices = list(question.choices.all())
    answer = parse_answer(question, choices, data, attempt.token)  # AnswerError: a form error
    result = grade(question, choices, answer)
    if user is None or user.pk != attempt.user_id:
        user = attempt.user
    with transaction.atomic():
        locked = Attempt.lock(attempt.pk)
        locked.user = user
        existing = load_response(locked.pk, question.pk)
        if existing is not None:
            return Answered(existing, created=False)
        if not locked.is_open:
            raise AttemptRefused(_("This attempt is closed: its answers can no longer change."))
        response = Response.graded(locked, question, answer, result)
        response.save(force_insert=True)  # no conflict: the repeat check above ran under the lock
        ResponseChoice.objects.bulk_create(
            [ResponseChoice(response=response, choice_id=pk) for pk in result.selected_ids]
        )
        response.attempt = locked
        question_answered.send(sender=Response, response=response)
    return Answered(response, created=True)


def close_attempt(attempt: Attempt, *, timed_out: bool = False) -> Attempt:
    """Close the attempt: unanswered questions score 0, the score and pass are stored, progress reacts.
    A timed-out attempt is closed as of its deadline. Returns the attempt as stored, with
    ``closed_now`` False when it was closed already (by another request or the periodic task)."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz", "user").get(pk=attempt.pk)
        attempt.closed_now = False
        if not attempt.is_open:
            return attempt
        now = timezone.now()
        closed_at = min(now, attempt.deadline) if timed_out and attempt.deadline else now
        answered = set(attempt.responses.values_list("question_id", flat=True))
        # A question deleted while the attempt was open (possible while nobody had answered it) is left out.
        points = dict(Question.objects.filter(pk__in=attempt.question_order).values_list("pk", "points"))
        Response.objects.bulk_create(
            Response(attempt=attempt, question_id=qid, answered=False, answered_at=closed_at)
            for qid in attempt.question_order
            if qid not in answered and qid in points
        )
        if len(points) < len(set(attempt.question_order)):
            attempt.max_score = sum(points.values(), Decimal(0))
        attempt.score = attempt.responses.aggregate(total=Sum("points"))["total"] or Decimal(0)
        attempt.passed = attempt.percent >= attempt.quiz.pass_mark
        attempt.submitted_at = closed_at
        attempt.timed_out = timed_out
        attempt.save(update_fields=["score", "max_score", "passed", "submitted_at", "timed_out"])
        attempt.closed_now = True
        attempt_closed.send(sender=Attempt, attempt=attempt)
    return attempt


def close_expired(attempts=None, *, now=None) -> int:
    """Close every open attempt past its deadline among ``attempts`` (a QuerySet of Attempt; all by
    default), each at its deadline with the answers it has: what the periodic task
    (quizzes.tasks.close_expired_attempts) does, and what a page does before it reads attempts or
    what is derived from them (scores, module states), so that none shows an expired attempt open.
    Returns how many were closed here (one closed meanwhile by another process is not counted)."""
    expired = (Attempt.objects.all() if attempts is None else attempts).expired(now)
    closed = 0
    for attempt in expired.order_by("pk").only("pk"):
        closed += close_attempt(attempt, timed_out=True).closed_now
    return closed


# The attribute the request's user carries (accounts.backends): whether they have an open timed attempt.
OPEN_TIMED_FLAG = "has_open_timed_attempt"


def open_timed_flag():
    """Whether the user (``OuterRef("pk")``) has an open attempt with a deadline, the only kind
    ``close_expired`` can close: the flag the session's one user query loads with the user
    (registered in QuizzesConfig.ready)."""
    return Exists(Attempt.objects.open().timed().filter(user_id=OuterRef("pk")))


def close_expired_of(user) -> int:
    """``close_expired`` for one learner's attempts, before a page reads what is derived from them.
    No query when the user carries the flag saying they have no open timed attempt (none can have
    expired); a user loaded some other way is looked up."""
    if getattr(user, OPEN_TIMED_FLAG, None) is False:
        return 0
    return close_expired(Attempt.objects.filter(user=user))


def refresh_deadlines(attempts) -> int:
    """Give each running attempt among ``attempts`` (a QuerySet) the deadline its quiz's time limit
    and its learner's extra time make now, when that is later: a grant of extra time, or a longer
    limit, reaches an attempt already running. A deadline never moves earlier (the learner was told
    their time), and an attempt whose time already ran out stays so (it closes at its deadline).
    Returns how many deadlines moved."""
    moved = 0
    with transaction.atomic():
        running = attempts.open().filter(deadline__gt=timezone.now()).select_for_update(of=("self",))
        for attempt in running.select_related("quiz"):
            extra = attempt.quiz.extra_minutes_for(attempt.user_id)
            deadline = Attempt.new_deadline(attempt.quiz, attempt.started_at, extra)
            if deadline is not None and deadline <= attempt.deadline:
                continue
            attempt.deadline = deadline
            attempt.save(update_fields=["deadline"])
            moved += 1
    return moved


def quiz_saved(sender, instance: Quiz, raw=False, **kwargs) -> None:
    """post_save of a quiz: its running attempts get a later deadline if its time limit grew."""
    if not raw and instance.time_limit_minutes:
        refresh_deadlines(Attempt.objects.filter(quiz=instance))


def grant(*, quiz: Quiz, user, granted_by, reason: str, extra_attempts: int = 0, extra_minutes: int = 0):
    """Record a grant of extra attempts and/or time to ``user`` on ``quiz`` (who, when, why), and
    extend the deadline of the attempt ``user`` may be taking now. Returns the AttemptAllowance."""
    with transaction.atomic():
        allowance = AttemptAllowance.objects.create(
            quiz=quiz,
            user=user,
            extra_attempts=extra_attempts,
            extra_minutes=extra_minutes,
            reason=reason,
            granted_by=granted_by,
        )
        if extra_minutes:
            refresh_deadlines(Attempt.objects.filter(quiz=quiz, user=user))
    return allowance


@dataclass
class RegradeChange:
    attempt: Attempt
    old_score: Decimal
    new_score: Decimal
    old_max: Decimal
    new_max: Decimal
    old_passed: bool
    new_passed: bool

    @property
    def old_percent(self) -> Decimal:
        return (self.old_score * 100 / self.old_max).quantize(SIX_PLACES) if self.old_max else Decimal(0)

    @property
    def new_percent(self) -> Decimal:
        return (self.new_score * 100 / self.new_max).quantize(SIX_PLACES) if self.new_max else Decimal(0)


class Regrade(list):
    """The attempts a regrade changes (RegradeChange items), and ``answers``: how many answers' points
    or verdicts it changes."""

    answers: int = 0

    @property
    def now_passing(self) -> int:
        return sum(1 for change in self if change.new_passed and not change.old_passed)

    @property
    def now_failing(self) -> int:
        return sum(1 for change in self if change.old_passed and not change.new_passed)


def regrade(questions, *, apply: bool) -> Regrade:
    """Grade every stored answer to ``questions`` again, as the questions are now (and pass states
    against the quiz's pass mark as it is now).

    Returns the attempts whose score, maximum or pass would change (a dry run without ``apply``).
    With ``apply``, everything happens in one transaction with the attempts locked: the new points
    of the responses, the attempts' scores and pass states, the ``attempt_regraded`` signal of
    each changed closed attempt and ``answers_regraded`` with the changed responses (progress
    reacts in the same transaction: module progress, then review cards).
    """
    if not apply:
        return _regrade(questions, apply=False)
    with transaction.atomic():
        return _regrade(questions, apply=True)


def _regrade(questions, *, apply: bool) -> Regrade:
    question_ids = [q.pk for q in questions]
    questions = {q.pk: q for q in Question.objects.filter(pk__in=question_ids).prefetch_related("choices")}
    attempts = Attempt.objects.filter(pk__in=Response.objects.filter(question_id__in=question_ids).values("attempt_id"))
    if apply:
        attempts = attempts.select_for_update(of=("self",))  # no answer or close slips in between reading and writing
    attempts = {a.pk: a for a in attempts.select_related("quiz").order_by("pk")}
    responses = Response.objects.filter(question_id__in=question_ids, attempt_id__in=list(attempts)).order_by("pk")
    delta: dict[int, Decimal] = {}
    changed_responses = []
    for response in responses:
        question = attempts[response.attempt_id].asked(questions[response.question_id])
        if response.answered:
            fraction = grade(question, list(question.choices.all()), response.answer).fraction
        else:
            fraction = Decimal(0)
        points = (question.points * fraction).quantize(SIX_PLACES)
        if points != response.points or fraction != response.fraction:
            delta[response.attempt_id] = delta.get(response.attempt_id, Decimal(0)) + points - response.points
            response.points, response.fraction, response.is_correct = points, fraction, fraction == 1
            response.attempt = attempts[response.attempt_id]
            changed_responses.append(response)
    maxima = _max_scores(list(attempts.values()))
    changes = Regrade()
    changes.answers = len(changed_responses)
    for attempt_id, attempt in attempts.items():
        if attempt.is_open:
            # An open attempt has no score yet (closing adds up its responses); only its maximum may change.
            new_score, new_passed = attempt.score, attempt.passed
        else:
            new_score = attempt.score + delta.get(attempt_id, Decimal(0))
            new_passed = None
        change = RegradeChange(
            attempt, attempt.score, new_score, attempt.max_score, maxima[attempt_id], attempt.passed, attempt.passed
        )
        change.new_passed = change.new_percent >= attempt.quiz.pass_mark if new_passed is None else new_passed
        if (change.new_score, change.new_max, change.new_passed) != (
            change.old_score,
            change.old_max,
            change.old_passed,
        ):
            changes.append(change)
    if apply:
        Response.objects.bulk_update(changed_responses, ["points", "fraction", "is_correct"])
        for change in changes:
            attempt = change.attempt
            attempt.score, attempt.max_score, attempt.passed = change.new_score, change.new_max, change.new_passed
            attempt.save(update_fields=["score", "max_score", "passed"])
            if not attempt.is_open:
                attempt_regraded.send(
                    sender=Attempt,
                    attempt=attempt,
                    previous_percent=change.old_percent,
                    previous_passed=change.old_passed,
                )
        if changed_responses:
            answers_regraded.send(sender=Response, responses=changed_responses)
    return changes


def _max_scores(attempts: list[Attempt]) -> dict[int, Decimal]:
    ids = {qid for a in attempts for qid in a.question_order}
    points = dict(Question.objects.filter(pk__in=ids).values_list("pk", "points"))
    return {a.pk: sum((points.get(qid, Decimal(0)) for qid in a.question_order), Decimal(0)) for a in attempts}


__all__ = ["AnswerError", "AttemptRefused", "close_attempt", "regrade", "start_attempt", "submit_answer"]
