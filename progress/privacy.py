"""What this app keeps about a person, for the data export and account deletion (accounts.personal_data).

Completions, progress rows, review cards, practice answers and activity go with the account (they cascade);
certificates are deleted explicitly (their user is SET_NULL so that other rows never block it)."""

from accounts import personal_data
from progress.models import (
    Certificate,
    CertificateChange,
    DailyActivity,
    LessonCompletion,
    ModuleProgress,
    PracticeAnswer,
    ReviewCard,
)


def export_completions(user) -> list[dict]:
    completions = LessonCompletion.objects.filter(user=user).select_related("lesson__module").order_by("completed_at")
    return [
        {"module": c.lesson.module.slug, "lesson": c.lesson.slug, "completed_at": c.completed_at.isoformat()}
        for c in completions
    ]


def export_module_progress(user) -> list[dict]:
    return [
        {
            "module": p.module.slug,
            "lessons_completed": p.lessons_completed,
            "attempts": p.attempts,
            "best_percent": str(p.best_percent) if p.best_percent is not None else None,
            "completed_at": p.completed_at.isoformat() if p.completed_at else None,
        }
        for p in ModuleProgress.objects.filter(user=user).select_related("module")
    ]


def export_review_cards(user) -> list[dict]:
    return [
        {"question": c.question.key, "due": c.due.isoformat(), "reviews": c.reviews, "lapses": c.lapses}
        for c in ReviewCard.objects.filter(user=user).select_related("question")
    ]


def export_activity(user) -> list[dict]:
    return [
        {
            "day": d.day.isoformat(),
            "lessons_completed": d.lessons_completed,
            "questions_answered": d.questions_answered,
            "attempts_closed": d.attempts_closed,
            "reviews": d.reviews,
            "practice_answers": d.practice_answers,
        }
        for d in DailyActivity.objects.filter(user=user).order_by("day")
    ]


def export_practice_answers(user) -> list[dict]:
    return [
        {
            "question": p.question.key,
            "answer": p.answer,
            "fraction": str(p.fraction),
            "answered_at": p.answered_at.isoformat(),
        }
        for p in PracticeAnswer.objects.filter(user=user).select_related("question").order_by("answered_at", "id")
    ]


def export_certificates(user) -> list[dict]:
    return [
        {
            "path": c.path_title,
            "name": c.name,
            "issued_at": c.issued_at.isoformat(),
            "last_issued_at": c.last_issued_at.isoformat() if c.last_issued_at else None,
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "code": c.code,
            "shared": c.shared,
            "changes": [
                {
                    "at": change.at.isoformat(),
                    "kind": change.kind,
                    "name_before": change.name_before,
                    "name_after": change.name_after,
                    "reason": change.reason,
                }
                for change in c.changes.all()
            ],
        }
        for c in Certificate.objects.filter(user=user).prefetch_related("changes")
    ]


def delete_certificates(user) -> None:
    Certificate.objects.filter(user=user).delete()


def register() -> None:
    personal_data.register("lesson_completions", export=export_completions, models=[LessonCompletion])
    personal_data.register("module_progress", export=export_module_progress, models=[ModuleProgress])
    personal_data.register("review_cards", export=export_review_cards, models=[ReviewCard])
    personal_data.register("practice_answers", export=export_practice_answers, models=[PracticeAnswer])
    personal_data.register("activity", export=export_activity, models=[DailyActivity])
    personal_data.register(
        "certificates",
        export=export_certificates,
        delete=delete_certificates,  # their change logs cascade; a staff member's name in "by" is set to NULL
        models=[Certificate, CertificateChange],
    )
