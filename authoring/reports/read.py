"""Reading a workshop report as it really arrives: bytes of unknown quality.

``read_report`` checks the bytes (size, empty, binary, not UTF-8), repairs text that was UTF-8
decoded as another encoding, splits off the front matter (YAML between ``---`` lines, TOML between
``+++`` lines, or none), turns Hugo shortcodes into what a lesson can show, and drops images whose
files are not there. Every change it makes is written down in ``Source.notes``.
"""

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

MAX_BYTES = 1024 * 1024
ENCODINGS = {"mac_roman": "Mac OS Roman", "cp1252": "Windows-1252", "latin_1": "Latin-1"}
MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a Word/Excel file)",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "a program",
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
YAML_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
TOML_FRONT = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n?)\+\+\+[ \t]*(?:\n|\Z)", re.S)
FENCE = re.compile(r"^\s*(```|~~~)")
SHORTCODE_OPEN = re.compile(r"^\s*\{\{([%<])\s*(\w[\w-]*)\s*(.*?)\s*[%>]\}\}\s*$")
SHORTCODE_CLOSE = re.compile(r"^\s*\{\{([%<])\s*/\s*(\w[\w-]*)\s*[%>]\}\}\s*$")
SHORTCODE_INLINE = re.compile(r"\{\{[%<]\s*/?\s*(\w[\w-]*)([^{}]*?)[%>]\}\}")
# Bounded and without the characters that start another link, so that a long line is read in one pass.
IMAGE_MD = re.compile(r"!\[([^\[\]\n]{0,500})\]\(\s*<?([^)\s>(\[\]]{1,2048})>?(?:\s+\"[^\"\n]{0,500}\")?\s*\)")
IMAGE_HTML = re.compile(r"<img\b[^<>]{0,2048}?\bsrc\s*=\s*[\"']?([^\"'\s<>]{1,2048})[^<>]{0,2048}>", re.I)
FIGURE_SRC = re.compile(r"\bsrc\s*=\s*[\"']?([^\"'\s]+)")
CALLOUTS = {"notice", "alert", "callout", "admonition", "hint", "note", "warning", "tip", "info"}


class ReportError(ValueError):
    """The file cannot become a draft. The message says why in plain words; nothing is written."""


@dataclass
class Repair:
    encoding: str
    lines: list[int]

    def __str__(self) -> str:
        shown = ", ".join(str(n) for n in self.lines[:12]) + (", …" if len(self.lines) > 12 else "")
        return (
            f"the text was UTF-8 read as {ENCODINGS[self.encoding]}: {len(self.lines)} lines repaired (lines {shown})"
        )


@dataclass
class Source:
    """A report's text after reading: ``body`` starts on line ``body_line`` of the file."""

    name: str
    body: str
    body_line: int = 1
    meta: dict = field(default_factory=dict)
    meta_format: str = ""
    repair: Repair | None = None
    notes: list[str] = field(default_factory=list)


def decode(name: str, raw: bytes) -> str:
    """The bytes as text, or a ReportError saying why they are not a report."""
    if len(raw) > MAX_BYTES:
        raise ReportError(f"{name} is {len(raw) / MAX_BYTES:.1f} MB; a report may be at most 1 MB.")
    if not raw.strip():
        raise ReportError(f"{name} is empty.")
    for magic, what in MAGIC.items():
        if raw.startswith(magic):
            raise ReportError(f"{name} is {what}, not a text report.")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raw = raw.decode("utf-16").encode("utf-8")
    if b"\x00" in raw:
        raise ReportError(f"{name} is a binary file (it contains NUL bytes), not a text report.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ReportError(
            f"{name} is not UTF-8 text (line {line} has bytes that are not UTF-8): save it as UTF-8 and try again."
        ) from None
    if len(CONTROL.findall(text)) > max(8, len(text) // 100):
        raise ReportError(f"{name} is a binary file (it is full of control characters), not a text report.")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def repair_encoding(text: str) -> tuple[str, Repair | None]:
    """Lines of UTF-8 that were once decoded as another single-byte encoding ("B√†i" for "Bài")
    come back by the round trip ``line.encode(encoding).decode("utf-8")``. A line counts as
    repaired only if that round trip succeeds strictly and shortens it (each damaged character
    had become two to four); correct UTF-8 text fails the round trip and stays as it is. The
    encoding that repairs the most lines wins. (ftfy's guesses repair only some of these lines
    and change others.)"""
    lines = text.split("\n")
    best: tuple[str, dict[int, str]] | None = None
    for encoding in ENCODINGS:
        repaired = {}
        for number, line in enumerate(lines):
            if line.isascii():
                continue
            try:
                fixed = line.encode(encoding).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if len(fixed) < len(line):
                repaired[number] = fixed
        if repaired and (best is None or len(repaired) > len(best[1])):
            best = (encoding, repaired)
    if best is None:
        return text, None
    encoding, repaired = best
    for number, fixed in repaired.items():
        lines[number] = fixed
    return "\n".join(lines), Repair(encoding, [n + 1 for n in sorted(repaired)])


def split_front_matter(name: str, text: str) -> tuple[dict, str, str, int]:
    """(front matter, its format, the body, the body's first line number)."""
    for pattern, fmt in ((YAML_FRONT, "yaml"), (TOML_FRONT, "toml")):
        match = pattern.match(text)
        if not match:
            continue
        block = match.group(1)
        try:
            meta = yaml.safe_load(block) if fmt == "yaml" else tomllib.loads(block)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = 2 + mark.line if mark else 2
            problem = getattr(error, "problem", None) or "invalid YAML"
            raise ReportError(f"{name}: the YAML front matter cannot be read (line {line}: {problem}).") from None
        except tomllib.TOMLDecodeError as error:
            raise ReportError(f"{name}: the TOML front matter cannot be read ({error}).") from None
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            raise ReportError(f"{name}: the front matter must be key: value pairs.")
        return meta, fmt, text[match.end() :], text[: match.end()].count("\n") + 1
    return {}, "", text, 1


def _callout(kind: str, args: str, lines: list[str]) -> list[str]:
    """A Hugo notice as a blockquote callout (the sanitiser allows blockquote, not custom divs)."""
    label = (args.split()[0].strip("\"'") if args else "") or ("note" if kind == "notice" else kind)
    out = [f"> **{label.capitalize()}**", ">"]
    out += [f"> {line}".rstrip() for line in lines]
    return [*out, ""]


def shortcodes_and_images(source: Source, exists: Callable[[str], bool]) -> None:
    """Hugo shortcodes: notices (and other callout-like pairs) become blockquote callouts; other
    pairs keep their inner text; lone shortcodes have no equivalent and are dropped with a note.
    Images: dropped with a note (lessons hold text; the sanitiser allows no <img>), saying whether
    the file was there."""
    out: list[str] = []
    fenced = False
    open_code: tuple[str, str, int, list[str]] | None = None
    for offset, line in enumerate(source.body.split("\n")):
        number = source.body_line + offset
        if FENCE.match(line):
            fenced = not fenced
        if fenced or FENCE.match(line):
            (open_code[3] if open_code else out).append(line)
            continue
        closing = SHORTCODE_CLOSE.match(line)
        if open_code and closing and closing.group(2) == open_code[0]:
            kind, args, _start, inner = open_code
            out += _callout(kind, args, inner) if kind.lower() in CALLOUTS else [*inner, ""]
            open_code = None
            continue
        opening = SHORTCODE_OPEN.match(line)
        if opening and open_code is None and _has_closing(source.body, opening.group(2)):
            open_code = (opening.group(2), opening.group(3), number, [])
            if opening.group(2).lower() in CALLOUTS:
                source.notes.append(f"line {number}: the {{{{% {opening.group(2)} %}}}} shortcode became a callout")
            continue
        line = _images(line, number, source, exists)
        line = _inline_shortcodes(line, number, source, exists)
        (open_code[3] if open_code else out).append(line)
    if open_code:  # pragma: no cover - _has_closing guards this
        out += open_code[3]
    source.body = "\n".join(out)


def _has_closing(body: str, name: str) -> bool:
    return re.search(r"\{\{[%<]\s*/\s*" + re.escape(name) + r"\s*[%>]\}\}", body) is not None


def _image_note(src: str, number: int, exists: Callable[[str], bool]) -> str:
    if exists(src):
        return f"line {number}: the image {src} was dropped: lessons show text only (add it to the lesson by hand)"
    return f"line {number}: the image {src} was dropped: the file is not there"


def _images(line: str, number: int, source: Source, exists: Callable[[str], bool]) -> str:
    def dropper(group: int):
        def drop(match: re.Match) -> str:
            source.notes.append(_image_note(match.group(group), number, exists))
            return ""

        return drop

    return IMAGE_HTML.sub(dropper(1), IMAGE_MD.sub(dropper(2), line))


def _inline_shortcodes(line: str, number: int, source: Source, exists: Callable[[str], bool]) -> str:
    def drop(match: re.Match) -> str:
        name, args = match.group(1), match.group(2).strip()
        figure = FIGURE_SRC.search(args) if name.lower() in ("figure", "img", "image") else None
        if figure:
            source.notes.append(_image_note(figure.group(1), number, exists))
        else:
            source.notes.append(f"line {number}: the shortcode “{match.group(0)}” has no equivalent here; dropped")
        return ""

    return SHORTCODE_INLINE.sub(drop, line)


def read_report(name: str, raw: bytes, *, exists: Callable[[str], bool] | None = None) -> Source:
    """Read one report file. ``exists(src)`` says whether an image the report links to is there
    (default: never, as for an upload)."""
    text = decode(name, raw)
    text, repair = repair_encoding(text)
    meta, meta_format, body, body_line = split_front_matter(name, text)
    source = Source(name=name, body=body, body_line=body_line, meta=meta, meta_format=meta_format, repair=repair)
    if repair:
        source.notes.append(str(repair)[0].upper() + str(repair)[1:])
    shortcodes_and_images(source, exists or (lambda src: False))
    return source


def files_next_to(report: PurePosixPath | str) -> Callable[[str], bool]:
    """For a report on disk: an image is there if its path exists beside the report, or under a
    Hugo site's ``static/`` folder in the report's folder or one of its parents."""
    from pathlib import Path

    folder = Path(report).resolve().parent

    def exists(src: str) -> bool:
        if "://" in src or src.startswith("data:"):
            return False
        relative = src.lstrip("/")
        candidates = [folder / relative]
        candidates += [parent / "static" / relative for parent in [folder, *folder.parents][:4]]
        return any(candidate.is_file() for candidate in candidates)

    return exists
