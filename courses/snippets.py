"""Search results as a reader sees them: the matched words marked in a lesson's whole title, and a
snippet of its text that starts and ends on word boundaries, taken from the passage that matched
(a paragraph, a heading, a table row, or one line of a code block or diagram: never words run
together)."""

import re
from dataclasses import dataclass
from typing import NamedTuple

from devopslearn.lib.fold import accent_pattern
from devopslearn.lib.markdown import passages

SNIPPET_WIDTH = 200  # characters of a snippet, about two lines of a result card at 1280 px
PREFERENCE = {"prose": 0, "heading": 1, "row": 2, "code": 3}  # a paragraph explains best; a code line least


class Piece(NamedTuple):
    text: str
    marked: bool


@dataclass(frozen=True)
class Snippet:
    """``pieces`` of text, the matches marked; ``kind`` of the passage it comes from (prose, heading,
    row, code); ``cut_before``/``cut_after``: the passage goes on beyond the snippet (show "…")."""

    kind: str
    pieces: list[Piece]
    cut_before: bool
    cut_after: bool


def terms_pattern(terms: list[str]) -> re.Pattern | None:
    """One case-insensitive pattern for ``terms`` (longest first, so "CodeBuild" wins over "Code"),
    accents ignored as the search ignores them ("trien" marks "triển"), each where it starts a word
    as the search finds it (courses.models.word: "ECR" marks "Amazon ECR", not "secrets")."""
    if not terms:
        return None
    alternatives = "|".join(accent_pattern(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)


def marked(text: str, pattern: re.Pattern | None) -> list[Piece]:
    """``text`` whole, cut into pieces at each match of ``pattern`` (the matches ``marked``)."""
    if pattern is None:
        return [Piece(text, False)]
    pieces, last = [], 0
    for found in pattern.finditer(text):
        if found.start() > last:
            pieces.append(Piece(text[last : found.start()], False))
        pieces.append(Piece(found.group(), True))
        last = found.end()
    if last < len(text):
        pieces.append(Piece(text[last:], False))
    return pieces


def excerpt(text: str, start: int, end: int, width: int = SNIPPET_WIDTH) -> tuple[str, bool, bool]:
    """About ``width`` characters of ``text`` around ``text[start:end]``, cut only between words:
    (excerpt, cut before, cut after). See ``bounds``."""
    begin, stop = bounds(text, start, end, width)
    return text[begin:stop], begin > 0, stop < len(text)


def bounds(text: str, start: int, end: int, width: int = SNIPPET_WIDTH) -> tuple[int, int]:
    """Where the excerpt of ``text`` around ``text[start:end]`` begins and stops: the whole text
    when it is short; else at the sentence that holds the match when that sentence starts within
    half the width, or after the first space a third of the width before the match, and at the
    last space before ``width`` characters (never inside a word, never before the match's end)."""
    if len(text) <= width:
        return 0, len(text)
    begin = max(0, start - width // 3)
    sentence = max(text.rfind(". ", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start))
    if sentence >= 0 and start - sentence <= width // 2:
        begin = sentence + 2
    elif begin > 0:
        space = text.find(" ", begin - 1, start)  # the first word boundary at or after begin
        begin = space + 1 if space >= 0 else start
    stop = begin + width
    if stop >= len(text):
        return begin, len(text)
    space = text.rfind(" ", max(end, begin), stop + 1)
    return begin, space if space >= 0 else end


def snippet(html: str, pattern: re.Pattern | None) -> Snippet | None:
    """The snippet of a lesson's rendered ``html`` for a search: the first paragraph that matches,
    else the first heading, table row or code line, in that order; the opening paragraph when nothing matches
    (a stemmed full-text match); None for an empty text."""
    best, first = None, None
    for passage in passages(html):
        first = first or passage
        found = pattern.search(passage.text) if pattern else None
        if found and (best is None or PREFERENCE[passage.kind] < PREFERENCE[best[0].kind]):
            best = (passage, found)
            if passage.kind == "prose":
                break
    if best is None:
        if first is None:
            return None
        text, cut_before, cut_after = excerpt(first.text, 0, 0)
        return Snippet(first.kind, [Piece(text, False)], cut_before, cut_after)
    passage, found = best
    text, cut_before, cut_after = excerpt(passage.text, found.start(), found.end())
    return Snippet(passage.kind, marked(text, pattern), cut_before, cut_after)
