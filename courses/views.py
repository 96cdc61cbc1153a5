import re

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from courses import catalog
from courses.models import LearningPath, Lesson
from courses.pathmap import layout
from progress import services as progress_services
from progress.models import LessonCompletion
from progress.states import RULE, ModuleStatus, learner_statuses, signature
from quizzes.models import Quiz

SEARCH_MAX = 100  # characters of a query; the rest is ignored
SEARCH_RESULTS = 30


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _module_for(request: HttpRequest, path_slug: str, module_slug: str):
    """Load a published module and the visitor's standing on its path.

    Anonymous visitors may open only modules without prerequisites; the rest asks them to log in.
    Returns (path, module, status) or an HttpResponse redirect.
    """
    marker = catalog.current_marker()
    path = _path_or_404(path_slug, marker)
    status = next((s for s in learner_statuses(path, request.user, marker) if s.module.slug == module_slug), None)
    if status is None:  # no such module, or not published
        raise Http404
    if not request.user.is_authenticated and status.prerequisites:
        return redirect_to_login(request.get_full_path())
    return path, status.module, status, marker


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
    due = sum(s.due for s in statuses)
    steps_total = sum(s.steps_total for s in statuses)
    steps_done = sum(min(s.steps_done, s.steps_total) for s in statuses)
    return render(
        request,
        "courses/path.html",
        {
            "nav": "path",
            "path": path,
            "statuses": statuses,
            "map": layout(statuses),
            "due_cards": due,
            "modules_done": sum(1 for s in statuses if s.is_completed),
            "overall_percent": round(100 * steps_done / steps_total) if steps_total else 0,
            "next_status": next((s for s in statuses if not s.is_locked and not s.is_completed), None),
            "fragment_key": signature(statuses, path.pk, request.user.is_authenticated, get_language()),
        },
    )


@require_GET
def module_page(request: HttpRequest, path_slug: str, module_slug: str) -> HttpResponse:
    loaded = _module_for(request, path_slug, module_slug)
    if isinstance(loaded, HttpResponse):
        return loaded
    path, module, status, marker = loaded
    lessons = catalog.published_lessons(module, marker)
    done_ids = _completed_ids(request, lessons)
    return render(
        request,
        "courses/module.html",
        {
            "nav": "path",
            "path": path,
            "module": module,
            "status": status,
            "lessons": SimpleLazyObject(lambda: [(lesson, lesson.pk in done_ids) for lesson in lessons]),
            "quiz": SimpleLazyObject(lambda: Quiz.objects.filter(pk=status.quiz_id).first()),
            "rule": RULE,
            "next_lesson": SimpleLazyObject(
                lambda: next((lesson for lesson in lessons if lesson.pk not in done_ids), None)
            ),
            "fragment_key": signature(
                [status], "module", tuple(sorted(done_ids)), request.user.is_authenticated, get_language()
            ),
        },
    )


def _lesson_context(request: HttpRequest, path_slug: str, module_slug: str, lesson_slug: str):
    loaded = _module_for(request, path_slug, module_slug)
    if isinstance(loaded, HttpResponse):
        return loaded
    path, module, status, marker = loaded
    lessons = catalog.published_lessons(module, marker)
    index = next((i for i, lesson in enumerate(lessons) if lesson.slug == lesson_slug), None)
    if index is None:
        raise Http404
    lesson = lessons[index]
    done_ids = _completed_ids(request, lessons)
    return {
        "nav": "path",
        "path": path,
        "module": module,
        "status": status,
        "lesson": lesson,
        "lessons": [(item, item.pk in done_ids) for item in lessons],
        "is_done": lesson.pk in done_ids,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "position": index + 1,
        # The rendered lesson and its sidebar are cached by everything they show (forms never are).
        "head_key": signature([status], "lesson-head", lesson.pk, request.user.is_authenticated, get_language()),
        "tail_key": signature(
            [status], "lesson-tail", lesson.pk, tuple(sorted(done_ids)), request.user.is_authenticated, get_language()
        ),
    }


@require_GET
def lesson_page(request: HttpRequest, path_slug: str, module_slug: str, lesson_slug: str) -> HttpResponse:
    context = _lesson_context(request, path_slug, module_slug, lesson_slug)
    if isinstance(context, HttpResponse):
        return context
    return render(request, "courses/lesson.html", context)


def _locked_reason(status: ModuleStatus) -> str:
    names = ", ".join(f"“{m.title}”" for m in status.missing)
    return _("This module is locked: finish %(modules)s first, then you can mark its lessons complete.") % {
        "modules": names
    }


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
    context = _lesson_context(request, path_slug, module_slug, lesson_slug)
    if isinstance(context, HttpResponse):  # login_required lets only members in; kept for safety
        return context
    status, lesson = context["status"], context["lesson"]
    if status.is_locked:
        raise PermissionDenied(_locked_reason(status))
    if done:
        progress_services.complete_lesson(request.user, lesson)
    else:
        progress_services.undo_lesson(request.user, lesson)
    if not request.htmx:
        return redirect(lesson.get_absolute_url())
    # Read the lesson's state and the module's progress again after the write: the fragment shows both.
    context = _lesson_context(request, path_slug, module_slug, lesson_slug)
    return render(request, "courses/_completion_update.html", context)


def _highlight(text: str, terms: list[str], width: int = 220) -> str:
    """An escaped excerpt of ``text`` around the first match, each match wrapped in <mark>."""
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    match = pattern.search(text) if pattern else None
    start = max(0, (match.start() if match else 0) - width // 3)
    excerpt = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    if not pattern:
        return escape(prefix + excerpt + suffix)
    pieces, last = [], 0
    for found in pattern.finditer(excerpt):
        pieces.append(escape(excerpt[last : found.start()]))
        pieces.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    pieces.append(escape(excerpt[last:]))
    return mark_safe(escape(prefix) + "".join(pieces) + escape(suffix))  # noqa: S308 - built from escaped pieces


@login_required
@require_GET
@vary_on_headers("HX-Request")
def search(request: HtmxHttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").replace("\x00", "").split())[:SEARCH_MAX]
    results, error = [], ""
    if query and len(query) < 2:
        error = _("Type at least two characters.")
    elif query:
        terms = [t for t in re.findall(r"\w[\w.\-]*", query) if len(t) > 1][:10]
        for lesson in Lesson.objects.published().search(query)[:SEARCH_RESULTS]:
            lesson.snippet = _highlight(lesson.body_text, terms)
            lesson.title_marked = _highlight(lesson.title, terms, width=len(lesson.title) + 1)
            results.append(lesson)
    template = "courses/search.html"
    if request.htmx and not request.htmx.history_restore_request:  # a restored page needs all of it
        template += "#results"
    return render(request, template, {"nav": "search", "query": query, "results": results, "error": error})
