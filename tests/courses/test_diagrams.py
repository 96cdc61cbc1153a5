"""Diagrams in lessons: ``![text alternative](diagram:NAME "Caption")`` shows our own
static/diagrams/NAME.svg in a figure, with its text alternative and caption; content can show no
other image. Every module of the curriculum has a diagram, in English and in Vietnamese, and each
SVG names itself to assistive technology and has colours for both schemes."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from courses.importers import diagram_warnings
from devopslearn.lib.markdown import render_markdown
from tests.conftest import CONTENT

DIAGRAMS = Path(settings.BASE_DIR) / "static" / "diagrams"
DIRECTIVE = re.compile(r'^!\[(?P<alt>[^\]]+)\]\(diagram:(?P<name>[a-z0-9-]+) "(?P<caption>[^"]+)"\)$', re.M)


def test_a_diagram_becomes_a_figure_with_its_text_alternative_and_caption():
    html = render_markdown('Before.\n\n![Speed and stability.](diagram:cloudformation-change-set "Review first.")')
    assert (
        '<figure class="diagram"><img alt="Speed and stability." height="400" loading="lazy" '
        'src="/static/diagrams/cloudformation-change-set.svg" width="600">'
        "<figcaption>Review first.</figcaption></figure>"
    ) in html


def test_on_a_phone_a_diagram_shows_its_one_column_drawing_if_it_has_one():
    html = render_markdown('![Two keys for speed, two for stability.](diagram:dora-four-keys "Both matter.")')
    assert html == (
        '<figure class="diagram"><picture><source height="470" media="(max-width: 480px)" '
        'srcset="/static/diagrams/dora-four-keys-narrow.svg" width="360">'
        '<img alt="Two keys for speed, two for stability." height="360" loading="lazy" '
        'src="/static/diagrams/dora-four-keys.svg" width="600"></picture>'
        "<figcaption>Both matter.</figcaption></figure>"
    )


def test_an_unknown_diagram_keeps_its_words_and_load_content_names_it():
    assert render_markdown('![What it shows.](diagram:no-such-thing "Caption")') == "<p>What it shows.</p>"
    warnings = diagram_warnings(Path("lesson.md"), 'Text\n\n![What it shows.](diagram:no-such-thing "C")\n')
    assert warnings == [
        "lesson.md:3: there is no diagram 'no-such-thing' (static/diagrams/no-such-thing.svg): "
        "only its text alternative is shown"
    ]


@pytest.mark.parametrize(
    "source",
    [
        '<img src="https://evil.example/x.svg" alt="x">',
        '<img src="/static/diagrams/../css/app.css" alt="x">',
        '<img src="/static/img/favicon.svg" alt="x">',
        '<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;" alt="x">',
        "![x](https://evil.example/x.png)",
        "![x](diagram:../../etc/passwd)",
        "text ![x](diagram:dora-four-keys) inline",
        '<picture><source srcset="https://evil.example/x.svg" media="all"></picture>',
    ],
)
def test_content_shows_no_image_but_our_diagrams(source):
    html = render_markdown(source)
    assert "<img" not in html and "srcset" not in html and "media=" not in html


def test_our_diagram_written_as_html_keeps_only_safe_attributes():
    html = render_markdown('<img src="/static/diagrams/dora-four-keys.svg" alt="Keys" onerror="alert(1)" style="x">')
    assert html == '<p><img src="/static/diagrams/dora-four-keys.svg" alt="Keys"></p>'


def lesson_files(language: str = "") -> list[Path]:
    root = CONTENT / language if language else CONTENT
    return sorted(root.glob("0*/*.md"))


@pytest.mark.parametrize("language", ["", "vi"])
def test_every_module_has_a_diagram_that_exists_with_a_text_alternative_and_a_caption(language):
    modules = {path.parent.name for path in lesson_files(language)}
    with_diagram = set()
    for path in lesson_files(language):
        text = path.read_text(encoding="utf-8")
        assert diagram_warnings(path, text) == []
        for found in DIRECTIVE.finditer(text):
            assert (DIAGRAMS / f"{found['name']}.svg").is_file()
            assert len(found["alt"]) > 150, f"{path}: the text alternative says what the diagram shows"
            with_diagram.add(path.parent.name)
        assert text.count("diagram:") == len(DIRECTIVE.findall(text)), f"{path}: a diagram written another way"
    assert with_diagram == modules


@pytest.mark.parametrize("svg", sorted(DIAGRAMS.glob("*.svg")), ids=lambda path: path.stem)
def test_each_diagram_names_itself_and_has_both_schemes(svg):
    if svg.stem.endswith("-narrow"):  # a phone's drawing tells the same as its wide one
        wide = (DIAGRAMS / f"{svg.stem.removesuffix('-narrow')}.svg").read_text(encoding="utf-8")
        assert re.search(r"<desc id=\"desc\">.*?</desc>", wide, re.S).group() in svg.read_text(encoding="utf-8")
    text = svg.read_text(encoding="utf-8")
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="title desc"', text)
    assert re.search(r'<title id="title">[^<]{20,}</title>', text)
    assert re.search(r'<desc id="desc">[^<]{100,}</desc>', text)
    assert "@media (prefers-color-scheme: dark)" in text
    assert re.search(r'viewBox="0 0 \d+ \d+"', text)
    for forbidden in ["<script", "href=", "<foreignObject", "<image", "@import", "url(http"]:
        assert forbidden not in text, forbidden
