"""A member's page for the lead (the drill-down): their progress page read-only, then their quiz
attempts and the questions they keep missing, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Max, Q

from progress.models import ReviewCard
from quizzes.models import Attempt, Question, Quiz, Response

ATTEMPTS_SHOWN = 30
MISSED_AGAIN = 2  # misses (wrong quiz answers and forgotten review cards) that make "keeps missing"
MISSED_SHOWN = 15


def attempts(user_id: int, path_id: int) -> list[Attempt]:
    """The member's finished attempts at the path's quizzes that learners can meet, latest first."""
    quizzes = Quiz.objects.shown_to_learners().filter(module__path_id=path_id)
    found = Attempt.objects.closed().filter(user_id=user_id, quiz__in=quizzes)
    return list(found.select_related("quiz__module").order_by("-submitted_at", "-pk")[:ATTEMPTS_SHOWN])


@dataclass
class Missed:
    question: Question
    asked: int  # times answered in a finished quiz attempt
    wrong: int  # of which not right (wrong or partly right)
    lapses: int  # times forgotten in spaced review

    @property
    def misses(self) -> int:
        return self.wrong + self.lapses


def missed_questions(user_id: int, path_id: int) -> list[Missed]:
    """The questions of the path the member missed MISSED_AGAIN times or more, in quizzes and in
    review together, most missed first. Three queries whatever the history's length."""
    answers = (
        Response.objects.filter(
            attempt__user_id=user_id,
            attempt__submitted_at__isnull=False,
            answered=True,
            question__quiz__module__path_id=path_id,
        )
        .values("question_id")
        .annotate(asked=Count("id"), wrong=Count("id", filter=Q(is_correct=False)), last=Max("answered_at"))
        .order_by()
    )
    answered = {row["question_id"]: row for row in answers}
    lapses = dict(
        ReviewCard.objects.filter(user_id=user_id, lapses__gt=0, question__quiz__module__path_id=path_id).values_list(
            "question_id", "lapses"
        )
    )
    candidates = {
        question_id
        for question_id in {*answered, *lapses}
        if answered.get(question_id, {}).get("wrong", 0) + lapses.get(question_id, 0) >= MISSED_AGAIN
    }
    questions = Question.objects.shown_to_learners().select_related("quiz__module").in_bulk(candidates)
    found = [
        Missed(
            question,
            asked=answered.get(pk, {}).get("asked", 0),
            wrong=answered.get(pk, {}).get("wrong", 0),
            lapses=lapses.get(pk, 0),
        )
        for pk, question in questions.items()
    ]
    found.sort(key=lambda item: (-item.misses, item.question.quiz.module.order, item.question.pk))
    return found[:MISSED_SHOWN]
