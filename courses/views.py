"""The path, module and lesson pages, and search.

These pages compose three apps: the content (this app), the module's quiz (``quizzes``, its
catalog) and the visitor's standing, read from ``progress`` (module states, completed lessons, the
learner's activity).
They only read progress; marking a lesson complete is ``progress``'s own endpoint
(progress.views.complete_lesson).
"""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from accounts.templatetags.account_menu import with_next
from courses import catalog, snippets
from courses.models import LearningPath, Lesson
from courses.pathmap import layout
from devopslearn.lib import fragments
from progress import activity
from progress.models import Certificate, LessonCompletion
from progress.states import RULE, completion_sentence, learner_statuses, path_percent
from quizzes import catalog as quiz_catalog

SEARCH_MAX = 100  # characters of a query; the rest is ignored
SEARCH_RESULTS = 30


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _module_for(request: HttpRequest, path_slug: str, module_slug: str):
    """Load a published module and the visitor's standing on its path.

    Anonymous visitors may open only modules without prerequisites; the rest asks them to sign up
    (the page that unlocks it; it links to log in), back to this page after. Returns (path, status,
    marker) or an HttpResponse redirect.
    """
    marker = catalog.current_marker()
    path = _path_or_404(path_slug, marker)
    status = next((s for s in learner_statuses(path, request.user, marker) if s.module.slug == module_slug), None)
    if status is None:  # no such module, or not published
        raise Http404
    if not request.user.is_authenticated and status.prerequisites:
        return redirect(with_next("accounts:signup", request.get_full_path()))
    return path, status, marker


def _path_or_404(path_slug: str, marker: str) -> LearningPath:
    path = catalog.path_by_slug(path_slug, marker)
    if path is None:
        raise Http404
    return path


def _completed_ids(request: HttpRequest, lessons: list[Lesson]) -> set[int]:
    if not request.user.is_authenticated:
        return set()
    return LessonCompletion.completed_ids(request.user.pk, [lesson.pk for lesson in lessons])


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    marker = catalog.current_marker()
    path = catalog.first_path(marker)
    if path is None:
        return render(request, "courses/empty.html", {"nav": "path"})
    return _path_page(request, path, marker)


@require_GET
def path_page(request: HttpRequest, path_slug: str) -> HttpResponse:
    marker = catalog.current_marker()
    return _path_page(request, _path_or_404(path_slug, marker), marker)


def _path_page(request: HttpRequest, path: LearningPath, marker: str) -> HttpResponse:
    statuses = learner_statuses(path, request.user, marker)
    finished = request.user.is_authenticated and statuses and all(s.is_completed for s in statuses)
    certificate = Certificate.of(request.user.pk, path.pk) if finished else None  # a query only then
    current = _current_status(statuses)
    current_lessons = catalog.published_lessons(current.module, marker) if current else []
    inputs = {
        "marker": marker,
        "signed_in": request.user.is_authenticated,
        "path": path,
        "statuses": statuses,
        "certificate_url": certificate.get_absolute_url() if certificate else "",
        "current_done_ids": sorted(_completed_ids(request, current_lessons)),
        "activity": activity.of(request.user) if request.user.is_authenticated else None,
    }
    body = fragments.render("courses/path.html#path-body", inputs, _path_body)
    return render(request, "courses/path.html", {"nav": "path", "path": path, "body": body})


def _current_status(statuses):
    """The module a learner works on now: the first that is open and not completed."""
    return next((s for s in statuses if not s.is_locked and not s.is_completed), None)


def _path_body(*, marker, statuses, current_done_ids, **inputs) -> dict:
    current = _current_status(statuses)
    lessons = catalog.published_lessons(current.module, marker) if current else []
    done = set(current_done_ids)
    return {
        **inputs,
        "marker": marker,
        "statuses": statuses,
        # the current module's lessons on the path's checklist, and the lesson its main button opens
        "current_lessons": [(lesson, lesson.pk in done) for lesson in lessons],
        "next_lesson": next((lesson for lesson in lessons if lesson.pk not in done), None),
        "started": bool(done) or any(s.lessons_done or s.attempts for s in statuses),
        "map": layout(statuses),
        "due_cards": sum(s.due for s in statuses),
        "modules_done": sum(1 for s in statuses if s.is_completed),
        "overall_percent": path_percent(statuses),
        "next_status": current,
    }


@require_GET
def module_page(request: HttpRequest, path_slug: str, module_slug: str) -> HttpResponse:
    loaded = _module_for(request, path_slug, module_slug)
    if isinstance(loaded, HttpResponse):
        return loaded
    path, status, marker = loaded
    lessons = catalog.published_lessons(status.module, marker)
    inputs = {
        "marker": marker,
        "signed_in": request.user.is_authenticated,
        "path": path,
        "status": status,
        "lessons": lessons,
        "done_ids": sorted(_completed_ids(request, lessons)),
    }
    body = fragments.render("courses/module.html#module-body", inputs, _module_body)
    context = {"nav": "path", "module": status.module, "marker": marker, "body": body}
    return render(request, "courses/module.html", context)


def _module_body(*, marker, status, lessons, done_ids, **inputs) -> dict:
    quiz = quiz_catalog.quiz(status.quiz_id, marker) if status.quiz_id else None
    return {
        **inputs,
        "status": status,
        "module": status.module,
        "lessons": [(lesson, lesson.pk in done_ids) for lesson in lessons],
        "next_lesson": next((lesson for lesson in lessons if lesson.pk not in done_ids), None),
        "quiz": quiz,
        "question_counts": quiz_catalog.question_counts(quiz, marker) if quiz else (0, 0),
        "rule": RULE,
        "module_rule": completion_sentence(status),
    }


def lesson_context(request: HttpRequest, path_slug: str, module_slug: str, lesson_slug: str) -> dict | HttpResponse:
    """What the lesson page shows: the lesson, its place in the module, the visitor's standing (the
    completion form and the module's progress), or a redirect to log in."""
    loaded = _module_for(request, path_slug, module_slug)
    if isinstance(loaded, HttpResponse):
        return loaded
    path, status, marker = loaded
    module = status.module
    lessons = catalog.published_lessons(module, marker)
    index = next((i for i, lesson in enumerate(lessons) if lesson.slug == lesson_slug), None)
    if index is None:
        raise Http404
    done_ids = _completed_ids(request, lessons)
    lesson = lessons[index]
    sidebar = {
        "marker": marker,
        "signed_in": request.user.is_authenticated,
        "path": path,
        "module": module,
        "status": status,
        "lesson": lesson,
        "lessons": [(item, item.pk in done_ids) for item in lessons],
    }
    return {
        "nav": "path",
        "path": path,
        "module": module,
        "status": status,
        "lesson": catalog.lesson_with_body(lesson, marker),
        "lessons": sidebar["lessons"],
        "is_done": lesson.pk in done_ids,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "position": index + 1,
        "sidebar_inputs": sidebar,
        "sidebar": lesson_sidebar(sidebar),
    }


def lesson_sidebar(inputs: dict, *, oob: bool = False) -> str:
    """The module's lessons and progress beside a lesson (``oob``: for htmx to swap in out of band)."""
    return fragments.render("courses/lesson.html#module-progress", {**inputs, "oob": oob})


@require_GET
def lesson_page(request: HttpRequest, path_slug: str, module_slug: str, lesson_slug: str) -> HttpResponse:
    context = lesson_context(request, path_slug, module_slug, lesson_slug)
    if isinstance(context, HttpResponse):
        return context
    return render(request, "courses/lesson.html", context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    asked = " ".join(request.GET.get("q", "").replace("\x00", "").split())
    query = asked[:SEARCH_MAX]
    results, error, notice = [], "", ""
    if len(asked) > SEARCH_MAX:
        notice = _("Your search was longer than %(n)d characters: its first %(n)d were searched.") % {"n": SEARCH_MAX}
    if query and len(query) < 2:
        error = _("Type at least two characters.")
    elif query:
        pattern = snippets.terms_pattern([t for t in re.findall(r"\w[\w.\-]*", query) if len(t) > 1][:10])
        for lesson in Lesson.objects.published().search(query)[:SEARCH_RESULTS]:
            lesson.snippet = snippets.snippet(lesson.body_html, pattern)
            lesson.title_pieces = snippets.marked(lesson.title, pattern)
            results.append(lesson)
    template = "courses/search.html"
    if request.htmx and not request.htmx.history_restore_request:  # a restored page needs all of it
        template += "#results"
    context = {"nav": "search", "query": query, "results": results, "error": error, "notice": notice}
    context["search_max"] = SEARCH_MAX
    return render(request, template, context)
