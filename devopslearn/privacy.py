"""A learner's own data: download it all as JSON, or delete the account.

These views sit at the top of the house: they read every app's rows about one person.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import DeleteAccountForm
from cohorts.models import Membership
from progress.models import Certificate, DailyActivity, LessonCompletion, ModuleProgress, ReviewCard
from quizzes.models import Attempt, Response


def export_data(user) -> dict:
    attempts = Attempt.objects.filter(user=user).select_related("quiz__module").order_by("started_at")
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
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "pending_email": user.pending_email,
            "display_name": user.display_name,
            "time_zone": user.time_zone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "lesson_completions": [
            {"module": c.lesson.module.slug, "lesson": c.lesson.slug, "completed_at": c.completed_at.isoformat()}
            for c in LessonCompletion.objects.filter(user=user)
            .select_related("lesson__module")
            .order_by("completed_at")
        ],
        "module_progress": [
            {
                "module": p.module.slug,
                "lessons_completed": p.lessons_completed,
                "attempts": p.attempts,
                "best_percent": str(p.best_percent) if p.best_percent is not None else None,
                "completed_at": p.completed_at.isoformat() if p.completed_at else None,
            }
            for p in ModuleProgress.objects.filter(user=user).select_related("module")
        ],
        "attempts": [
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
            for a in attempts
        ],
        "review_cards": [
            {"question": c.question.key, "due": c.due.isoformat(), "reviews": c.reviews, "lapses": c.lapses}
            for c in ReviewCard.objects.filter(user=user).select_related("question")
        ],
        "activity": [
            {
                "day": d.day.isoformat(),
                "lessons_completed": d.lessons_completed,
                "questions_answered": d.questions_answered,
                "attempts_closed": d.attempts_closed,
                "reviews": d.reviews,
            }
            for d in DailyActivity.objects.filter(user=user).order_by("day")
        ],
        "certificates": [
            {"path": c.path_title, "name": c.name, "issued_at": c.issued_at.isoformat(), "code": c.code}
            for c in Certificate.objects.filter(user=user)
        ],
        "cohort_memberships": [
            {"cohort": m.cohort.name, "joined_at": m.joined_at.isoformat()}
            for m in Membership.objects.filter(user=user).select_related("cohort")
        ],
    }


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(export_data(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False})
    # RFC 6266: a name outside ASCII (đức) goes in filename*=utf-8''..., percent-encoded.
    response["Content-Disposition"] = content_disposition_header(True, f"devopslearn-{request.user.username}.json")
    return response


@transaction.atomic
def delete_account(user) -> None:
    """Remove personal data; quiz responses stay as anonymous rows so statistics do not change."""
    Attempt.objects.filter(user=user).update(user=None)
    Certificate.objects.filter(user=user).delete()
    user.delete()  # cascades: completions, progress rows, review cards, activity, memberships


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user)
        messages.success(request, _("Your account was deleted."))
        return redirect("courses:home")
    return render(request, "accounts/delete.html", {"form": form})
