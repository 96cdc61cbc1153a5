"""The cohort's "Questions" tab: each question of the path's quizzes with the cohort's statistics, and
the cohort's wrong answers grouped by the misconception they represent, across questions."""

from cohorts.models import Cohort
from progress.states import PathPlan
from quizzes.models import Question
from quizzes.statistics import MisconceptionStats, misconception_statistics, question_statistics


def cohort_questions(cohort: Cohort, plan: PathPlan):
    """(question, statistics) for each question the cohort answered, hardest (lowest facility) first."""
    questions = list(
        Question.objects.shown_to_learners()
        .filter(quiz__module__in=[m.pk for m in plan.modules], quiz__lesson__isnull=True)
        .select_related("quiz__module")
    )
    stats = question_statistics([q.pk for q in questions], user_ids=cohort.memberships.values("user_id"))
    rows = [(q, stats[q.pk]) for q in questions if stats[q.pk].responses]
    rows.sort(key=lambda item: (item[1].facility if item[1].facility is not None else 2, item[0].pk))
    return rows


def cohort_misconceptions(cohort: Cohort, question_ids) -> list[MisconceptionStats]:
    """The misconceptions behind the cohort's wrong answers to ``question_ids``, most picked first
    (quizzes.statistics.misconception_statistics over the members' statistics responses)."""
    return misconception_statistics(question_ids, user_ids=cohort.memberships.values("user_id"))
