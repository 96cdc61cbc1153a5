"""The published curriculum as each worker keeps it in memory, keyed on the content marker.

Every learner page needs the path, its modules and a module's lessons; they change only when an
instructor edits content, which bumps ContentVersion. So a worker loads them once per marker and
serves copies after: one indexed read of the marker per request instead of a query per object,
and an edit reaches every worker on its next request.
"""

import copy
from collections.abc import Callable, Hashable

from courses.models import ContentVersion, LearningPath, Lesson, Module
from devopslearn.lib import translated

_store: dict[Hashable, tuple[str, object]] = {}


def cached(key: Hashable, marker: str, load: Callable[[], object]):
    """``load()``'s value for ``key`` at this content marker; loaded again when the marker moves.

    Callers get the shared value: copy model instances before setting attributes on them.
    """
    hit = _store.get(key)
    if hit is None or hit[0] != marker:
        hit = (marker, load())
        _store[key] = hit
    return hit[1]


def cached_many(keys: list[Hashable], marker: str, load: Callable[[list], dict]) -> dict:
    """{key: value} for ``keys`` at this content marker: ``load(missing)`` gives, in one call, the
    values of the keys not kept yet ({key: value}; a key it leaves out has the value None)."""
    missing = [key for key in keys if (hit := _store.get(key)) is None or hit[0] != marker]
    if missing:
        loaded = load(missing)
        for key in missing:
            _store[key] = (marker, loaded.get(key))
    return {key: _store[key][1] for key in keys}


def current_marker() -> str:
    return ContentVersion.current()


def _paths(marker: str) -> dict[str, LearningPath]:
    return cached("paths", marker, lambda: {path.slug: path for path in LearningPath.objects.order_by("id")})


def path_by_slug(slug: str, marker: str) -> LearningPath | None:
    path = _paths(marker).get(slug)
    return copy.copy(path) if path is not None else None


def path_by_id(path_id: int, marker: str) -> LearningPath | None:
    path = next((item for item in _paths(marker).values() if item.pk == path_id), None)
    return copy.copy(path) if path is not None else None


def first_path(marker: str) -> LearningPath | None:
    path = min(_paths(marker).values(), key=lambda item: item.pk, default=None)
    return copy.copy(path) if path is not None else None


def published_lessons(module: Module, marker: str) -> list[Lesson]:
    """The module's published lessons in order, without their bodies (see ``lesson_with_body``)."""
    lessons = cached(
        ("lessons", module.pk),
        marker,
        lambda: list(
            Lesson.objects.filter(module_id=module.pk, published=True)
            .order_by("order", "id")
            .defer("body_md", "body_html", "body_text")
        ),
    )
    copies = [copy.copy(lesson) for lesson in lessons]
    for lesson in copies:
        lesson.module = module  # its URL needs the module and path slugs: no query
    return copies


def lesson_with_body(lesson: Lesson, marker: str) -> Lesson:
    """``lesson`` (from ``published_lessons``) with its rendered body in the page's language (and the
    English one it falls back to), kept per worker like the rest, per language."""
    language = translated.active()
    columns = list(dict.fromkeys(translated.localized("body_html", code) for code in (language, translated.DEFAULT)))
    bodies = Lesson.objects.filter(pk=lesson.pk).values_list(*columns)
    body = cached(("lesson-body", lesson.pk, language), marker, lambda: bodies.first() or ("",) * len(columns))
    found = copy.copy(lesson)
    for column, html in zip(columns, body, strict=True):
        setattr(found, column, html or "")
    return found
