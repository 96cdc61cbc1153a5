"""What this app keeps about a person, for the data export and account deletion (accounts.personal_data).

A deleted account's answers stay as anonymous rows, so that question statistics do not change."""

from accounts import personal_data
from quizzes.attempts import close_expired
from quizzes.models import Attempt, AttemptAllowance, Response


def export_attempts(user) -> list[dict]:
    close_expired(Attempt.objects.filter(user=user))  # one whose time ran out is exported closed
    responses: dict[int, list] = {}
    for response in Response.objects.filter(attempt__user=user).select_related("question").order_by("pk"):
        responses.setdefault(response.attempt_id, []).append(
            {
                "question": response.question.key,
                "answer": response.answer,
                "answer_text": response.answer_text,
                "points": str(response.points),
                "correct": response.is_correct,
                "answered": response.answered,
                "answered_at": response.answered_at.isoformat(),
            }
        )
    return [
        {
            "quiz": a.quiz.title,
            "module": a.quiz.module.slug,
            "number": a.number,
            "started_at": a.started_at.isoformat(),
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "score": str(a.score),
            "max_score": str(a.max_score),
            "passed": a.passed,
            "responses": responses.get(a.pk, []),
        }
        for a in Attempt.objects.filter(user=user).select_related("quiz__module").order_by("started_at")
    ]


def export_allowances(user) -> list[dict]:
    """Extra attempts and time granted to the learner (who granted them stays out: staff's own data)."""
    return [
        {
            "quiz": a.quiz.title,
            "extra_attempts": a.extra_attempts,
            "extra_minutes": a.extra_minutes,
            "reason": a.reason,
            "granted_at": a.created_at.isoformat(),
        }
        for a in AttemptAllowance.objects.filter(user=user).select_related("quiz").order_by("created_at")
    ]


def anonymise_attempts(user) -> None:
    Attempt.objects.filter(user=user).update(user=None)


def register() -> None:
    personal_data.register("attempts", export=export_attempts, delete=anonymise_attempts, models=[Attempt, Response])
    # Allowances go with the account (they cascade); one granted by the deleted user loses its granter.
    personal_data.register("attempt_allowances", export=export_allowances, models=[AttemptAllowance])
