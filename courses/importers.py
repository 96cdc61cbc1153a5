"""Load the curriculum from fixtures/content/ into the database.

Idempotent and keyed by slugs and keys: a second run changes nothing. Every file is read and
checked before anything is written, and everything is written in one transaction, so a malformed
file leaves the database as it was. Rows edited in the admin since their last import are left
alone (reported as skipped) unless ``overwrite`` is set. Nothing is ever deleted: learner progress
hangs off these rows.

Other apps add their own per-module files (the quiz app registers ``quiz.yaml``) with
``register_module_file``, and files at the top of the content folder (``misconceptions.yaml``) with
``register_content_file``; this module never imports them.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from django.db.models import PositiveIntegerField
from django.utils import translation

from courses import changes
from courses.models import ImportedContent, LearningPath, Lesson, Module, find_cycle
from devopslearn.lib import translated
from devopslearn.lib.markdown import diagram_size

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n?(.*)\Z", re.S)
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class ContentError(Exception):
    """A malformed content file: the message names the file and the line."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = Path(path), line, message
        super().__init__(f"{path}:{line or 1}: {message}")


class ModuleFileLoader(Protocol):
    filename: str

    def parse(self, path: Path, module: ModuleData) -> Any: ...  # after its lessons are parsed

    def apply(self, parsed: Any, module: Module, context: ImportContext) -> None: ...

    # Optional: read the translation of the file at ``path`` (it may be absent) into ``parsed``, as
    # ``{field}_{language}`` values beside the English ones; return what is not translated.
    # def translate(self, parsed: Any, path: Path, language: str) -> list[Untranslated]: ...


class ContentFileLoader(Protocol):
    """A file at the top of the content folder (it may be absent). ``parse`` runs after every module
    was parsed, so that it can check references across files; ``apply`` runs before the modules'
    files are applied."""

    filename: str

    def parse(self, path: Path, curriculum: Curriculum) -> Any: ...

    def apply(self, parsed: Any, context: ImportContext) -> None: ...

    # Optional, as ModuleFileLoader.translate.


_module_file_loaders: dict[str, ModuleFileLoader] = {}
_content_file_loaders: dict[str, ContentFileLoader] = {}


def register_module_file(loader: ModuleFileLoader) -> None:
    _module_file_loaders[loader.filename] = loader


def register_content_file(loader: ContentFileLoader) -> None:
    _content_file_loaders[loader.filename] = loader


# --- reading -------------------------------------------------------------------------------------


def line_of(text: str, needle: str, default: int = 1, *, after: str | None = None) -> int:
    """The number of the first line containing ``needle`` (after the first line containing ``after``)."""
    start = line_of(text, after, 0) if after else 0
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    return default


def read_text(path: Path) -> str:
    """A content file's text; a file that is not UTF-8 is a ContentError naming the line."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(path, line, "the file is not UTF-8 text (save it as UTF-8)") from exc
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class RepeatedKey(yaml.MarkedYAMLError):
    """A key given twice in one mapping (PyYAML would silently keep the last value)."""

    def __init__(self, key: Any, first: yaml.Mark, again: yaml.Mark):
        super().__init__(problem=f"repeated key '{key}'", problem_mark=again)
        self.key, self.first = key, first


try:  # libyaml's parser when PyYAML was built with it (about ten times faster); the pure-Python one otherwise
    _SafeLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _SafeLoader = yaml.SafeLoader


class _StrictLoader(_SafeLoader):
    """PyYAML's safe loader, refusing a key repeated in one mapping (``points: 1`` then ``points: 3``
    loaded 3; a lesson with ``published`` twice ended unpublished)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, yaml.Mark] = {}
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # "<<" merges may override on purpose
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark)
                except TypeError:  # an unhashable key: the base loader reports it
                    continue
                if first is not key_node.start_mark:
                    raise RepeatedKey(key, first, key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path, text: str | None = None, first_line: int = 1) -> Any:
    """The YAML in ``text`` (or the file), every problem a ContentError naming its line: invalid YAML,
    and a key repeated in one mapping (the second one's line, naming the first)."""
    text = read_text(path) if text is None else text
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except RepeatedKey as exc:
        raise ContentError(
            path,
            first_line + exc.problem_mark.line,
            f"the key '{exc.key}' is given twice (also on line {first_line + exc.first.line}); keep one",
        ) from exc
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
    value = require(path, text, data, key, (str, int))
    if isinstance(value, bool) or not SLUG.match(str(value)):
        raise ContentError(path, line_of(text, f"{key}:"), f"'{key}' must be letters, digits, - and _ only")
    return str(value)


def check_fields(path: Path, text: str, data: dict, known: tuple[str, ...], what: str) -> None:
    """A misspelt field ("publised: false") is an error, not a silent default."""
    for key in data:
        if key not in known:
            raise ContentError(
                path, line_of(text, f"{key}:"), f"unknown field '{key}' in {what} (known: {', '.join(known)})"
            )


def check_columns(path: Path, text: str, model: type, values: dict) -> None:
    """Values their database column would refuse (too long, negative) are an error here, naming the
    file and line, rather than a database error halfway through the import."""
    for name, value in values.items():
        column = model._meta.get_field(name)
        limit = getattr(column, "max_length", None)
        if limit and isinstance(value, str) and len(value) > limit:
            raise ContentError(
                path, line_of(text, f"{name}:"), f"'{name}' is {len(value)} characters long; the limit is {limit}"
            )
        if isinstance(column, PositiveIntegerField) and isinstance(value, int) and value < 0:
            raise ContentError(path, line_of(text, f"{name}:"), f"'{name}' must be zero or more")


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
    text: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ModuleData:
    path: Path
    text: str
    slug: str
    values: dict
    prerequisites: list[str]
    lessons: list[LessonData] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Untranslated:
    """A text of the curriculum without a translation: ``kind`` is a plural noun ("lessons"),
    ``label`` names it for the report ("lesson 'cicd-on-aws/buildspec'")."""

    kind: str
    label: str


@dataclass
class Curriculum:
    slug: str
    values: dict
    modules: list[ModuleData]
    extras: dict[str, Any] = field(default_factory=dict)  # the top-level files, by file name
    warnings: list[str] = field(default_factory=list)  # "file:line: message" that does not stop the import
    untranslated: dict[str, list[Untranslated]] = field(default_factory=dict)  # by language

    def untranslated_lines(self, *, verbose: bool = False) -> list[str]:
        """ "vi: 3 lessons, 12 questions not translated" per language (``verbose``: and which)."""
        lines = []
        for language, missing in self.untranslated.items():
            counts = Counter(item.kind for item in missing)
            if not counts:
                lines.append(f"{language}: everything is translated")
                continue
            named = (
                f"{n} {kind if n != 1 or kind.endswith('instructions') else kind[:-1]}" for kind, n in counts.items()
            )
            lines.append(f"{language}: " + ", ".join(named) + " not translated")
            if verbose:
                lines += [f"  {language}: not translated: {item.label}" for item in missing]
        return lines


LESSON_FIELDS = (
    "key",
    "slug",
    "title",
    "order",
    "estimated_minutes",
    "sources",
    "takeaways",
    "published",
    "reviewed",
    "beyond_workshop",
)


def _reviewed_date(path: Path, text: str, meta: dict) -> datetime.date:
    """The lesson's ``reviewed`` date (ISO, e.g. 2026-11-29): when it was last checked against the AWS
    documentation. Required: a lesson without one is a file:line error."""
    value = meta.get("reviewed")
    if value is None:
        raise ContentError(
            path,
            1,
            "the front matter needs 'reviewed: YYYY-MM-DD' (when the lesson was checked against AWS documentation)",
        )
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ContentError(path, line_of(text, "reviewed:"), "'reviewed' must be a date written like 2026-11-29")
    return value


MODULE_FIELDS = ("slug", "title", "summary", "order", "estimated_minutes", "objectives", "prerequisites", "published")
PATH_FIELDS = ("slug", "title", "summary")


def parse_lesson(path: Path) -> LessonData:
    text = read_text(path)
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentError(path, 1, "a lesson starts with YAML front matter between two '---' lines")
    meta = require_mapping(path, read_yaml(path, match.group(1), first_line=2), "the front matter")
    check_fields(path, text, meta, LESSON_FIELDS, "the front matter")
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
        "beyond_workshop": require(path, text, meta, "beyond_workshop", bool, False),
    }
    warnings: list[str] = []
    values["reviewed"] = _reviewed_date(path, text, meta)
    check_columns(path, text, Lesson, {"key": key, **values})
    return LessonData(path=path, values=values, key=key, text=text, warnings=warnings)


def parse_module(folder: Path) -> ModuleData:
    path = folder / "module.yaml"
    if not path.exists():
        raise ContentError(path, 1, "every module folder needs a module.yaml")
    text = read_text(path)
    data = require_mapping(path, read_yaml(path, text), "module.yaml")
    check_fields(path, text, data, MODULE_FIELDS, "module.yaml")
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
    check_columns(path, text, Module, {"slug": module.slug, **module.values})
    seen: dict[str, Path] = {}
    seen_keys: dict[str, Path] = {}
    for lesson_path in sorted(folder.glob("*.md")):
        if lesson_path.name.lower() == "readme.md":
            continue
        lesson = parse_lesson(lesson_path)
        slug = lesson.values["slug"]
        lesson_text = lesson.text
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
            module.extras[filename] = loader.parse(extra, module)
    return module


def parse_curriculum(root: Path) -> Curriculum:
    root = Path(root)
    path_file = root / "path.yaml"
    if not path_file.exists():
        raise ContentError(path_file, 1, "the content folder needs a path.yaml describing the learning path")
    text = read_text(path_file)
    data = require_mapping(path_file, read_yaml(path_file, text), "path.yaml")
    check_fields(path_file, text, data, PATH_FIELDS, "path.yaml")
    slug = require_slug(path_file, text, data, "slug")
    values = {
        "title": require(path_file, text, data, "title"),
        "summary": require(path_file, text, data, "summary", str, ""),
    }
    check_columns(path_file, text, LearningPath, {"slug": slug, **values})
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
            line = line_of(module.text, prerequisite, after="prerequisites")
            if prerequisite not in by_slug:
                raise ContentError(module.path, line, f"unknown prerequisite '{prerequisite}': no module has that slug")
            if prerequisite == module.slug:
                raise ContentError(module.path, line, "a module cannot require itself")
    cycle = find_cycle({m.slug: set(m.prerequisites) for m in modules})
    if cycle:
        first = by_slug[cycle[0]]
        raise ContentError(
            first.path, line_of(first.text, "prerequisites"), "prerequisites form a cycle: " + " -> ".join(cycle)
        )
    warnings = [
        warning
        for module in modules
        for source in sorted([*module.path.parent.glob("*.md"), *module.path.parent.glob("*.yaml")])
        for text in [read_text(source)]
        for warning in [*table_warnings(source, text), *diagram_warnings(source, text)]
    ]
    curriculum = Curriculum(slug=slug, values=values, modules=modules, warnings=warnings)
    curriculum.warnings += [warning for module in modules for lesson in module.lessons for warning in lesson.warnings]
    for filename, loader in _content_file_loaders.items():
        curriculum.extras[filename] = loader.parse(root / filename, curriculum)
    for language in translated.others():
        curriculum.untranslated[language] = read_translation(root, language, curriculum)
    return curriculum


# --- translations (fixtures/content/<language>/, the same tree with the translated texts only) ----------

PATH_TRANSLATION_FIELDS = ("title", "summary")
MODULE_TRANSLATION_FIELDS = ("slug", "title", "summary", "objectives")
LESSON_TRANSLATION_FIELDS = ("key", "title", "takeaways")


def translated_text(path: Path, text: str, data: dict, key: str) -> str:
    """A translated plain text field (empty when not given)."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ContentError(path, line_of(text, f"{key}:"), f"field '{key}' must be text")
    return str(value).strip()


def translated_list(path: Path, text: str, data: dict, key: str, english: str) -> str:
    """A translated list (objectives, takeaways): as many items as the English, one a line."""
    if data.get(key) is None:
        return ""
    items = string_list(path, text, data, key)
    count = len(lines_of(english))
    if len(items) != count:
        raise ContentError(
            path, line_of(text, f"{key}:"), f"'{key}' has {len(items)} items; the English has {count} (same order)"
        )
    return "\n".join(items)


def lines_of(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def give(values: dict, name: str, language: str, value: str) -> None:
    """Put a translation beside the English value: ``title`` -> ``title_vi``."""
    if value:
        values[translated.localized(name, language)] = value


def read_translation(root: Path, language: str, curriculum: Curriculum) -> list[Untranslated]:
    """Read ``root/<language>/`` into the curriculum's values (``title_vi`` beside ``title``); every
    problem is a ContentError naming the file and line; returns what is not translated."""
    folder = root / language
    missing: list[Untranslated] = []
    path_file = folder / "path.yaml"
    if path_file.exists():
        text = read_text(path_file)
        data = require_mapping(path_file, read_yaml(path_file, text) or {}, "path.yaml")
        check_fields(path_file, text, data, PATH_TRANSLATION_FIELDS, "a translation of path.yaml")
        for name in PATH_TRANSLATION_FIELDS:
            give(curriculum.values, name, language, translated_text(path_file, text, data, name))
    else:
        missing.append(Untranslated("paths", f"path '{curriculum.slug}'"))
    by_folder = {module.path.parent.name: module for module in curriculum.modules}
    if folder.is_dir():
        for stray in sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in by_folder):
            raise ContentError(stray, 1, f"no English module folder is called '{stray.name}'")
    for name, module in by_folder.items():
        missing += _translate_module(module, folder / name, language)
    for filename, loader in _content_file_loaders.items():
        if hasattr(loader, "translate"):
            missing += loader.translate(curriculum.extras[filename], folder / filename, language)
    return missing


def _translate_module(module: ModuleData, folder: Path, language: str) -> list[Untranslated]:
    missing: list[Untranslated] = []
    path = folder / "module.yaml"
    if path.exists():
        text = read_text(path)
        data = require_mapping(path, read_yaml(path, text) or {}, "module.yaml")
        check_fields(path, text, data, MODULE_TRANSLATION_FIELDS, "a translation of module.yaml")
        if str(data.get("slug", "")) != module.slug:
            raise ContentError(path, line_of(text, "slug:"), f"'slug' must be the English module's: {module.slug}")
        for name in ("title", "summary"):
            give(module.values, name, language, translated_text(path, text, data, name))
        objectives = translated_list(path, text, data, "objectives", module.values["objectives"])
        give(module.values, "objectives", language, objectives)
        check_columns(path, text, Module, {"title": module.values.get(translated.localized("title", language), "")})
    else:
        missing.append(Untranslated("modules", f"module '{module.slug}'"))
    lessons = {lesson.path.name: lesson for lesson in module.lessons}
    if folder.is_dir():
        for stray in sorted(folder.glob("*.md")):
            if stray.name not in lessons:
                raise ContentError(stray, 1, f"no English lesson is called '{stray.name}' in {module.path.parent.name}")
    for name, lesson in lessons.items():
        if (folder / name).exists():
            _translate_lesson(lesson, folder / name, language)
        else:
            missing.append(Untranslated("lessons", f"lesson '{module.slug}/{lesson.key}'"))
    for filename, loader in _module_file_loaders.items():
        if filename in module.extras and hasattr(loader, "translate"):
            missing += loader.translate(module.extras[filename], folder / filename, language)
    return missing


def _translate_lesson(lesson: LessonData, path: Path, language: str) -> None:
    text = read_text(path)
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentError(path, 1, "a translated lesson starts with front matter (key, title, takeaways)")
    meta = require_mapping(path, read_yaml(path, match.group(1), first_line=2) or {}, "the front matter")
    check_fields(path, text, meta, LESSON_TRANSLATION_FIELDS, "a translated lesson's front matter")
    if str(meta.get("key", "")) != lesson.key:
        raise ContentError(path, line_of(text, "key:"), f"'key' must be the English lesson's: {lesson.key}")
    body = match.group(2).strip()
    if not body:
        raise ContentError(path, text.count("\n") + 1, "the translated lesson has no body after the front matter")
    values = lesson.values
    give(values, "title", language, translated_text(path, text, meta, "title"))
    give(values, "takeaways", language, translated_list(path, text, meta, "takeaways", values["takeaways"]))
    give(values, "body_md", language, body)
    check_columns(path, text, Lesson, {"title": values.get(translated.localized("title", language), "")})


_TABLE_DELIMITER = re.compile(r"[|:\-\s]+")
_FENCE = re.compile(r"\s*(```|~~~)")
_YAML_BLOCK_OPENER = re.compile(r"\s*(-\s+)?[\w-]+:\s*[|>][-+0-9]*\s*(#.*)?")


def table_warnings(path: Path, text: str) -> list[str]:
    """``path:line: ...`` for each table-looking block that markdown will not turn into a table: a
    header row and a ``|---|---|`` row directly under a line of text (a table needs a blank line
    above it, or markdown reads the rows as more words of that paragraph). Works on lessons and on
    markdown inside YAML block scalars (a quiz prompt) alike; fenced code is skipped."""
    lines = text.splitlines()
    warnings, fenced = [], False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        stripped = line.strip()
        if fenced or index < 2 or "|" not in stripped or "-" not in stripped:
            continue
        if not _TABLE_DELIMITER.fullmatch(stripped) or "|" not in lines[index - 1]:
            continue
        above = lines[index - 2]
        if above.strip() and "|" not in above and above.strip() != "---" and not _YAML_BLOCK_OPENER.fullmatch(above):
            warnings.append(
                f"{path}:{index}: this table directly follows a line of text, so it is shown as plain text "
                "with pipes: put a blank line above it"
            )
    return warnings


_DIAGRAM = re.compile(r"!\[[^\]]*\]\(diagram:([^\s)]*)")


def diagram_warnings(path: Path, text: str) -> list[str]:
    """``path:line: ...`` for each ``![...](diagram:NAME ...)`` whose NAME is not one of our diagrams
    (static/diagrams/NAME.svg): the lesson would show its text alternative only."""
    return [
        f"{path}:{number}: there is no diagram {match[1]!r} (static/diagrams/{match[1]}.svg): "
        "only its text alternative is shown"
        for number, line in enumerate(text.splitlines(), start=1)
        for match in _DIAGRAM.finditer(line)
        if diagram_size(match[1]) is None
    ]


# --- writing -------------------------------------------------------------------------------------

OUTCOMES = ("created", "updated", "unchanged", "skipped")


@dataclass
class ImportContext:
    overwrite: bool = False
    counts: Counter = field(default_factory=Counter)
    kinds: dict[str, Counter] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    translations: list[str] = field(default_factory=list)  # Curriculum.untranslated_lines
    rerendered: int = 0

    def count(self, instance: ImportedContent, outcome: str) -> None:
        self.counts[outcome] += 1
        with translation.override(None):  # the report is in English, like its other messages
            kind = str(instance._meta.verbose_name_plural)
        self.kinds.setdefault(kind, Counter())[outcome] += 1

    def sync(
        self,
        instance: ImportedContent | None,
        make: Callable[[], ImportedContent],
        values: dict,
        label: str,
        *,
        related: dict[str, list] | None = None,
    ) -> tuple[ImportedContent, str]:
        """Create or update one row; returns it with 'created', 'updated', 'unchanged' or 'skipped'.

        ``related`` sets many-to-many fields after the save ({"prerequisites": [module, ...]}); they
        take part in the fingerprint by slug, as the model's ``import_values`` reports them.
        """
        edited = False
        if instance is None:
            instance, outcome = make(), "created"
        else:
            outcome, edited = "updated", instance.edited_since_import
            if edited and not self.overwrite:
                self.skipped.append(f"{label}: edited in the admin")
                self.count(instance, "skipped")
                self.rerendered += instance.refresh_rendering()
                return instance, "skipped"
        previous = instance.import_hash
        translated_fields = translated.fields_of(type(instance))
        # A translation the files no longer give is emptied (the English shows), like any imported value.
        values = {
            **{
                translated.localized(name, language): ""
                for name in type(instance).IMPORT_FIELDS
                if name in translated_fields
                for language in translated.others()
            },
            **values,
        }
        for name, value in values.items():
            # A translated field's own name is its English text (assigning ``title`` would write
            # the active language's column); a translation comes named ``title_vi``.
            column = translated.localized(name, translated.DEFAULT) if name in translated_fields else name
            setattr(instance, column, value)
        slugs = {name: sorted(item.slug for item in items) for name, items in (related or {}).items()}
        if outcome == "updated" and not edited and instance.fingerprint(slugs) == previous:
            self.count(instance, "unchanged")
            self.rerendered += instance.refresh_rendering()
            return instance, "unchanged"
        instance.save()
        for name, items in (related or {}).items():
            getattr(instance, name).set(items)
        instance.import_hash = instance.fingerprint()
        type(instance).objects.filter(pk=instance.pk).update(import_hash=instance.import_hash)
        self.count(instance, outcome)
        return instance, outcome

    def summary(self) -> str:
        totals = ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in OUTCOMES)
        lines = [f"Content: {totals}."]
        lines += [f"  {line}" for line in self.translations]
        for kind, counts in self.kinds.items():
            lines.append(f"  {kind}: " + ", ".join(f"{counts[o]} {o}" for o in OUTCOMES if counts[o]))
        lines += [f"  skipped: {item} (use --overwrite to replace it)" for item in self.skipped]
        if self.rerendered:
            lines.append(f"  re-rendered: {self.rerendered} stored renderings made by an older renderer")
        lines += [f"  note: {note}" for note in self.notes]
        lines += [f"  warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)


def _check_slug_free(lesson: LessonData, owners: dict[str, Lesson], will_write: bool) -> None:
    """A lesson may take a slug only from itself: a key changed in the file would otherwise collide."""
    owner = owners.get(lesson.values["slug"])
    if will_write and owner is not None and owner.key != lesson.key:
        raise ContentError(
            lesson.path,
            line_of(lesson.text, "slug:"),
            f"slug '{owner.slug}' already belongs to the lesson with key '{owner.key}' in the database; "
            "keep a lesson's key when you rename it, or change the other lesson's slug first",
        )


def load_content(root: Path | str, *, overwrite: bool = False, verbose: bool = False) -> ImportContext:
    """Read and check every file under ``root``, then create or update the rows in one transaction,
    with what is derived from them (grades, progress, certificates: one batch of content changes,
    courses.changes); the report's notes say what followed."""
    curriculum = parse_curriculum(Path(root))
    context = ImportContext(
        overwrite=overwrite,
        warnings=list(curriculum.warnings),
        translations=curriculum.untranslated_lines(verbose=verbose),
    )
    # The English texts go to the English columns whoever runs the import (a row created with
    # title=... writes the active language's column).
    with changes.batch() as followed, translation.override(translated.DEFAULT):
        _write(curriculum, context)
    context.notes += followed.lines
    return context


def _write(curriculum: Curriculum, context: ImportContext) -> None:
    overwrite = context.overwrite
    path, _ = context.sync(
        LearningPath.objects.filter(slug=curriculum.slug).first(),
        lambda: LearningPath(slug=curriculum.slug),
        curriculum.values,
        f"path '{curriculum.slug}'",
    )
    for filename, parsed in curriculum.extras.items():
        _content_file_loaders[filename].apply(parsed, context)
    # Every module exists before any prerequisite points at it.
    modules = {m.slug: m for m in Module.objects.filter(path=path)}
    created = set()
    for data in curriculum.modules:
        if data.slug not in modules:
            modules[data.slug] = Module.objects.create(path=path, slug=data.slug, **data.values)
            created.add(data.slug)
    for data in curriculum.modules:
        context.sync(
            None if data.slug in created else modules[data.slug],
            lambda module=modules[data.slug]: module,
            data.values,
            f"module '{data.slug}' ({data.path.parent.name}/{data.path.name})",
            related={"prerequisites": [modules[slug] for slug in data.prerequisites]},
        )
    for data in curriculum.modules:
        module = modules[data.slug]
        existing = list(Lesson.objects.filter(module=module))
        by_key = {lesson.key: lesson for lesson in existing}
        owners = {lesson.slug: lesson for lesson in existing}
        for lesson in data.lessons:
            instance = by_key.get(lesson.key)
            writes = instance is None or overwrite or not instance.edited_since_import
            _check_slug_free(lesson, owners, writes)
            old_slug = instance.slug if instance else None
            instance, _ = context.sync(
                instance,
                lambda module=module, lesson=lesson: Lesson(module=module, key=lesson.key),
                lesson.values,
                f"lesson '{data.slug}/{lesson.key}' ({data.path.parent.name}/{lesson.path.name})",
            )
            if old_slug != instance.slug:
                owners.pop(old_slug, None)
                owners[instance.slug] = instance
        for filename, parsed in data.extras.items():
            _module_file_loaders[filename].apply(parsed, module, context)
