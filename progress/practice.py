"""Practice now: the questions a learner missed, asked again at once, outside the review schedule.

Right after a quiz the missed questions are offered here (and a failed quiz's cards are not due for
ten minutes: without this the review page would be an empty dead end). An answer is graded and
explained like a review, stored as a PracticeAnswer, and counted as activity for the streak; it
changes no review card, no attempt and no statistic.
"""

import random
import re
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from progress import services
from progress.models import PracticeAnswer, ReviewCard
from quizzes.grading import AnswerError, grade, parse_answer
from quizzes.models import Attempt, Question, QuestionKind, Response


def missed_in(attempt: Attempt) -> list[int]:
    """The questions of a closed attempt that were missed (ResponseQuerySet.missed), in the attempt's order."""
    return attempt.missed_question_ids()


def upcoming_for(user) -> list[int]:
    """The questions of the learner's review cards that are not due yet, the soonest first."""
    cards = ReviewCard.objects.filter(user=user).shown_to_learners().filter(due__gt=timezone.now())
    return list(cards.order_by("due", "id").values_list("question_id", flat=True))


@dataclass
class Asked:
    """One question as practice shows it to one learner: its own choice order and opaque tokens,
    the same on every visit (so that a form posted later still names its choices)."""

    user_id: int
    question: Question

    def token(self, role: str, choice_id: int) -> str:
        key = f"practice-{self.user_id}-{self.question.pk}"
        return salted_hmac(key, f"{role}:{choice_id}", algorithm="sha256").hexdigest()[:16]

    @property
    def choice_order(self) -> dict:
        ids = [c.pk for c in self.question.choices.all()]
        if self.question.kind in (QuestionKind.ORDERING, QuestionKind.MATCHING) and len(ids) > 1:
            shuffled = list(ids)
            rng = random.Random(f"practice-{self.user_id}-{self.question.pk}")  # noqa: S311 - display order only
            while shuffled == ids:  # never the right order: it would give the answer away
                rng.shuffle(shuffled)
            ids = shuffled
        return {str(self.question.pk): ids}


FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,32}")


def new_form_key() -> str:
    """The random key of one practice form as shown (PracticeAnswer.form_key)."""
    return secrets.token_urlsafe(16)


def answer(user, asked: Asked, data) -> PracticeAnswer:
    """Grade and store a practice answer and count it as today's activity; the same form posted
    again returns the answer it stored (nothing new is stored or counted). AnswerError: a form error
    (an unreadable answer, or a form without its key)."""
    question = asked.question
    key = data.get("form_key", "")
    if not isinstance(key, str) or not FORM_KEY.fullmatch(key):
        raise AnswerError(_("This form is out of date: answer the question again."))
    earlier = PracticeAnswer.objects.filter(user=user, form_key=key).first()
    if earlier is not None:
        if earlier.question_id != question.pk:
            raise AnswerError(_("This form is out of date: answer the question again."))
        return earlier
    choices = list(question.choices.all())
    given = parse_answer(question, choices, data, asked.token)
    result = grade(question, choices, given)
    try:
        with transaction.atomic():
            practice = PracticeAnswer.objects.create(
                user=user, question_id=question.pk, answer=given, fraction=result.fraction, form_key=key
            )
    except IntegrityError:  # the same form, posted twice at once: the other request stored it
        return PracticeAnswer.objects.get(user=user, form_key=key, question_id=question.pk)
    services.record_activity(user, practice.answered_at, practice_answers=1)
    return practice


def as_response(asked: Asked, practice: PracticeAnswer) -> Response:
    """The practice answer in the shape the feedback reads (an unsaved quiz response)."""
    question = asked.question
    choices = list(question.choices.all())
    result = grade(question, choices, practice.answer)
    return Response(
        answer=practice.answer,
        answer_text=result.answer_text,
        fraction=practice.fraction,
        is_correct=result.is_correct,
        points=question.points * practice.fraction,
        answered=True,
    )
