"""Reading a learner's artifact safely: the limits checked before any tool runs, and the parsed
forms our own rules read (YAML with the line of every node; a Dockerfile's instructions).

Everything here is plain Python on untrusted text and runs inside the sandbox. The limits:
- size: ``KindInfo.max_bytes`` (16 KB for a Dockerfile, 32 KB for YAML), counted in UTF-8 bytes;
- YAML nesting deeper than ``MAX_DEPTH`` levels is refused while streaming the parser's events,
  before a tree is built (a 30,000-deep document never reaches a recursive function);
- aliases that would expand to more than ``MAX_EXPANDED_NODES`` nodes are refused (an alias bomb
  is a few lines that expand to billions of nodes in any tool that walks the data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.formats import number_format

from labs.kinds import KINDS
from labs.messages import ours as _  # our messages keep their msgid: a page writes them in its language

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_DEPTH = 50
MAX_EXPANDED_NODES = 20_000


def depth_message() -> str:
    return _(
        "The YAML is nested more than %(depth)d levels deep. Real templates and manifests are far shallower: "
        "check the indentation and the brackets."
    ) % {"depth": MAX_DEPTH}


try:  # libyaml's parser when PyYAML was built with it; the pure-Python one otherwise
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class Refused(Exception):
    """The artifact cannot be checked at all; ``message`` tells the learner what to change."""

    def __init__(self, message: str, line: int | None = None):
        self.message, self.line = message, line
        super().__init__(message)


def check_size(kind: str, text: str) -> None:
    """Raise Refused if ``text`` is over the size limit of ``kind`` (one rule for the form and the grader)."""
    limit = KINDS[kind].max_bytes
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise Refused(
            _(
                "The file is %(size)s bytes long; the limit for this lab is %(limit)s KB. "
                "Remove what the exercise does not need and check again."
            )
            % {"size": number_format(size, force_grouping=True), "limit": limit // 1024}
        )
    if not text.strip():
        raise Refused(_("The file is empty. Paste or write your file, or reset to the starter, then check again."))


def check_yaml_structure(text: str) -> None:
    """Stream the parser's events: refuse bad syntax, nesting deeper than MAX_DEPTH and alias bombs."""
    depth = 0
    frames: list[list] = [[0, None]]  # [expanded node count, anchor] of each open collection
    anchors: dict[str, int] = {}
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise Refused(depth_message(), event.start_mark.line + 1)
                frames.append([1, event.anchor])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                size, anchor = frames.pop()
                if anchor:
                    anchors[anchor] = size
                frames[-1][0] += size
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    anchors[event.anchor] = 1
                frames[-1][0] += 1
            elif isinstance(event, yaml.AliasEvent):
                if any(frame[1] == event.anchor for frame in frames):
                    raise Refused(
                        _("The alias *%(anchor)s refers to a value that contains it (a loop). Write the value out.")
                        % {"anchor": event.anchor},
                        event.start_mark.line + 1,
                    )
                frames[-1][0] += anchors.get(event.anchor, 1)
            else:
                continue
            if sum(frame[0] for frame in frames) > MAX_EXPANDED_NODES:
                raise Refused(
                    _(
                        "The YAML's aliases (*name) expand to more than %(limit)s values. "
                        "Write the values out, or use fewer aliases."
                    )
                    % {"limit": number_format(MAX_EXPANDED_NODES, force_grouping=True)},
                    event.start_mark.line + 1,
                )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "nesting depth" in problem:  # libyaml's own limit, met before ours on flow collections
            raise Refused(depth_message(), line) from exc
        where = _("line %(n)d: ") % {"n": line} if line else ""
        raise Refused(
            _("The YAML does not parse (%(where)s%(problem)s). Fix the syntax and check again.")
            % {"where": where, "problem": problem},
            line,
        ) from exc


# --- YAML with lines ------------------------------------------------------------------------------


@dataclass
class YamlDocument:
    """One YAML document: ``data`` as plain Python (CloudFormation's short tags as their long form,
    ``!Ref X`` -> ``{"Ref": "X"}``), and the 1-based line of every node by its path of keys and indexes."""

    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, *path) -> int:
        """The line of ``path``, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, self.first_line)


_constructor = yaml.constructor.SafeConstructor()


def _intrinsic(tag: str) -> str:
    name = tag[1:]
    return name if name in ("Ref", "Condition") else f"Fn::{name}"


def _build(node: yaml.Node, path: tuple, lines: dict) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag.startswith("!") and not node.tag.startswith("!!"):
        name = _intrinsic(node.tag)
        if isinstance(node, yaml.ScalarNode):
            value: Any = node.value
            if name == "Fn::GetAtt":
                value = value.split(".", 1)
        else:
            value = _build_collection(node, path + (name,), lines)
        return {name: value}
    if isinstance(node, yaml.ScalarNode):
        try:
            return _constructor.construct_object(node)
        except yaml.YAMLError:
            return node.value
    return _build_collection(node, path, lines)


def _build_collection(node: yaml.Node, path: tuple, lines: dict) -> Any:
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, path + (index,), lines) for index, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            key = _build(key_node, path + ("<key>",), {}) if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if isinstance(key, list | dict):
                key = str(key)
            result[key] = _build(value_node, path + (key,), lines)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return result
    return _build(node, path, lines)


def parse_yaml(text: str) -> list[YamlDocument]:
    """Every document of ``text`` (call check_yaml_structure first; this builds the trees)."""
    documents = []
    for node in yaml.compose_all(text, Loader=_Loader):
        if node is None:
            continue
        lines: dict = {}
        data = _build(node, (), lines)
        documents.append(YamlDocument(data=data, lines=lines, first_line=node.start_mark.line + 1))
    return documents


# --- Dockerfiles ----------------------------------------------------------------------------------


@dataclass
class Instruction:
    line: int  # where the instruction starts
    keyword: str  # upper case: FROM, RUN, USER...
    arguments: str  # continuation lines joined, comments inside them dropped


_DIRECTIVE = re.compile(r"^#\s*(syntax|escape|check)\s*=", re.I)


def parse_dockerfile(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile with their first line (backslash continuations joined)."""
    escape = "\\"
    lines = text.splitlines()
    for line in lines:  # parser directives come first, before any comment or instruction
        match = re.match(r"^#\s*escape\s*=\s*(\S)", line, re.I)
        if match:
            escape = match.group(1)
        elif not _DIRECTIVE.match(line):
            break
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not pending:
            start = number
        if stripped.endswith(escape):
            pending.append(stripped[: -len(escape)])
            continue
        pending.append(stripped)
        joined = " ".join(part.strip() for part in pending if part.strip())
        keyword, _, arguments = joined.partition(" ")
        instructions.append(Instruction(line=start, keyword=keyword.upper(), arguments=arguments.strip()))
        pending = []
    if pending:
        joined = " ".join(part.strip() for part in pending if part.strip())
        keyword, _, arguments = joined.partition(" ")
        instructions.append(Instruction(line=start, keyword=keyword.upper(), arguments=arguments.strip()))
    return instructions
