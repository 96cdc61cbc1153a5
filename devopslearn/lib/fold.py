"""Text folded for search, so that a learner who types without accents finds the accented words
(``trien khai`` finds ``triển khai``): the one fold, used for the stored search columns
(Lesson.search_text_en / _vi) and for the query, on SQLite and PostgreSQL alike."""

import re
import unicodedata
from functools import cache

# Letters that compatibility decomposition leaves whole although readers take them for a plain letter
# with a mark: the Vietnamese đ above all (NFKD keeps U+0111 as it is).
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """``text`` in compatibility decomposition (NFKD), without its combining marks, with đ/Đ as d/D,
    in lower case: "Triển khai Đà Nẵng" -> "trien khai da nang"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@cache
def _variants() -> dict[str, str]:
    """{folded letter: every letter of the Latin ranges that folds to it, itself included}."""
    found: dict[str, set[str]] = {}
    ranges = [(0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF)]
    for start, stop in ranges:
        for code in range(start, stop + 1):
            char = chr(code)
            folded = fold(char)
            if len(folded) == 1 and folded.isalpha():
                found.setdefault(folded, set()).update({char, folded})
    return {letter: "".join(sorted(chars)) for letter, chars in found.items()}


def accent_pattern(term: str) -> str:
    """A regular expression (case-insensitive use) matching ``term`` with or without accents:
    "trien" matches "triển", "Triển" and "trien"."""
    variants = _variants()
    parts = []
    for char in fold(term):
        options = variants.get(char)
        parts.append(f"[{re.escape(options)}]" if options else re.escape(char))
    return "".join(parts)
