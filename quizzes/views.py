"""The quiz pages: the quiz, its questions one at a time with feedback, the result, the preview.

These pages compose two apps: the quiz (this app) and the learner's standing in its module, read
from ``progress`` (a locked module's quiz cannot be started).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from courses import catalog
from courses.templatetags.modules import quoted_titles_text
from devopslearn.lib import fragments
from progress.states import completion_sentence, learner_statuses
from quizzes import attempts
from quizzes import catalog as quiz_catalog
from quizzes.feedback import feedback_for, form_fields
from quizzes.grading import AnswerError
from quizzes.models import Attempt, Question, Quiz, Response, answered_verdicts, load_response


def _quiz_for_learner(request: HttpRequest, quiz_id: int):
    """A published quiz and the learner's standing in its module: 404 if unpublished."""
    quiz = get_object_or_404(Quiz.objects.shown_to_learners().select_related("module__path", "lesson"), pk=quiz_id)
    statuses = learner_statuses(quiz.module.path, request.user)
    status = next((s for s in statuses if s.module.pk == quiz.module_id), None)
    if status is None:
        raise Http404
    return quiz, status


def _refuse_if_locked(status) -> None:
    if status.is_locked:
        names = quoted_titles_text(status.missing)
        raise PermissionDenied(_("This quiz is locked. Finish %(modules)s first.") % {"modules": names})


def _own_attempt(request: HttpRequest, public_id, marker: str) -> Attempt:
    """The learner's own attempt, its quiz from the content cache; anybody else's is a 404, so that
    its existence is not revealed."""
    attempt = Attempt.load_own(public_id, request.user.pk)
    if attempt is None:
        raise Http404
    attempt.quiz = quiz_catalog.quiz(attempt.quiz_id, marker)
    if not attempt.quiz.is_shown_to_learners:  # withdrawn since: its questions are not shown
        raise Http404
    return attempt


def _leave(request: HttpRequest, url: str) -> HttpResponse:
    """Go to another page: an HTMX request is told to load it whole rather than swap it into the panel."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_GET
def quiz_page(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz, status = _quiz_for_learner(request, quiz_id)
    history = list(Attempt.objects.filter(user=request.user, quiz=quiz).order_by("-number"))
    left = attempts.attempts_left(request.user, quiz)
    return render(
        request,
        "quizzes/quiz.html",
        {
            "nav": "path",
            "quiz": quiz,
            "module": quiz.module,
            "status": status,
            "current": next((a for a in history if a.is_open), None),
            "closed": [a for a in history if not a.is_open],
            "attempts_left": left,
            "no_attempts_left": attempts.no_attempts_left_message(request.user, quiz) if left == 0 else "",
            "extra_minutes": quiz.extra_minutes_for(request.user) if quiz.time_limit_minutes else 0,
            "question_count": quiz.questions_per_attempt(),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz, status = _quiz_for_learner(request, quiz_id)
    _refuse_if_locked(status)
    try:
        attempt = attempts.start_attempt(request.user, quiz)
    except attempts.AttemptRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(quiz.get_absolute_url())
    return redirect(attempt.get_absolute_url())


def _navigation(attempt: Attempt, position: int, verdicts: dict[int, str], *, oob: bool) -> dict:
    """The numbered chips of the attempt's questions, each with its verdict once answered, and the
    progress bar (the page); or, for an htmx answer, only the answered question's chip and the bar,
    swapped in out of band."""
    progress = {"position": position, "total": len(attempt.question_order), "answered": len(verdicts)}
    if oob:
        question_id = attempt.question_order[position - 1]
        item = {"public_id": attempt.public_id, "n": position, "position": position, "verdict": verdicts[question_id]}
        return {
            "answered_mark": render_to_string("quizzes/question.html#question-nav-item", {**item, "oob": True}),
            "progress_oob": render_to_string("quizzes/question.html#quiz-progress", {**progress, "oob": True}),
        }
    numbers = [(n, verdicts.get(question_id, "")) for n, question_id in enumerate(attempt.question_order, start=1)]
    inputs = {"public_id": attempt.public_id, "numbers": numbers, "position": position}
    return {
        "question_nav": fragments.render("quizzes/question.html#question-nav", inputs),
        "progress": progress,
    }


def _question_context(
    attempt: Attempt,
    position: int,
    question: Question,
    response: Response | None,
    verdicts: dict[int, str],
    *,
    oob: bool = False,
    error: str = "",
    submitted=None,
) -> dict:
    choices = attempts.ordered_choices(attempt, question, list(question.choices.all()))
    verdicts = dict(verdicts)
    if response is not None and response.answered:
        verdicts[question.pk] = response.verdict
    total = len(attempt.question_order)
    next_unanswered = next(
        (i for i, qid in enumerate(attempt.question_order, start=1) if qid not in verdicts and i != position), None
    )
    return {
        "nav": "path",
        "attempt": attempt,
        "quiz": attempt.quiz,
        "question": question,
        "position": position,
        "total": total,
        # An htmx answer to a form error swaps only the panel: no navigation then.
        **(_navigation(attempt, position, verdicts, oob=oob) if response is not None or not oob else {}),
        "answered_count": len(verdicts),
        "all_answered": len(verdicts) >= total,
        "next_position": position + 1 if position < total else None,
        "next_unanswered": next_unanswered,
        "response": response,
        "feedback": feedback_for(question, choices, response) if response else None,
        "fields": None if response else form_fields(attempt, question, choices, submitted),
        "error": error,
    }


@login_required
@require_http_methods(["GET", "POST"])
def question_page(request: HttpRequest, public_id, position: int) -> HttpResponse:
    marker = catalog.current_marker()
    attempt = _own_attempt(request, public_id, marker)
    if not 1 <= position <= len(attempt.question_order):
        raise Http404
    question_id = attempt.question_order[position - 1]
    # One query says which questions are answered, and how well; the full response is read only for this one.
    answered = answered_verdicts(attempt.pk)
    response = load_response(attempt.pk, question_id) if question_id in answered else None
    result_url = reverse("quizzes:result", args=[attempt.public_id])
    if attempt.is_open and attempt.is_expired():
        attempts.close_attempt(attempt, timed_out=True)
        messages.warning(request, _("Time is up: the attempt was closed and unanswered questions score 0."))
        return _leave(request, result_url)
    if not attempt.is_open and response is None:
        if request.method == "POST":
            messages.error(request, _("This attempt is closed: its answers can no longer change."))
        return _leave(request, result_url)
    question = quiz_catalog.question(question_id, marker)
    if question is None or not question.published:
        raise Http404
    question.quiz = attempt.quiz  # the attempt's quiz, already loaded: no query when it is needed
    question = attempt.asked(question)  # the variant this attempt drew
    error, submitted = "", None
    if request.method == "POST" and response is None:
        try:
            response = attempts.submit_answer(attempt, question, request.POST, user=request.user).response
        except AnswerError as problem:
            error, submitted = str(problem), request.POST
        except attempts.AttemptRefused as refusal:
            messages.error(request, str(refusal))
            return _leave(request, result_url)
        else:
            if not request.htmx:
                return redirect("quizzes:question", attempt.public_id, position)
    context = _question_context(
        attempt, position, question, response, answered, oob=bool(request.htmx), error=error, submitted=submitted
    )
    template = "quizzes/question.html#answer-panel" if request.htmx else "quizzes/question.html"
    return render(request, template, context)


@login_required
@require_POST
def finish(request: HttpRequest, public_id) -> HttpResponse:
    attempt = _own_attempt(request, public_id, catalog.current_marker())
    was_open = attempt.is_open
    attempt = attempts.close_attempt(attempt, timed_out=attempt.is_expired())
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
        attempt = attempts.close_attempt(attempt, timed_out=True)
    left = attempts.attempts_left(request.user, attempt.quiz)
    responses = list(Response.objects.filter(attempt_id=attempt.pk).values_list(*RESULT_FIELDS))
    # The questions shown (one withdrawn since is left out, as in the rows and in practice) that were
    # missed (Response.is_missed, read from the values loaded: Attempt.missed_question_ids asks the table).
    given = {values[0]: Response(**dict(zip(RESULT_FIELDS, values, strict=True))) for values in responses}
    shown = quiz_catalog.questions(attempt.question_order, marker)
    missed_rows = [
        (n, given[pk])
        for n, pk in enumerate(attempt.question_order, 1)
        if pk in given and given[pk].is_missed and pk in shown and shown[pk].published
    ]
    missed_ids = [attempt.question_order[n - 1] for n, _response in missed_rows]
    missed_numbers = [n for n, _response in missed_rows]
    missed_pools = _missed_topics(attempt.quiz, [shown[question_id] for question_id in missed_ids], marker)
    unanswered = sum(1 for _n, response in missed_rows if not response.answered)
    missed = len(missed_numbers)
    missed_only = request.GET.get("show") == "missed" and missed > 0
    return render(
        request,
        "quizzes/result.html",
        {
            "nav": "path",
            "attempt": attempt,
            "quiz": attempt.quiz,
            "module": attempt.quiz.module,
            "rows": fragments.render(
                "quizzes/result.html#result-rows",
                {
                    "marker": marker,
                    "question_order": attempt.question_order,
                    "choice_order": attempt.choice_order,
                    "variants": attempt.variants,
                    "responses": responses,
                    "missed_only": missed_only,
                },
                _result_rows,
            ),
            "missed": missed,
            "missed_unanswered": unanswered,
            "missed_answered": missed - unanswered,
            "missed_numbers": missed_numbers,
            "missed_pools": missed_pools,
            "missed_only": missed_only,
            "next_steps": _next_steps(request, attempt) if attempt.passed else None,
            "can_retry": left is None or left > 0,
            "attempts_left": left,
            "no_attempts_left": attempts.no_attempts_left_message(request.user, attempt.quiz) if left == 0 else "",
        },
    )


def _missed_topics(quiz, missed: list, marker: str) -> list:
    """The topics of the missed questions to reread, each once, in the quiz's order: a lesson's quiz
    teaches its lesson (the template links it); a module quiz's questions are drawn from named pools."""
    if not missed or quiz.lesson_id is not None:
        return []
    pools = quiz_catalog.pools(quiz.pk, marker)
    topics = {question.pool_id: pools[question.pool_id] for question in missed if question.pool_id in pools}
    return sorted((pool for pool in topics.values() if pool.title), key=lambda pool: (pool.order, pool.pk))


def _next_steps(request: HttpRequest, attempt: Attempt) -> dict | None:
    """After a pass of a module's quiz: the module's state now, what it opened, and the one next step
    (the first module it opened, else what is left to complete it, else the path)."""
    quiz = attempt.quiz
    if quiz.lesson_id is not None:
        return None
    statuses = learner_statuses(quiz.module.path, request.user)
    status = next((s for s in statuses if s.module.pk == quiz.module_id), None)
    if status is None:
        return None
    by_id = {s.module.pk: s for s in statuses}
    opened = [m for m in status.unlocks if m.pk in by_id and not by_id[m.pk].is_locked]
    if not status.is_completed:
        step = {
            "url": quiz.module.get_absolute_url(),
            "label": _("Finish the module: %(title)s") % {"title": quiz.module.title},
        }
    elif opened:
        step = {"url": opened[0].get_absolute_url(), "label": _("Start %(title)s") % {"title": opened[0].title}}
    else:
        step = {"url": quiz.module.path.get_absolute_url(), "label": _("Back to the learning path")}
    titles = [m.title for m in opened]
    return {"status": status, "opened": titles, "step": step, "rule": completion_sentence(status)}


# What the result page shows of each response (read as values: the page's key is made of them).
RESULT_FIELDS = ("question_id", "answer", "answer_text", "fraction", "points", "is_correct", "answered")


def _result_rows(*, marker, question_order, choice_order, variants, responses, missed_only=False) -> dict:
    """(number, question, response, feedback) for each question of the attempt, in its order, as it
    was asked (its drawn variant); only those not answered right when ``missed_only``."""
    by_question = {values[0]: Response(**dict(zip(RESULT_FIELDS, values, strict=True))) for values in responses}
    questions = quiz_catalog.questions(question_order, marker)
    shown = Attempt(question_order=question_order, choice_order=choice_order, variants=variants)
    rows = []
    for number, question_id in enumerate(question_order, start=1):
        question = questions.get(question_id)
        if question is not None and question.published:  # one deleted or withdrawn since is left out
            question = shown.asked(question)
            response = by_question.get(question_id)
            if missed_only and response is not None and not response.is_missed:
                continue
            choices = attempts.ordered_choices(shown, question, list(question.choices.all()))
            rows.append((number, question, response, feedback_for(question, choices, response)))
    return {"rows": rows}


@login_required
@require_GET
def preview(request: HttpRequest, question_id: int) -> HttpResponse:
    """The question as a learner sees it, for instructors (with the answer key below the form)."""
    if not request.user.has_perm("quizzes.view_question"):
        raise Http404
    question = get_object_or_404(Question.objects.select_related("quiz__module"), pk=question_id)
    choices = list(question.choices.all())
    sample = Attempt(quiz=question.quiz, question_order=[question.pk])
    sample.choice_order = {str(question.pk): attempts.display_order(question.quiz, question, choices)}
    shown = attempts.ordered_choices(sample, question, choices)
    return render(
        request,
        "quizzes/preview.html",
        {
            "question": question,
            "quiz": question.quiz,
            "fields": form_fields(sample, question, shown),
            "key": feedback_for(question, choices, None),
            "choices": choices,
        },
    )
