"""The learner's progress page, lesson completion, spaced review and certificates.

The progress page composes this app's standing with the content (courses) and the review page
shows questions (quizzes); lesson completion renders the lesson page's fragments (courses.views).
"""

from datetime import UTC, date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails
from fsrs import Rating

from accounts.mail import site_url
from courses import catalog
from courses.models import LearningPath
from courses.templatetags.modules import quoted_titles_text
from courses.views import lesson_context, lesson_sidebar
from devopslearn.lib import fragments, translated
from progress import practice, services
from progress.activity import HISTORY_DAYS, streak
from progress.models import Certificate, DailyActivity, LessonCompletion, PracticeAnswer, ReviewCard
from progress.states import RULE, ModuleStatus, learner_statuses, path_percent
from quizzes import catalog as quiz_catalog
from quizzes.attempts import ordered_choices
from quizzes.feedback import feedback_for, form_fields
from quizzes.grading import AnswerError, grade, parse_answer
from quizzes.models import Attempt, Response

CALENDAR_WEEKS = 12


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def calendar(totals: dict[date, int], today: date) -> dict:
    """The days since the Monday 11 weeks before this week's, to today (78 to 84 days), as an SVG
    grid (weeks across, weekdays down): a square per day with a level for how busy it was, and the
    month labels above. The page names the number of days shown, not "12 weeks"."""
    start = today - timedelta(days=today.weekday() + 7 * (CALENDAR_WEEKS - 1))
    weekdays = [str(name) for _, name in sorted(WEEKDAYS_ABBR.items())]  # translated once, not 84 times
    months_abbr = {number: str(name).title() for number, name in MONTHS_3.items()}
    squares, active = [], []
    for offset in range((today - start).days + 1):
        day = start + timedelta(days=offset)
        count = totals.get(day, 0)
        level = 0 if not count else 1 if count < 3 else 2 if count < 8 else 3 if count < 15 else 4
        label = f"{weekdays[day.weekday()]} {day.day} {months_abbr[day.month]}"
        squares.append((4 + (offset // 7) * 16, 18 + (offset % 7) * 16, level, label, count))
        if count:
            active.append((f"{label} {day.year}", count))
    months = []
    for week in range(CALENDAR_WEEKS):
        first = start + timedelta(days=7 * week)
        if first.day <= 7 or (week == 0 and first.day <= 17):  # label a month where it starts
            months.append((4 + week * 16, months_abbr[first.month]))
    return {
        "squares": squares,
        "active": active,
        "months": months,
        "width": 8 + CALENDAR_WEEKS * 16,
        "height": 18 + 7 * 16 + 4,
    }


def next_module(statuses: list[ModuleStatus]) -> ModuleStatus | None:
    """Where the learner left off: the open module they worked on last, else the first one open."""
    open_modules = [s for s in statuses if not s.is_locked and not s.is_completed]
    started = [s for s in open_modules if s.row is not None and s.row.last_activity_at is not None]
    if started:
        return max(started, key=lambda s: s.row.last_activity_at)
    return open_modules[0] if open_modules else None


def _continue_to(statuses: list[ModuleStatus], completed: set[int], marker: str) -> dict | None:
    target = next_module(statuses)
    if target is None:
        return None
    lessons = catalog.published_lessons(target.module, marker)
    lesson = next((item for item in lessons if item.pk not in completed), None)
    if lesson is not None:
        return {"url": lesson.get_absolute_url(), "label": lesson.title, "module": target.module.title}
    if target.has_quiz:
        url = reverse("quizzes:quiz", args=[target.quiz_id])
        return {"url": url, "label": _("the module quiz"), "module": target.module.title}
    return None


def progress_body(learner, path: LearningPath, statuses: list[ModuleStatus], marker: str, *, cohort=None) -> str:
    """The progress page's content, for the learner (``cohort`` None) or read-only for a cohort's lead.
    A fixed number of queries."""
    today = services.local_day(learner)
    totals, days_active = DailyActivity.history(learner.pk, since=today - timedelta(days=HISTORY_DAYS), today=today)
    completed = LessonCompletion.completed_in_path(learner.pk, path.pk)
    certificate = Certificate.of(learner.pk, path.pk)
    inputs = {
        "marker": marker,
        "learner_name": learner.shown_name,
        "cohort": {"name": cohort.name, "url": cohort.get_absolute_url()} if cohort is not None else None,
        "statuses": statuses,
        "today": today,
        "recent": {day: n for day, n in totals.items() if (today - day).days < 7 * CALENDAR_WEEKS},
        "streak": streak(set(totals), today),
        "days_active": days_active,  # counted, not estimated: lessons' reading times are not study time
        "completed": completed,
        "certificate_url": certificate.get_absolute_url() if certificate else "",
    }
    return fragments.render("progress/progress.html#progress-body", inputs, _progress_body)


def _progress_body(*, marker, cohort, statuses, today, recent, completed, **inputs) -> dict:
    return {
        **inputs,
        "readonly": cohort is not None,
        "cohort": cohort,
        "statuses": statuses,
        "overall_percent": path_percent(statuses),
        "modules_done": sum(1 for s in statuses if s.is_completed),
        "due_cards": sum(s.due for s in statuses),
        "calendar": calendar(recent, today),
        "continue_to": _continue_to(statuses, set(completed), marker) if cohort is None else None,
        "lessons_completed": len(completed),
        "rule": RULE,
    }


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    marker = catalog.current_marker()
    path = catalog.first_path(marker)
    if path is None:
        return render(request, "courses/empty.html", {"nav": "progress"})
    body = progress_body(request.user, path, learner_statuses(path, request.user, marker), marker)
    return render(request, "progress/progress.html", {"nav": "progress", "body": body})


# --- lesson completion -----------------------------------------------------------------------------


@login_required
@require_POST
def complete_lesson(request: HtmxHttpRequest, path_slug: str, module_slug: str, lesson_slug: str) -> HttpResponse:
    return _set_completion(request, path_slug, module_slug, lesson_slug, done=True)


@login_required
@require_POST
def undo_lesson(request: HtmxHttpRequest, path_slug: str, module_slug: str, lesson_slug: str) -> HttpResponse:
    return _set_completion(request, path_slug, module_slug, lesson_slug, done=False)


def _set_completion(request: HtmxHttpRequest, path_slug, module_slug, lesson_slug, *, done: bool) -> HttpResponse:
    """Mark or unmark a lesson; the no-JS form gets the lesson page again, htmx gets the fragment."""
    context = lesson_context(request, path_slug, module_slug, lesson_slug)
    if isinstance(context, HttpResponse):  # login_required lets only members in; kept for safety
        return context
    status, lesson = context["status"], context["lesson"]
    if status.is_locked:
        names = quoted_titles_text(status.missing)
        raise PermissionDenied(
            _("This module is locked: finish %(modules)s first, then you can mark its lessons complete.")
            % {"modules": names}
        )
    if done:
        services.complete_lesson(request.user, lesson)
    else:
        services.undo_lesson(request.user, lesson)
    if not request.htmx:
        return redirect(lesson.get_absolute_url())
    # Read the lesson's state and the module's progress again after the write: the fragment shows both.
    context = lesson_context(request, path_slug, module_slug, lesson_slug)
    sidebar = lesson_sidebar(context["sidebar_inputs"], oob=True)
    return render(request, "courses/_completion_update.html", {**context, "sidebar": sidebar})


@require_GET
@never_cache  # a person's name, shown to anybody: no shared cache keeps it (devopslearn/lib/middleware.py)
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    """Once its learner shares it, anyone with the link can verify the certificate (or read that it
    was revoked); it shows nothing else of the learner. Unshared, it is a 404 for anybody else. Its
    owner also reads how to share it and how to bring the name up to date."""
    cert = get_object_or_404(Certificate.objects.select_related("user", "path"), code=code)
    if not cert.visible_to(request.user):
        raise Http404
    # The dates are the learner's calendar days, the same for every viewer whatever their own time zone.
    zone = cert.user.zone if cert.user is not None else UTC
    owner = request.user.is_authenticated and request.user.pk == cert.user_id
    revocation = cert.changes.filter(kind="revoked").last() if owner and cert.is_revoked else None
    # The certificate reads in its learner's language (their preference, else this page's), printed too.
    language = (cert.user.language if cert.user is not None else "") or translated.active()
    share_url = site_url(cert.get_absolute_url())
    with translation.override(language):
        document = render_to_string(
            "progress/certificate.html#document",
            {
                "certificate": cert,
                "language": language,
                "path_title": cert.path_title
                if language == translated.DEFAULT
                else translated.in_language(cert.path, "title", language) or cert.path_title,
                "issued_on": localdate(cert.issued_at, zone),
                "last_issued_on": localdate(cert.last_issued_at, zone) if cert.last_issued_at else None,
                "revoked_on": localdate(cert.revoked_at, zone) if cert.revoked_at else None,
                "share_url": share_url,
                "modules": [
                    (translated.in_language(module, "title", language) or module.title)
                    if language != translated.DEFAULT
                    else module.title
                    for module in cert.completed_modules()
                ]
                if not cert.is_revoked
                else [],
            },
        )
    return render(
        request,
        "progress/certificate.html",
        {
            "certificate": cert,
            "document": document,
            "owner": owner,
            "current_name": request.user.shown_name if owner else "",
            "out_of_date": owner and cert.name_is_out_of_date(request.user),
            "revocation": revocation,
            "share_url": share_url,
        },
    )


def _own_certificate(request: HttpRequest, code: str) -> Certificate:
    """The learner's own certificate, to change; anybody else's (shared or not) is a 404."""
    cert = Certificate.load_own(code, request.user.pk)
    if cert is None:
        raise Http404
    return cert


@login_required
@require_POST
def share_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """The learner shares their certificate (its page then shows to anyone with the address) or stops."""
    cert = _own_certificate(request, code)
    cert.shared = request.POST.get("shared") == "1"
    cert.save(update_fields=["shared"])
    if cert.shared:
        messages.success(request, _("Your certificate is shared: anyone with its address can verify it."))
    else:
        messages.success(request, _("Your certificate is no longer shared: its address now shows it to you only."))
    return redirect(cert.get_absolute_url())


@login_required
@require_POST
def reissue_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """The learner asks for their certificate to carry their current name (same code and date)."""
    cert = _own_certificate(request, code)
    if cert.is_revoked:
        messages.error(request, _("This certificate was revoked: ask your instructor to re-issue it."))
    elif not cert.name_is_out_of_date(request.user):
        messages.info(request, _("Your certificate already carries your current name."))
    else:
        services.reissue_certificate(cert, by=request.user, reason=_("Asked by the learner: their name changed."))
        messages.success(request, _("Your certificate now carries your current name."))
    return redirect(cert.get_absolute_url())


# --- review ----------------------------------------------------------------------------------------


def _with_question(card: ReviewCard | None) -> ReviewCard | None:
    """Attach the card's question (with choices), quiz and module from the content cache."""
    if card is None:
        return None
    marker = catalog.current_marker()
    question = quiz_catalog.question(card.question_id, marker)
    if question is None:  # deleted since: the card goes with it (cascade); treat it as not found
        raise Http404
    question.quiz = quiz_catalog.quiz(question.quiz_id, marker)
    card.question = question
    return card


RATING_LABELS = {
    Rating.Again: gettext_lazy("Again: wrong"),
    Rating.Hard: gettext_lazy("Hard: partly right"),
    Rating.Good: gettext_lazy("Good: right"),
    Rating.Easy: gettext_lazy("Easy"),
}


def _card_context(card: ReviewCard | None, *, error: str = "", submitted=None, due_count: int = 0) -> dict:
    if card is None:
        return {"card": None, "due_count": due_count}
    question = card.question
    choices = ordered_choices(card, question, list(question.choices.all()))
    context = {"card": card, "question": question, "due_count": due_count, "error": error}
    if card.pending_fraction is not None:
        response = Response(
            answer=card.pending_answer or {},
            fraction=card.pending_fraction,
            is_correct=card.pending_fraction >= 1,
            answered=True,
            points=question.points * card.pending_fraction,
        )
        response.answer_text = grade(question, choices, card.pending_answer or {}).answer_text
        rating = services.rating_for(card.pending_fraction)
        context.update(
            response=response,
            feedback=feedback_for(question, choices, response),
            rating=RATING_LABELS[rating],
            comes_back=card.due_after(rating),
            easy_comes_back=card.easy_due() if response.is_correct else None,
        )
    else:
        context["fields"] = form_fields(card, question, choices, submitted)
    return context


def _review_page(request: HttpRequest, card: ReviewCard | None, due_count: int | None = None, **extra) -> HttpResponse:
    """The review page, or only its card panel for htmx, showing ``card`` (None: nothing due)."""
    mine = ReviewCard.objects.filter(user=request.user)
    if due_count is None:
        due_count = mine.due().count()
    context = _card_context(card, due_count=due_count, **extra)
    context.update(nav="review")
    if card is None:  # not a dead end: the cards not due yet can be practised now, their schedule kept
        upcoming = list(
            mine.shown_to_learners().filter(due__gt=timezone.now()).order_by("due", "id").values_list("due", flat=True)
        )
        context.update(upcoming_due=upcoming[0] if upcoming else None, upcoming_count=len(upcoming))
    template = "progress/review.html#card-panel" if request.htmx else "progress/review.html"
    return render(request, template, context)


def _next_due(user) -> tuple[ReviewCard | None, int]:
    """The card due first and how many are due, in one statement."""
    card, count = ReviewCard.next_due(user.pk, timezone.now())
    return _with_question(card), count


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    card, due_count = _next_due(request.user)
    return _review_page(request, card, due_count)


def _own_card(request: HttpRequest, card_id: int) -> ReviewCard:
    """The learner's own card; anybody else's is a 404."""
    card = ReviewCard.load_own(card_id, request.user.pk)
    if card is None:
        raise Http404
    return _with_question(card)


@login_required
@require_GET
def review_card(request: HttpRequest, card_id: int) -> HttpResponse:
    """One card: its feedback while an answer waits for rating, else its question when it is due."""
    card = _own_card(request, card_id)
    if card.pending_fraction is None and not card.is_due:
        messages.info(request, _("That card is not due yet."))
        return redirect("progress:review")
    return _review_page(request, card)


@login_required
@require_POST
def review_answer(request: HttpRequest, card_id: int) -> HttpResponse:
    """Grade an answer like the quiz does; the answer waits on the card until the learner rates it.
    A replayed POST finds the answer already there and changes nothing."""
    card = _own_card(request, card_id)
    if card.pending_fraction is None:
        if not card.is_due:  # answered and rated already (a replay), or not due yet
            if request.htmx:
                return _review_page(request, *_next_due(request.user))
            messages.info(request, _("That card is not due any more."))
            return redirect("progress:review")
        choices = list(card.question.choices.all())
        try:
            answer = parse_answer(card.question, choices, request.POST, card.token)
        except AnswerError as problem:
            return _review_page(request, card, error=str(problem), submitted=request.POST)
        result = grade(card.question, choices, answer)
        ReviewCard.objects.filter(pk=card.pk, pending_fraction__isnull=True).update(
            pending_answer=answer, pending_fraction=result.fraction
        )
        card.refresh_from_db(fields=["pending_answer", "pending_fraction"])
    if not request.htmx:
        return redirect("progress:review_card", card.pk)
    return _review_page(request, card)


@login_required
@require_POST
def review_rate(request: HttpRequest, card_id: int) -> HttpResponse:
    """Reschedule the card from its graded answer (Easy only after a right one), then the next card."""
    card = _own_card(request, card_id)
    services.rate_pending(card, easy=request.POST.get("rating") == "easy")
    if not request.htmx:
        return redirect("progress:review")
    return _review_page(request, *_next_due(request.user))


# --- practice now (outside the review schedule) ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def practice_missed(request: HtmxHttpRequest, public_id, position: int) -> HttpResponse:
    """The questions the learner missed in one of their closed attempts, practised now."""
    attempt = Attempt.load_own(public_id, request.user.pk)
    marker = catalog.current_marker()
    quiz = quiz_catalog.quiz(attempt.quiz_id, marker) if attempt is not None else None
    if attempt is None or attempt.is_open or quiz is None or not quiz.is_shown_to_learners:
        raise Http404
    return _practice(
        request,
        practice.missed_in(attempt),
        position,
        marker=marker,
        variant=attempt.asked,  # the variant the attempt asked
        here=lambda n: reverse("progress:practice_missed", args=[attempt.public_id, n]),
        done=(reverse("quizzes:result", args=[attempt.public_id]), _("Back to my result")),
        title=_("Practise what you missed in %(quiz)s") % {"quiz": quiz.title},
        empty=_("Nothing to practise: you answered every question of this attempt right."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_upcoming(request: HtmxHttpRequest, position: int) -> HttpResponse:
    """The learner's review cards that are not due yet, practised now (their schedule stays)."""
    return _practice(
        request,
        practice.upcoming_for(request.user),
        position,
        marker=catalog.current_marker(),
        variant=lambda question: question,  # as the review page asks it
        here=lambda n: reverse("progress:practice_upcoming", args=[n]),
        done=(reverse("progress:review"), _("Back to review")),
        title=_("Practise your upcoming review cards"),
        empty=_("Nothing to practise: you have no review card waiting."),
    )


def _practice(
    request, question_ids: list[int], position: int, *, marker, variant, here, done, title, empty
) -> HttpResponse:
    """One question of a practice set: its form, or the feedback of the answer just given."""
    found = quiz_catalog.questions(question_ids, marker)
    shown = [variant(found[pk]) for pk in question_ids if pk in found and found[pk].published]
    if not shown:
        messages.info(request, empty)
        return redirect(done[0])
    if not 1 <= position <= len(shown):
        raise Http404
    question = shown[position - 1]
    asked = practice.Asked(request.user.pk, question)
    choices = ordered_choices(asked, question, list(question.choices.all()))
    given, error, submitted = None, "", None
    if request.method == "POST":
        try:
            given = practice.answer(request.user, asked, request.POST)
        except AnswerError as problem:
            error, submitted = str(problem), request.POST
        else:
            if not request.htmx:
                return redirect(f"{here(position)}?answer={given.pk}")
    elif "answer" in request.GET:
        given = PracticeAnswer.load_own(request.GET["answer"], request.user.pk, question.pk)
    context = {
        "nav": "review",
        "title": title,
        "question": question,
        "position": position,
        "total": len(shown),
        "action": here(position),
        "next_url": here(position + 1) if position < len(shown) else "",
        "done_url": done[0],
        "done_label": done[1],
        "error": error,
    }
    if given is not None:
        response = practice.as_response(asked, given)
        context.update(response=response, feedback=feedback_for(question, choices, response))
    else:
        context["fields"] = form_fields(asked, question, choices, submitted)
        context["form_key"] = practice.new_form_key()
    template = "progress/practice.html#practice-panel" if request.htmx else "progress/practice.html"
    return render(request, template, context)
