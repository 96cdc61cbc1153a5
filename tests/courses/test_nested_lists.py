"""Nested lists render nested, however the author indented them (CommonMark nests a list indented to
its parent item's text: 2 spaces under "- ", 3 under "1. "; Python-Markdown alone wanted 4 and ran
the sub-items into the parent's line). Every markdown file of fixtures/content is scanned."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from devopslearn.lib.markdown import render_markdown

CONTENT = Path(settings.BASE_DIR) / "fixtures" / "content"
ITEM = re.compile(r"^( *)(?:[-*+]|\d+[.)]) \S")
FENCE = re.compile(r"^ *(```|~~~)")


def body(text: str) -> str:
    """The markdown after the front matter, as the importer renders it."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :]
    return text


def nested_in_source(markdown: str) -> int:
    """How many nested lists the source has: runs of list items indented deeper than the item
    before them (outside code fences)."""
    count, fenced, last_indent = 0, False, None
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        item = ITEM.match(line)
        if item:
            indent = len(item.group(1))
            if last_indent is not None and indent >= last_indent + 2:
                count += 1
            last_indent = indent
        elif line.strip() and not line.startswith(" "):
            last_indent = None  # a paragraph at the margin ends the list
    return count


class Lists(HTMLParser):
    """Counts the lists (<ul>, <ol>) whose parent is a list item."""

    def __init__(self, markup: str):
        super().__init__()
        self.stack: list[str] = []
        self.nested = 0
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol") and self.stack and self.stack[-1] == "li":
            self.nested += 1
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass


def markdown_files() -> list[Path]:
    return sorted(path for path in CONTENT.rglob("*.md") if path.name != "README.md")


def test_the_scan_finds_the_curriculums_nested_lists():
    found = {
        path.relative_to(CONTENT).as_posix() for path in markdown_files() if nested_in_source(body(path.read_text()))
    }
    assert "02-cicd-on-aws/labs/github-actions-pipeline/instructions.md" in found


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.relative_to(CONTENT).as_posix())
def test_every_nested_list_of_the_curriculum_renders_nested(path):
    source = body(path.read_text())
    assert Lists(render_markdown(source)).nested == nested_in_source(source)


@pytest.mark.parametrize("indent", [2, 3, 4])
def test_a_sub_list_nests_at_two_three_or_four_spaces(indent):
    pad = " " * indent
    html = render_markdown(f"1. Pin every action:\n{pad}- checkout\n{pad}- setup-python\n2. Then this.\n")
    assert Lists(html).nested == 1
    assert re.search(r"<li>Pin every action:\s*<ul>\s*<li>checkout</li>\s*<li>setup-python</li>\s*</ul>", html)
    bullets = render_markdown(f"- Fix:\n{pad}- one\n{pad}- two\n- Next\n")
    assert Lists(bullets).nested == 1


def test_the_lab_step_lists_its_pinned_actions_as_a_sub_list():
    path = CONTENT / "02-cicd-on-aws/labs/github-actions-pipeline/instructions.md"
    html = render_markdown(path.read_text())
    step = html[html.index("Pin every action to a full commit SHA") : html.index("Pass the commit message")]
    assert step.count("<ul>") == 1 and step.count("<li><code>") == 3
