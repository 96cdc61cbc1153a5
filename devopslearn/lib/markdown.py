"""Markdown to safe HTML: the one place where content becomes markup.

Content is rendered once, when it is saved or loaded, and the result is stored beside the source.
Only that stored output is ever marked safe in a template.
"""

import html as html_lib
import re
from collections.abc import Iterator
from functools import lru_cache, partial
from typing import NamedTuple

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from django.conf import settings
from django.contrib.staticfiles import finders
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "b",
        "i",
        "del",
        "sup",
        "sub",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "code",
        "pre",
        "span",
        "div",
        "kbd",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "abbr",
        "figure",
        "figcaption",
        "img",
        "picture",
        "source",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Heading ids get a prefix so that a lesson heading ("## Completion", "## Content") can never take the
# id of an element of the page around it (#completion is the target of the "Mark as complete" swap).
HEADING_ID_PREFIX = "section-"
_HEADING_ID = re.compile(rf"^{HEADING_ID_PREFIX}[\w-]+$")
# The only classes content may carry: table alignment, and what the code highlighter writes
# (Pygments token classes such as "nt", "c1" or "l-Scalar-Plain"). No class of the app's own.
_ALIGN_CLASS = re.compile(r"^align-(left|center|right)$")
_PYGMENTS_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name)
_TOKEN_CLASS = re.compile(r"^[a-z0-9]+(-[A-Za-z0-9]+)*$")
_LANGUAGE_CLASS = re.compile(r"^language-[\w+#.-]+$")
# Where a link may point: the web, e-mail, this site, or a place on the page.
_SAFE_HREF = re.compile(r"^(https?:|mailto:|/|#)", re.IGNORECASE)
# A diagram is one of our own static SVG files, named by a short slug (static/diagrams/<name>.svg).
DIAGRAM_FOLDER = "diagrams"
_DIAGRAM_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# A diagram may have a drawing laid out for a phone, NAME-narrow.svg, shown up to this width.
NARROW = "(max-width: 480px)"


def _diagram_src(value: str) -> bool:
    """An image may show one of our own diagrams, by its plain static address: nothing else."""
    prefix = f"{settings.STATIC_URL}{DIAGRAM_FOLDER}/"
    name = value.removeprefix(prefix).removesuffix(".svg")
    return value == f"{prefix}{name}.svg" and bool(_DIAGRAM_NAME.match(name))


def _classes(pattern: re.Pattern):
    return lambda value: bool(value.split()) and all(pattern.match(token) for token in value.split())


def _token_classes(value: str) -> bool:
    tokens = value.split()
    return bool(tokens) and all(
        _TOKEN_CLASS.match(token) and token.split("-", 1)[0] in _PYGMENTS_CLASSES for token in tokens
    )


_ATTRIBUTE_RULES = {
    "a": {"href": _SAFE_HREF.match, "title": None, "rel": None},
    "abbr": {"title": None},
    "h2": {"id": _HEADING_ID.match},
    "h3": {"id": _HEADING_ID.match},
    "h4": {"id": _HEADING_ID.match},
    "h5": {"id": _HEADING_ID.match},
    "h6": {"id": _HEADING_ID.match},
    "span": {"class": _token_classes},
    "div": {"class": lambda value: value == "highlight"},
    "code": {"class": _classes(_LANGUAGE_CLASS)},
    "th": {"class": _classes(_ALIGN_CLASS)},
    "td": {"class": _classes(_ALIGN_CLASS)},
    "ol": {"start": str.isdigit},
    "figure": {"class": lambda value: value == "diagram"},
    "img": {"src": _diagram_src, "alt": None, "width": str.isdigit, "height": str.isdigit, "loading": "lazy".__eq__},
    "source": {"srcset": _diagram_src, "media": NARROW.__eq__, "width": str.isdigit, "height": str.isdigit},
}


def allowed_attribute(tag: str, name: str, value: str) -> bool:
    """The explicit allow-list: no event handler, no style, no id or class of the page's own.

    bleach checks the protocols of href on top of this (entities and mixed case included).
    """
    rules = _ATTRIBUTE_RULES.get(tag, {})
    if name not in rules:
        return False
    check = rules[name]
    return check is None or bool(check(value.strip()))


# An image (or a picture's source) whose address the allow-list removed (anything but one of our
# diagrams) shows nothing: it goes.
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img\b(?![^>]*\ssrc=)[^>]*>|<source\b(?![^>]*\ssrcset=)[^>]*>")
_ALIGN_STYLE = re.compile(r'\sstyle="text-align:\s*(left|center|right);?"')
_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
# Linkify only what is plainly a web address: "README.md", "deploy.sh" or "main.tf" are file names,
# even though .md, .sh and .tf are also top-level domains.
_URL = re.compile(r"\bhttps?://[^\s<>\"'`]*[^\s<>\"'`.,;:!?\]]", re.IGNORECASE)


def _link_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = "noopener nofollow"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_rel], skip_tags={"pre", "code"}, url_re=_URL, parse_email=False)],
)


def _slugify(value: str, separator: str) -> str:
    return HEADING_ID_PREFIX + (slugify(value, separator) or "part")


class _CodeFormatter(HtmlFormatter):
    """Pygments' HTML with the block's language on its <code> (``class="language-yaml"``), which
    codehilite passes as ``lang_str`` and Pygments' own formatter drops: the label above it reads it."""

    def __init__(self, lang_str: str = "", **options):
        super().__init__(**options)
        self.lang_str = lang_str

    def _wrap_code(self, source):
        yield 0, f'<code class="{self.lang_str}">' if self.lang_str else "<code>"
        yield from source
        yield 0, "</code>"


_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( {1,4}|$)")
_FENCE = re.compile(r"^ *(```|~~~)")


class _ListNesting(Preprocessor):
    """Nested lists as authors indent them, for Python-Markdown. A list item indented 2 or more
    spaces deeper than the item above it is nested in that item (CommonMark's 2 spaces under "- "
    and 3 under "1. ", and the 4 Python-Markdown asks for); Python-Markdown nests only at 4 spaces a
    level, and ran a 3-space sub-list into its parent's line. The source is re-indented to 4 spaces
    a level, and the lines that continue an item (indented to its text) with it; fenced code is left
    as it is."""

    def run(self, lines: list[str]) -> list[str]:
        out, items, fenced = [], [], False  # items: (indent, text column) of the open items, outermost first
        for line in lines:
            if _FENCE.match(line):
                fenced = not fenced
            if fenced or _FENCE.match(line) or not line.strip():
                out.append(line)
                continue
            indent = len(line) - len(line.lstrip(" "))
            item = _LIST_ITEM.match(line)
            if item:
                while (
                    items and indent < items[-1][0] + 2
                ):  # not indented under the open item: a sibling or an outer one
                    items.pop()
                out.append(" " * (4 * len(items)) + line[indent:])
                items.append((indent, indent + len(item[2]) + max(1, len(item[3]))))
                continue
            if indent == 0:  # text at the margin: lazily continues an item, or ends the lists
                if out and not out[-1].strip():
                    items = []
                out.append(line)
                continue
            depth = sum(1 for _, column in items if column <= indent)  # the items this line is within
            if depth:
                column = items[depth - 1][1]
                out.append(" " * (4 * depth + indent - column) + line[indent:])
            else:
                out.append(line)
        return out


class _ListNestingExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After whitespace is normalised (30: tabs expanded), before fenced code is cut out (25).
        md.preprocessors.register(_ListNesting(md), "list_nesting", 27)


_VIEWBOX = re.compile(r'viewBox="0 0 (\d+) (\d+)"')


def diagram_size(name: str) -> tuple[int, int] | None:
    """The width and height of our diagram ``name`` (its SVG's viewBox), or None if there is no such file."""
    if not _DIAGRAM_NAME.match(name) or not (found := finders.find(f"{DIAGRAM_FOLDER}/{name}.svg")):
        return None
    with open(found, encoding="utf-8") as svg:
        box = _VIEWBOX.search(svg.read(2000))
    return (int(box[1]), int(box[2])) if box else None


class _Diagrams(Treeprocessor):
    """A paragraph that is only ``![text alternative](diagram:NAME "Caption")`` becomes a figure that
    shows static/diagrams/NAME.svg, with the text alternative as its alt and the caption below it;
    on a phone, NAME-narrow.svg if there is one (the same drawing laid out in one column, so that
    its words stay readable).

    Only the name comes from the content, and only a file of ours is ever shown; an unknown name
    leaves its text alternative as a paragraph, so that no words are lost (the content checks
    report it: courses/checks.py)."""

    def run(self, root) -> None:
        for paragraph in root.iter("p"):
            image = paragraph.find("img")
            if len(paragraph) != 1 or image is None or (paragraph.text or "").strip() or (image.tail or "").strip():
                continue
            src = image.get("src", "")
            if not src.startswith("diagram:"):
                continue
            name, alt, caption = src.removeprefix("diagram:"), image.get("alt", ""), image.get("title", "")
            paragraph.remove(image)
            size = diagram_size(name)
            if size is None:
                paragraph.text = alt
                continue
            paragraph.tag = "figure"
            paragraph.set("class", "diagram")
            frame = paragraph
            if narrow := diagram_size(f"{name}-narrow"):
                frame = paragraph.makeelement("picture", {})
                paragraph.append(frame)
                source = frame.makeelement("source", {})
                for key, value in [
                    ("media", NARROW),
                    ("srcset", f"{settings.STATIC_URL}{DIAGRAM_FOLDER}/{name}-narrow.svg"),
                    ("width", str(narrow[0])),
                    ("height", str(narrow[1])),
                ]:
                    source.set(key, value)
                frame.append(source)
            img = frame.makeelement("img", {})
            for key, value in [
                ("src", f"{settings.STATIC_URL}{DIAGRAM_FOLDER}/{name}.svg"),
                ("alt", alt),
                ("width", str(size[0])),
                ("height", str(size[1])),
                ("loading", "lazy"),
            ]:
                img.set(key, value)
            frame.append(img)
            if caption:
                figcaption = paragraph.makeelement("figcaption", {})
                figcaption.text = caption
                paragraph.append(figcaption)


class _DiagramExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_Diagrams(md), "diagrams", 5)  # after inline parsing (20) made the img


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "codehilite",
            "toc",
            "sane_lists",
            _ListNestingExtension(),
            _DiagramExtension(),
        ],
        extension_configs={
            "codehilite": {"css_class": "highlight", "guess_lang": False, "pygments_formatter": _CodeFormatter},
            "toc": {"permalink": False, "slugify": _slugify},
        },
        output_format="html",
    )


@lru_cache(maxsize=2048)
def render_markdown(text: str) -> str:
    """Render markdown to HTML sanitised against an explicit allow-list.

    A pure function of ``text``, remembered per process (the most recent 2,048 texts; the whole
    curriculum is about 850): load_content compares each file's rendering with the stored one, and
    a second load, or the test suite's many loads of the same curriculum, would otherwise render
    every text again.

    No script, no event handlers, no style attributes (table alignment becomes a class so that the
    strict Content-Security-Policy holds), no javascript:/data: URLs; links get rel="noopener nofollow".
    The page's title is its only h1: a ``#`` heading in the body becomes an h2, like ``##``.
    """
    if not text:
        return ""
    html = _markdown().convert(text.replace("\x00", ""))
    html = _H1.sub(r"<\1h2", html)
    html = _ALIGN_STYLE.sub(r' class="align-\1"', html)
    return _framed(_scrollable(_IMAGE_WITHOUT_SOURCE.sub("", _cleaner.clean(html))))


def _scrollable(html: str) -> str:
    """Wide code blocks and tables scroll sideways; make them reachable with the keyboard.

    Runs after sanitising and adds only fixed markup of our own.
    """
    html = re.sub(r"<pre(?=[ >])", '<pre tabindex="0"', html)
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>')
    return html.replace("</table>", "</table></div>")


# A highlighted block as the sanitiser leaves it: its <code> names the language (or none).
_CODE_BLOCK = re.compile(
    r'<div class="highlight">(<pre tabindex="0">(?:<span></span>)?'
    r'<code(?: class="language-([\w+#.-]+)")?>.*?</pre>)</div>',
    re.S,
)


def _language_name(alias: str) -> str:
    """The name Pygments gives a language alias ("yaml" is "YAML", "sh" is "Bash"); "" for plain text."""
    if not alias or alias == "text":
        return ""
    try:
        return get_lexer_by_name(alias).name
    except ClassNotFound:
        return alias


def _framed(html: str) -> str:
    """Each code block in a frame with a bar above it: its language's name, and the place where
    static/js/app.js puts a copy button (none without JavaScript). Runs after sanitising; the name
    is escaped, the rest is fixed markup of our own."""

    def frame(match: re.Match) -> str:
        name = _language_name(match[2] or "")
        label = f'<span class="code-language">{html_lib.escape(name)}</span>' if name else ""
        return (
            f'<div class="code-block"><div class="code-bar">{label}</div><div class="highlight">{match[1]}</div></div>'
        )

    return _CODE_BLOCK.sub(frame, html)


@lru_cache(maxsize=2048)
def plain_text(html: str) -> str:
    """The text of sanitised HTML, without any markup (for search and snippets)."""
    text = html_lib.unescape(bleach.clean(html, tags=set(), strip=True))
    return re.sub(r"\s+", " ", text).strip()


class Passage(NamedTuple):
    """One block of a rendered text as a reader sees it: ``kind`` is "prose" (a paragraph, a list
    item, a quote), "heading", "row" (a table row, its cells joined by " · ") or "code" (one line of
    a code block or diagram, its runs of spaces kept as one)."""

    kind: str
    text: str


# Sanitised HTML (our own output, every tag closed by bleach) read block by block: a code block, a
# table row, or the markup between two block tags.
_BLOCKS = re.compile(
    r"<pre\b[^>]*>(?P<pre>.*?)</pre>|<tr\b[^>]*>(?P<tr>.*?)</tr>|"
    r"</?(?:p|li|ul|ol|h[2-6]|dl|dt|dd|blockquote|div|table|thead|tbody|br|figure|figcaption)\b[^>]*>",
    re.S,
)
_HEADING_OPENS = re.compile(r"<h[2-6]\b")
_CELL = re.compile(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return html_lib.unescape(_TAG.sub("", html))


def passages(html: str) -> Iterator[Passage]:
    """The blocks of sanitised HTML in reading order, read lazily (for search snippets): paragraphs
    stay whole, a table gives one passage a row, a code block or ASCII diagram one a line, so that a
    snippet never runs a table's cells or a diagram's boxes together into one line of words."""
    last, kind = 0, "prose"
    for block in _BLOCKS.finditer(html):
        if text := " ".join(_text(html[last : block.start()]).split()):
            yield Passage(kind, text)
        last = block.end()
        kind = "heading" if _HEADING_OPENS.match(block.group()) else "prose"
        if block["pre"] is not None:
            for line in _text(block["pre"]).splitlines():
                if line.strip():
                    yield Passage("code", " ".join(line.split()))
        elif block["tr"] is not None:
            cells = [" ".join(_text(cell).split()) for cell in _CELL.findall(block["tr"])]
            if any(cells):
                yield Passage("row", " · ".join(cell for cell in cells if cell))
    if text := " ".join(_text(html[last:]).split()):
        yield Passage("prose", text)
