"""Markdown to safe HTML: the one place where content becomes markup.

Content is rendered once, when it is saved or loaded, and the result is stored beside the source.
Only that stored output is ever marked safe in a template.
"""

import html as html_lib
import re
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter

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
    }
)
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel", "class"],
    "abbr": ["title"],
    "h2": ["id"],
    "h3": ["id"],
    "h4": ["id"],
    "h5": ["id"],
    "h6": ["id"],
    "span": ["class"],
    "div": ["class"],
    "code": ["class"],
    "pre": ["class"],
    "th": ["class"],
    "td": ["class"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_ALIGN_STYLE = re.compile(r'\sstyle="text-align:\s*(left|center|right);?"')


def _link_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = "noopener nofollow"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_rel], skip_tags={"pre", "code"})],
)


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "codehilite", "toc", "sane_lists"],
        extension_configs={
            "codehilite": {"css_class": "highlight", "guess_lang": False},
            "toc": {"permalink": False, "baselevel": 2},
        },
        output_format="html",
    )


def render_markdown(text: str) -> str:
    """Render markdown to HTML sanitised against an explicit allow-list.

    No script, no event handlers, no style attributes (table alignment becomes a class so that the
    strict Content-Security-Policy holds), no javascript:/data: URLs; links get rel="noopener nofollow".
    """
    if not text:
        return ""
    html = _markdown().convert(text.replace("\x00", ""))
    html = _ALIGN_STYLE.sub(r' class="align-\1"', html)
    return _scrollable(_cleaner.clean(html))


def _scrollable(html: str) -> str:
    """Wide code blocks and tables scroll sideways; make them reachable with the keyboard.

    Runs after sanitising and adds only fixed markup of our own.
    """
    html = re.sub(r"<pre(?=[ >])", '<pre tabindex="0"', html)
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>')
    return html.replace("</table>", "</table></div>")


def plain_text(html: str) -> str:
    """The text of sanitised HTML, without any markup (for search and snippets)."""
    text = html_lib.unescape(bleach.clean(html, tags=set(), strip=True))
    return re.sub(r"\s+", " ", text).strip()
