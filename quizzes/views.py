from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from courses import catalog
from progress.states import learner_statuses
from quizzes import attempts as lifecycle
from quizzes import catalog as quiz_catalog
from quizzes.feedback import feedback_for, form_fields
from quizzes.grading import AnswerError
from quizzes.models import Attempt, Question, Quiz, Response, answered_question_ids, load_response


def _quiz_for_learner(request: HttpRequest, quiz_id: int):
    """A published quiz and the learner's standing in its module: 404 if unpublished."""
    quiz = get_object_or_404(
        Quiz.objects.published().select_related("module__path", "lesson"), pk=quiz_id, module__published=True
    )
    statuses = learner_statuses(quiz.module.path, request.user)
    status = next((s for s in statuses if s.module.pk == quiz.module_id), None)
    if status is None:
        raise Http404
    return quiz, status


def _refuse_if_locked(status) -> None:
    if status.is_locked:
        names = ", ".join(f"“{m.title}”" for m in status.missing)
        raise PermissionDenied(_("This quiz is locked. Finish %(modules)s first.") % {"modules": names})


def _own_attempt(request: HttpRequest, public_id, marker: str) -> Attempt:
    """The learner's own attempt, its quiz from the content cache; anybody else's is a 404, so that
    its existence is not revealed."""
    attempt = Attempt.load_own(public_id, request.user.pk)
    if attempt is None:
        raise Http404
    attempt.quiz = quiz_catalog.quiz(attempt.quiz_id, marker)
    return attempt


def _leave(request: HttpRequest, url: str) -> HttpResponse:
    """Go to another page: an HTMX request is told to load it whole rather than swap it into the panel."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_GET
def quiz_page(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz, status = _quiz_for_learner(request, quiz_id)
    history = list(Attempt.objects.filter(user=request.user, quiz=quiz).order_by("-number"))
    current = next((a for a in history if a.is_open), None)
    closed = [a for a in history if not a.is_open]
    allowed = quiz.attempts_allowed_for(request.user)
    left = None if allowed is None else max(0, allowed - len(closed))
    return render(
        request,
        "quizzes/quiz.html",
        {
            "nav": "path",
            "quiz": quiz,
            "module": quiz.module,
            "status": status,
            "current": current,
            "closed": closed,
            "attempts_left": left,
            "question_count": quiz.questions_per_attempt(),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz, status = _quiz_for_learner(request, quiz_id)
    _refuse_if_locked(status)
    try:
        attempt = lifecycle.start_attempt(request.user, quiz)
    except lifecycle.AttemptRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(quiz.get_absolute_url())
    return redirect(attempt.get_absolute_url())


def question_nav(attempt: Attempt, position: int, answered: set) -> str:
    """The numbered links to every question of the attempt, built in one pass (one reverse()).
    Every interpolated text is escaped; the numbers are integers."""
    base = escape(reverse("quizzes:question", args=[attempt.public_id, 1]).removesuffix("1/"))
    label, done_label = _("Question %(n)d"), escape(_("answered"))
    items = []
    for n, qid in enumerate(attempt.question_order, start=1):
        done = qid in answered
        current = ' aria-current="step"' if n == position else ""
        name = escape(label % {"n": n}) + (f" ({done_label})" if done else "")
        items.append(
            f'<li><a href="{base}{n}/" class="{"answered" if done else ""}"{current} aria-label="{name}">{n:d}</a></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 - built from escaped text and integers above


def _question_context(
    attempt: Attempt,
    position: int,
    question: Question,
    response: Response | None,
    answered: set,
    *,
    error: str = "",
    submitted=None,
) -> dict:
    choices = lifecycle.ordered_choices(attempt, question, list(question.choices.all()))
    answered = set(answered)
    if response is not None:
        answered.add(question.pk)
    total = len(attempt.question_order)
    next_unanswered = next(
        (i for i, qid in enumerate(attempt.question_order, start=1) if qid not in answered and i != position), None
    )
    return {
        "nav": "path",
        "attempt": attempt,
        "quiz": attempt.quiz,
        "question": question,
        "position": position,
        "total": total,
        "question_nav": question_nav(attempt, position, answered),
        "answered_count": len(answered),
        "all_answered": len(answered) >= total,
        "next_position": position + 1 if position < total else None,
        "next_unanswered": next_unanswered,
        "response": response,
        "feedback": feedback_for(question, choices, response) if response else None,
        "fields": None if response else form_fields(attempt, question, choices, submitted),
        "error": error,
    }


@login_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, public_id, position: int) -> HttpResponse:
    marker = catalog.current_marker()
    attempt = _own_attempt(request, public_id, marker)
    if not 1 <= position <= len(attempt.question_order):
        raise Http404
    question_id = attempt.question_order[position - 1]
    # One query says which questions are answered; the full response is read only for this one.
    answered = answered_question_ids(attempt.pk)
    response = load_response(attempt.pk, question_id) if question_id in answered else None
    result_url = reverse("quizzes:result", args=[attempt.public_id])
    if attempt.is_open and attempt.is_expired():
        lifecycle.close_attempt(attempt, timed_out=True)
        messages.warning(request, _("Time is up: the attempt was closed and unanswered questions score 0."))
        return _leave(request, result_url)
    if not attempt.is_open and response is None:
        if request.method == "POST":
            messages.error(request, _("This attempt is closed: its answers can no longer change."))
        return _leave(request, result_url)
    question_obj = quiz_catalog.question(question_id, marker)
    if question_obj is None:
        raise Http404
    question_obj.quiz = attempt.quiz  # the attempt's quiz, already loaded: no query when it is needed
    question_obj = attempt.asked(question_obj)  # the variant this attempt drew
    error, submitted, status = "", None, 200
    if request.method == "POST" and response is None:
        try:
            response = lifecycle.submit_answer(attempt, question_obj, request.POST, user=request.user).response
        except AnswerError as problem:
            error, submitted = str(problem), request.POST
        except lifecycle.AttemptRefused as refusal:
            messages.error(request, str(refusal))
            return _leave(request, result_url)
        else:
            if not request.htmx:
                return redirect("quizzes:question", attempt.public_id, position)
    context = _question_context(attempt, position, question_obj, response, answered, error=error, submitted=submitted)
    template = "quizzes/question.html#answer-panel" if request.htmx else "quizzes/question.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def finish(request: HttpRequest, public_id) -> HttpResponse:
    attempt = _own_attempt(request, public_id, catalog.current_marker())
    was_open = attempt.is_open
    attempt = lifecycle.close_attempt(attempt, timed_out=attempt.is_expired())
    if was_open and attempt.timed_out:
        messages.warning(request, _("Time was up: unanswered questions score 0."))
    return redirect("quizzes:result", attempt.public_id)


@login_required
@require_GET
def result(request: HttpRequest, public_id) -> HttpResponse:
    marker = catalog.current_marker()
    attempt = _own_attempt(request, public_id, marker)
    if attempt.is_open:
        if not attempt.is_expired():
            return redirect(attempt.get_absolute_url())
        attempt = lifecycle.close_attempt(attempt, timed_out=True)

    def rows():  # only when the rendered list is not cached yet
        questions = {
            q.pk: q for q in Question.objects.filter(pk__in=attempt.question_order).prefetch_related("choices")
        }
        responses = {r.question_id: r for r in attempt.responses.all()}
        found = []
        for qid in attempt.question_order:
            question_obj = questions.get(qid)
            if question_obj is not None:
                question_obj = attempt.asked(question_obj)
                response = responses.get(qid)
                choices = lifecycle.ordered_choices(attempt, question_obj, list(question_obj.choices.all()))
                found.append((question_obj, response, feedback_for(question_obj, choices, response)))
        return found

    allowed = attempt.quiz.attempts_allowed_for(request.user)
    closed = Attempt.closed_count(request.user.pk, attempt.quiz_id)
    return render(
        request,
        "quizzes/result.html",
        {
            "nav": "path",
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "rows": SimpleLazyObject(rows),
            # A closed attempt changes only by a regrade (its score) or a content edit (the marker).
            "rows_key": f"{attempt.pk}:{attempt.score}:{attempt.max_score}:{marker}:{get_language()}",
            "can_retry": allowed is None or closed < allowed,
            "attempts_left": None if allowed is None else max(0, allowed - closed),
        },
    )


@login_required
@require_GET
def preview(request: HttpRequest, question_id: int) -> HttpResponse:
    """The question as a learner sees it, for instructors (with the answer key below the form)."""
    if not request.user.has_perm("quizzes.view_question"):
        raise Http404
    question_obj = get_object_or_404(Question.objects.select_related("quiz__module"), pk=question_id)
    choices = list(question_obj.choices.all())
    sample = Attempt(quiz=question_obj.quiz, question_order=[question_obj.pk])
    sample.choice_order = {str(question_obj.pk): lifecycle.display_order(question_obj.quiz, question_obj, choices)}
    shown = lifecycle.ordered_choices(sample, question_obj, choices)
    return render(
        request,
        "quizzes/preview.html",
        {
            "question": question_obj,
            "quiz": question_obj.quiz,
            "fields": form_fields(sample, question_obj, shown),
            "key": feedback_for(question_obj, choices, None),
            "choices": choices,
        },
    )
