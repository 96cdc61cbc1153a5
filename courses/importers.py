"""Load the curriculum from fixtures/content/ into the database.

Idempotent and keyed by slugs and keys: a second run changes nothing. Every file is read and
checked before anything is written, and everything is written in one transaction, so a malformed
file leaves the database as it was. Rows edited in the admin since their last import are left
alone (reported as skipped) unless ``overwrite`` is set. Nothing is ever deleted: learner progress
hangs off these rows.

Other apps add their own per-module files (the quiz app registers ``quiz.yaml``) with
``register_module_file``; this module never imports them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from django.db import transaction

from courses.models import ImportedContent, LearningPath, Lesson, Module, find_cycle

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n?(.*)\Z", re.S)
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class ContentError(Exception):
    """A malformed content file: the message names the file and the line."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = Path(path), line, message
        super().__init__(f"{path}:{line or 1}: {message}")


class ModuleFileLoader(Protocol):
    filename: str

    def parse(self, path: Path, module_slug: str) -> Any: ...

    def apply(self, parsed: Any, module: Module, context: ImportContext) -> None: ...


_module_file_loaders: dict[str, ModuleFileLoader] = {}


def register_module_file(loader: ModuleFileLoader) -> None:
    _module_file_loaders[loader.filename] = loader


# --- reading -------------------------------------------------------------------------------------


def line_of(text: str, needle: str, default: int = 1) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return default


def read_yaml(path: Path, text: str | None = None, first_line: int = 1) -> Any:
    text = path.read_text(encoding="utf-8") if text is None else text
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(path, line, f"invalid YAML: {problem}") from exc


def require_mapping(path: Path, data: Any, what: str) -> dict:
    if not isinstance(data, dict):
        raise ContentError(path, 1, f"{what} must be a YAML mapping (key: value lines)")
    return data


def require(path: Path, text: str, data: dict, key: str, kind: type | tuple = str, default: Any = ...) -> Any:
    if key not in data or data[key] is None:
        if default is not ...:
            return default
        raise ContentError(path, 1, f"missing required field '{key}'")
    value = data[key]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ContentError(path, line_of(text, f"{key}:"), f"field '{key}' must be {names}")
    return value


def require_slug(path: Path, text: str, data: dict, key: str) -> str:
    value = str(require(path, text, data, key, (str, int)))
    if not SLUG.match(value):
        raise ContentError(path, line_of(text, f"{key}:"), f"'{key}' must be letters, digits, - and _ only")
    return value


def string_list(path: Path, text: str, data: dict, key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str | int | float) for item in value):
        raise ContentError(
            path,
            line_of(text, f"{key}:"),
            f"'{key}' must be a list of plain strings (quote an item that contains ': ')",
        )
    return [str(item) for item in value]


@dataclass
class LessonData:
    path: Path
    values: dict
    key: str


@dataclass
class ModuleData:
    path: Path
    text: str
    slug: str
    values: dict
    prerequisites: list[str]
    lessons: list[LessonData] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class Curriculum:
    slug: str
    values: dict
    modules: list[ModuleData]


def parse_lesson(path: Path) -> LessonData:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentError(path, 1, "a lesson starts with YAML front matter between two '---' lines")
    meta = require_mapping(path, read_yaml(path, match.group(1), first_line=2), "the front matter")
    key = require_slug(path, text, meta, "key")
    body = match.group(2).strip()
    if not body:
        raise ContentError(path, text.count("\n") + 1, "the lesson has no body after the front matter")
    values = {
        "slug": require_slug(path, text, meta, "slug") if "slug" in meta else key,
        "title": require(path, text, meta, "title"),
        "order": require(path, text, meta, "order", int, 0),
        "estimated_minutes": require(path, text, meta, "estimated_minutes", int, 10),
        "takeaways": "\n".join(string_list(path, text, meta, "takeaways")),
        "sources": ", ".join(string_list(path, text, meta, "sources")),
        "published": require(path, text, meta, "published", bool, True),
        "body_md": body,
    }
    return LessonData(path=path, values=values, key=key)


def parse_module(folder: Path) -> ModuleData:
    path = folder / "module.yaml"
    if not path.exists():
        raise ContentError(path, 1, "every module folder needs a module.yaml")
    text = path.read_text(encoding="utf-8")
    data = require_mapping(path, read_yaml(path, text), "module.yaml")
    module = ModuleData(
        path=path,
        text=text,
        slug=require_slug(path, text, data, "slug"),
        values={
            "title": require(path, text, data, "title"),
            "summary": require(path, text, data, "summary", str, ""),
            "order": require(path, text, data, "order", int, 0),
            "estimated_minutes": require(path, text, data, "estimated_minutes", int, 60),
            "objectives": "\n".join(string_list(path, text, data, "objectives")),
            "published": require(path, text, data, "published", bool, True),
        },
        prerequisites=string_list(path, text, data, "prerequisites"),
    )
    seen: dict[str, Path] = {}
    seen_keys: dict[str, Path] = {}
    for lesson_path in sorted(folder.glob("*.md")):
        if lesson_path.name.lower() == "readme.md":
            continue
        lesson = parse_lesson(lesson_path)
        slug = lesson.values["slug"]
        lesson_text = lesson_path.read_text(encoding="utf-8")
        if slug in seen:
            raise ContentError(
                lesson_path,
                line_of(lesson_text, "slug:"),
                f"duplicate lesson slug '{slug}' (also in {seen[slug].name})",
            )
        if lesson.key in seen_keys:
            raise ContentError(
                lesson_path,
                line_of(lesson_text, "key:"),
                f"duplicate lesson key '{lesson.key}' (also in {seen_keys[lesson.key].name})",
            )
        seen[slug], seen_keys[lesson.key] = lesson_path, lesson_path
        module.lessons.append(lesson)
    for filename, loader in _module_file_loaders.items():
        extra = folder / filename
        if extra.exists():
            module.extras[filename] = loader.parse(extra, module.slug)
    return module


def parse_curriculum(root: Path) -> Curriculum:
    root = Path(root)
    path_file = root / "path.yaml"
    if not path_file.exists():
        raise ContentError(path_file, 1, "the content folder needs a path.yaml describing the learning path")
    text = path_file.read_text(encoding="utf-8")
    data = require_mapping(path_file, read_yaml(path_file, text), "path.yaml")
    slug = require_slug(path_file, text, data, "slug")
    values = {
        "title": require(path_file, text, data, "title"),
        "summary": require(path_file, text, data, "summary", str, ""),
    }
    modules: list[ModuleData] = []
    by_slug: dict[str, ModuleData] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "module.yaml").exists()):
        module = parse_module(folder)
        if module.slug in by_slug:
            raise ContentError(
                module.path,
                line_of(module.text, "slug:"),
                f"duplicate module slug '{module.slug}' (also in {by_slug[module.slug].path})",
            )
        by_slug[module.slug] = module
        modules.append(module)
    for module in modules:
        for prerequisite in module.prerequisites:
            if prerequisite not in by_slug:
                raise ContentError(
                    module.path,
                    line_of(module.text, prerequisite),
                    f"unknown prerequisite '{prerequisite}': no module has that slug",
                )
            if prerequisite == module.slug:
                raise ContentError(module.path, line_of(module.text, prerequisite), "a module cannot require itself")
    cycle = find_cycle({m.slug: set(m.prerequisites) for m in modules})
    if cycle:
        first = by_slug[cycle[0]]
        raise ContentError(
            first.path, line_of(first.text, "prerequisites"), "prerequisites form a cycle: " + " -> ".join(cycle)
        )
    return Curriculum(slug=slug, values=values, modules=modules)


# --- writing -------------------------------------------------------------------------------------


@dataclass
class ImportContext:
    overwrite: bool = False
    counts: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def sync(
        self,
        instance: ImportedContent | None,
        make: Callable[[], ImportedContent],
        values: dict,
        label: str,
        after_save: Callable[[ImportedContent], None] | None = None,
    ) -> tuple[ImportedContent, str]:
        """Create or update one row; returns it with 'created', 'updated', 'unchanged' or 'skipped'."""
        if instance is None:
            instance, outcome = make(), "created"
        elif instance.edited_since_import and not self.overwrite:
            self.skipped.append(f"{label}: edited in the admin")
            self.counts["skipped"] += 1
            return instance, "skipped"
        else:
            outcome = "updated"
        previous = instance.import_hash
        for name, value in values.items():
            setattr(instance, name, value)
        if outcome == "updated" and after_save is None and instance.fingerprint() == previous:
            self.counts["unchanged"] += 1
            return instance, "unchanged"
        instance.save()
        if after_save:
            after_save(instance)
        instance.import_hash = instance.fingerprint()
        if outcome == "updated" and instance.import_hash == previous:
            outcome = "unchanged"
        if instance.import_hash != previous:
            type(instance).objects.filter(pk=instance.pk).update(import_hash=instance.import_hash)
        self.counts[outcome] += 1
        return instance, outcome

    def summary(self) -> str:
        parts = [f"{self.counts[k]} {k}" for k in ("created", "updated", "unchanged", "skipped")]
        lines = ["Content: " + ", ".join(parts) + "."]
        lines += [f"  skipped: {item} (use --overwrite to replace it)" for item in self.skipped]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


@transaction.atomic
def load_content(root: Path | str, *, overwrite: bool = False) -> ImportContext:
    """Read and check every file under ``root``, then create or update the rows in one transaction."""
    curriculum = parse_curriculum(Path(root))
    context = ImportContext(overwrite=overwrite)
    path, _ = context.sync(
        LearningPath.objects.filter(slug=curriculum.slug).first(),
        lambda: LearningPath(slug=curriculum.slug),
        curriculum.values,
        f"path '{curriculum.slug}'",
    )
    existing = {m.slug: m for m in Module.objects.filter(path=path)}
    modules: dict[str, Module] = {}
    pending_prerequisites: list[tuple[ModuleData, Module, str]] = []
    for data in curriculum.modules:
        instance = existing.get(data.slug)
        skip = instance is not None and instance.edited_since_import and not overwrite
        if skip:
            context.sync(instance, lambda: None, {}, f"module '{data.slug}'")
            modules[data.slug] = instance
            continue
        if instance is None:
            instance = Module(path=path, slug=data.slug, **data.values)
            instance.save()
            outcome = "created"
        else:
            outcome = "existing"
        modules[data.slug] = instance
        pending_prerequisites.append((data, instance, outcome))
    for data, instance, outcome in pending_prerequisites:
        wanted = [modules[slug] for slug in data.prerequisites]
        context.sync(
            None if outcome == "created" else instance,
            lambda instance=instance: instance,
            data.values,
            f"module '{data.slug}'",
            after_save=lambda module, wanted=wanted: module.prerequisites.set(wanted),
        )
    for data in curriculum.modules:
        module = modules[data.slug]
        lessons = {lesson.key: lesson for lesson in Lesson.objects.filter(module=module)}
        for lesson in data.lessons:
            context.sync(
                lessons.get(lesson.key),
                lambda module=module, lesson=lesson: Lesson(module=module, key=lesson.key),
                lesson.values,
                f"lesson '{data.slug}/{lesson.key}' ({lesson.path.name})",
            )
        for filename, parsed in data.extras.items():
            _module_file_loaders[filename].apply(parsed, module, context)
    return context
