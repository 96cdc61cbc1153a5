"""Fixtures for the curriculum tests: a private copy of the content folder, and HTML helpers."""

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CONTENT

COPY_SLUG = "copied-path"


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of fixtures/content/ as a path of its own (slug ``copied-path``), free to edit or break."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    edit(root / "path.yaml", "slug: devops-on-aws", f"slug: {COPY_SLUG}")
    return root


def edit(file: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there, once) by ``new`` in a content file."""
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {file} exactly once"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_number(file: Path, needle: str) -> int:
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in {file}")


class Elements(HTMLParser):
    """Every start tag of a document with its attributes, as a browser's tokenizer sees them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag

    def find(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


def elements(html: str) -> Elements:
    return Elements(html)


@pytest.fixture(params=[6, 60], ids=["6-modules", "60-modules"])
def sized_path(request, db):
    """A generated path of 6, then 60, chained modules of 4 lessons and a quiz each: pages must run
    the same number of queries for both."""
    from tests.factories import make_path

    return make_path(modules=request.param, slug=f"sized-{request.param}")


class FormFields(HTMLParser):
    """The fields a browser would submit for the form with ``form_id``, as a list of (name, value)."""

    def __init__(self, html: str, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and attrs.get("type", "text") not in ("submit", "button", "file"):
            kind = attrs.get("type", "text")
            if kind not in ("checkbox", "radio"):
                self.fields.append((attrs["name"], attrs.get("value", "")))  # an empty text input sends ""
            elif "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, value in FormFields(html, form_id).fields:
        fields.setdefault(name, []).append(value)
    return fields
