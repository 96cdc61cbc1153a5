"""``labs/`` in a module folder: one folder per lab, loaded by ``load_content`` like the rest.

    fixtures/content/04-containers-on-aws/labs/
      dockerfile-hardening/
        lab.yaml            title, kind, checks... (below)
        instructions.md     the instructions (markdown)
        starter.Dockerfile  what the learner starts from
        solution.Dockerfile the reference solution (passes every check)

lab.yaml::

    title: Harden a Python service's Dockerfile
    kind: dockerfile          # dockerfile, cloudformation, github_actions, buildspec, kubernetes
    order: 1
    required: true            # part of completing the module (default true)
    pass_mark: 100            # percent of the points (default 100)
    published: true
    starter: starter.Dockerfile      # defaults: the one file named starter.* / solution.*
    solution: solution.Dockerfile
    checks:
      - key: base-image-tag
        title: The base image has a fixed tag
        tool: hadolint        # or cfn-lint, actionlint, kubernetes-validate, yamllint, devopslearn
        rules: [DL3006, DL3007]
        points: 2             # default 1
        required: true        # default true
        lesson: docker-basics # a lesson key of this module, or module-slug/lesson-key of an earlier module
        explanation: |
          Markdown shown when the check fails.

The lab's key is its folder's name unless ``key:`` says otherwise. Everything is checked before
anything is written; a problem is a ContentError naming the file and line. A lab or check edited in
the admin is left alone (reported as skipped) unless ``--overwrite``; nothing is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from courses.importers import (
    ContentError,
    ImportContext,
    ModuleData,
    Untranslated,
    check_columns,
    check_fields,
    give,
    line_of,
    read_text,
    read_yaml,
    require,
    require_mapping,
    require_slug,
    translated_text,
)
from courses.models import Lesson, Module
from labs import documents
from labs.kinds import ArtifactKind
from labs.models import Check, Lab, check_problems, split_rules

LAB_FIELDS = (
    "key",
    "slug",
    "title",
    "order",
    "kind",
    "required",
    "pass_mark",
    "published",
    "starter",
    "solution",
    "instructions",
    "checks",
)
CHECK_FIELDS = ("key", "title", "tool", "rules", "points", "required", "lesson", "explanation")


@dataclass
class CheckData:
    key: str
    values: dict
    lesson: str  # "" or "module-slug/lesson-key" or "lesson-key"
    line: int


@dataclass
class LabData:
    path: Path  # the lab.yaml
    text: str
    key: str
    values: dict
    checks: list[CheckData] = field(default_factory=list)


def _artifact(folder: Path, text: str, data: dict, which: str, kind: str) -> str:
    path = folder / "lab.yaml"
    name = data.get(which)
    if name is None:
        found = sorted(p for p in folder.glob(f"{which}.*") if p.is_file()) or sorted(folder.glob(which))
        if len(found) != 1:
            raise ContentError(path, 1, f"name the {which} file with '{which}:' (found {len(found)} {which}.* files)")
        artifact_path = found[0]
    else:
        if not isinstance(name, str) or "/" in name or name.startswith("."):
            raise ContentError(path, line_of(text, f"{which}:"), f"'{which}' must be a file name in the lab's folder")
        artifact_path = folder / name
        if not artifact_path.is_file():
            raise ContentError(path, line_of(text, f"{which}:"), f"the {which} file '{name}' does not exist")
    content = read_text(artifact_path)
    try:
        documents.check_size(kind, content)
    except documents.Refused as refusal:
        raise ContentError(artifact_path, 1, refusal.message) from None
    return content.rstrip("\n") + "\n"


def parse_lab(folder: Path) -> LabData:
    path = folder / "lab.yaml"
    text = read_text(path)
    data = require_mapping(path, read_yaml(path, text), "lab.yaml")
    check_fields(path, text, data, LAB_FIELDS, "lab.yaml")
    key = require_slug(path, text, data, "key") if "key" in data else folder.name
    if not documents.SLUG.match(key):
        raise ContentError(path, 1, f"the lab folder '{folder.name}' must be named with letters, digits, - and _")
    kind = require(path, text, data, "kind")
    if kind not in ArtifactKind.values:
        raise ContentError(
            path, line_of(text, "kind:"), f"kind must be one of {', '.join(ArtifactKind.values)} (not '{kind}')"
        )
    instructions_name = require(path, text, data, "instructions", str, "instructions.md")
    instructions_path = folder / instructions_name
    if "/" in instructions_name or not instructions_path.is_file():
        raise ContentError(
            path, line_of(text, "instructions"), f"the instructions file '{instructions_name}' is missing"
        )
    instructions = read_text(instructions_path).strip()
    if not instructions:
        raise ContentError(instructions_path, 1, "the instructions are empty")
    values = {
        "slug": require_slug(path, text, data, "slug") if "slug" in data else key,
        "title": require(path, text, data, "title"),
        "order": require(path, text, data, "order", int, 0),
        "kind": kind,
        "required": require(path, text, data, "required", bool, True),
        "pass_mark": require(path, text, data, "pass_mark", int, 100),
        "published": require(path, text, data, "published", bool, True),
        "instructions_md": instructions,
        "starter": _artifact(folder, text, data, "starter", kind),
        "solution": _artifact(folder, text, data, "solution", kind),
    }
    check_columns(path, text, Lab, {"key": key, "slug": values["slug"], "title": values["title"]})
    if not 0 <= values["pass_mark"] <= 100:
        raise ContentError(path, line_of(text, "pass_mark"), "pass_mark is a percentage from 0 to 100")
    lab = LabData(path=path, text=text, key=key, values=values)
    raw_checks = data.get("checks")
    if not isinstance(raw_checks, list) or not raw_checks:
        raise ContentError(path, line_of(text, "checks"), "a lab needs a list of checks")
    seen: set[str] = set()
    for order, raw in enumerate(raw_checks, start=1):
        raw = require_mapping(path, raw, f"check {order}")
        check_key = require_slug(path, text, raw, "key")
        where = line_of(text, f"key: {check_key}", after="checks")
        check_fields(path, text, raw, CHECK_FIELDS, f"check '{check_key}'")
        if check_key in seen:
            raise ContentError(path, where, f"duplicate check key '{check_key}'")
        seen.add(check_key)
        tool = require(path, text, raw, "tool")
        rules = raw.get("rules")
        if not isinstance(rules, list | str):
            raise ContentError(path, where, f"check '{check_key}': 'rules' must be a list of rule ids")
        problems = check_problems(kind, tool, split_rules(rules))
        if problems:
            raise ContentError(path, where, f"check '{check_key}': {problems[0]}")
        points = raw.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, int) or points < 0:
            raise ContentError(path, where, f"check '{check_key}': points must be a whole number, zero or more")
        explanation = str(raw.get("explanation") or "").strip()
        if not explanation:
            raise ContentError(path, where, f"check '{check_key}' has no explanation (shown when it fails)")
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ContentError(path, where, f"check '{check_key}' has no title")
        required = raw.get("required", True)
        if not isinstance(required, bool):
            raise ContentError(path, where, f"check '{check_key}': required must be true or false")
        lesson = raw.get("lesson") or ""
        if not isinstance(lesson, str):
            raise ContentError(path, where, f"check '{check_key}': lesson must be a lesson key")
        check_values = {
            "title": title.strip(),
            "order": order,
            "tool": tool,
            "rules": ", ".join(split_rules(rules)),
            "points": points,
            "required": required,
            "explanation_md": explanation,
        }
        check_columns(path, text, Check, {"key": check_key, **check_values})
        lab.checks.append(CheckData(key=check_key, values=check_values, lesson=lesson, line=where))
    return lab


class LabsFolderLoader:
    """The ``labs`` folder of a module (registered with courses.importers.register_module_file)."""

    filename = "labs"

    def parse(self, path: Path, module: ModuleData) -> list[LabData]:
        if not path.is_dir():
            raise ContentError(path, 1, "'labs' in a module folder must be a folder of labs")
        labs: list[LabData] = []
        by_key: dict[str, LabData] = {}
        by_slug: dict[str, LabData] = {}
        for folder in sorted(p for p in path.iterdir() if p.is_dir()):
            if not (folder / "lab.yaml").exists():
                raise ContentError(folder / "lab.yaml", 1, "every folder in 'labs' needs a lab.yaml")
            lab = parse_lab(folder)
            for seen, value, what in ((by_key, lab.key, "key"), (by_slug, lab.values["slug"], "slug")):
                if value in seen:
                    raise ContentError(lab.path, 1, f"duplicate lab {what} '{value}' (also {seen[value].path})")
                seen[value] = lab
            labs.append(lab)
        return labs

    def translate(self, parsed: list[LabData], path: Path, language: str) -> list[Untranslated]:
        """The labs' translation (fixtures/content/<language>/<module>/labs/<lab>/): lab.yaml with the
        title and each check's title and explanation by the English check keys, and instructions.md.
        Starters, solutions, tools and rules come from the English lab."""
        labs = {lab.path.parent.name: lab for lab in parsed}
        if path.is_dir():
            for stray in sorted(p for p in path.iterdir() if p.is_dir() and p.name not in labs):
                raise ContentError(stray, 1, f"no English lab folder is called '{stray.name}'")
        missing: list[Untranslated] = []
        for name, lab in labs.items():
            label = f"lab '{lab.path.parent.parent.parent.name}/{lab.key}'"
            folder = path / name
            lab_file = folder / "lab.yaml"
            if not lab_file.exists():
                missing.append(Untranslated("labs", label))
                continue
            text = read_text(lab_file)
            data = require_mapping(lab_file, read_yaml(lab_file, text) or {}, "lab.yaml")
            check_fields(lab_file, text, data, ("title", "checks"), "a translated lab.yaml")
            give(lab.values, "title", language, translated_text(lab_file, text, data, "title"))
            checks = {check.key: check for check in lab.checks}
            raw_checks = data.get("checks") or []
            if not isinstance(raw_checks, list):
                raise ContentError(lab_file, line_of(text, "checks:"), "'checks' must be a list")
            for raw in raw_checks:
                raw = require_mapping(lab_file, raw, "a translated check")
                key = str(raw.get("key", ""))
                where = line_of(text, f"key: {key}", after="checks")
                if key not in checks:
                    raise ContentError(lab_file, where, f"check '{key}' is not in the English lab")
                check_fields(lab_file, text, raw, ("key", "title", "explanation"), f"translated check '{key}'")
                give(checks[key].values, "title", language, translated_text(lab_file, text, raw, "title"))
                give(
                    checks[key].values, "explanation_md", language, translated_text(lab_file, text, raw, "explanation")
                )
            check_columns(lab_file, text, Lab, {"title": lab.values.get(f"title_{language}", "")})
            instructions = folder / "instructions.md"
            if instructions.exists():
                give(lab.values, "instructions_md", language, read_text(instructions).strip())
            else:
                missing.append(Untranslated("lab instructions", label))
        return missing

    def apply(self, parsed: list[LabData], module: Module, context: ImportContext) -> None:
        existing = {lab.key: lab for lab in Lab.objects.filter(module=module)}
        lessons = {
            f"{lesson.module.slug}/{lesson.key}": lesson
            for lesson in Lesson.objects.filter(module__path_id=module.path_id).select_related("module")
        }
        for data in parsed:
            folder = f"{data.path.parent.parent.parent.name}/labs/{data.path.parent.name}"
            instance = existing.get(data.key)
            owner = Lab.objects.filter(module=module, slug=data.values["slug"]).exclude(key=data.key).first()
            if owner is not None and (instance is None or context.overwrite or not instance.edited_since_import):
                raise ContentError(
                    data.path,
                    line_of(data.text, "slug:"),
                    f"slug '{owner.slug}' already belongs to the lab with key '{owner.key}' in the database",
                )
            lab, outcome = context.sync(
                instance,
                lambda data=data: Lab(module=module, key=data.key),
                data.values,
                f"lab '{module.slug}/{data.key}' ({folder})",
            )
            if outcome == "skipped":
                continue
            checks = {check.key: check for check in Check.objects.filter(lab=lab)} if instance else {}
            for check in data.checks:
                reference = check.lesson if "/" in check.lesson else f"{module.slug}/{check.lesson}"
                lesson = lessons.get(reference) if check.lesson else None
                if check.lesson and lesson is None:
                    raise ContentError(
                        data.path,
                        check.line,
                        f"check '{check.key}': no lesson '{check.lesson}' (name a lesson key of this module, or "
                        "module-slug/lesson-key of an earlier module: later modules are loaded after this one)",
                    )
                context.sync(
                    checks.pop(check.key, None),
                    lambda lab=lab, check=check: Check(lab=lab, key=check.key),
                    {**check.values, "lesson": lesson},
                    f"check '{module.slug}/{data.key}/{check.key}'",
                )
            for leftover in checks.values():
                context.notes.append(
                    f"check '{module.slug}/{data.key}/{leftover.key}' is no longer in {folder}/lab.yaml; it was kept "
                    "(delete it in the admin if it should go)"
                )
