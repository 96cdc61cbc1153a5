"""render_markdown: no payload of the corpus yields executable markup; legitimate markdown survives."""

import re

import markdown
import pytest
from django.conf import settings

from courses.importers import parse_lesson
from devopslearn.lib.markdown import plain_text, render_markdown
from tests.conftest import CONTENT
from tests.courses.conftest import elements

XSS_PAYLOADS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    "<![CDATA[<script>alert(1)</script>]]>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<h2 onmouseover="alert(1)" id="completion">x</h2>',
    '<div style="color:red" onclick="alert(1)">x</div>',
    "<frameset onload=alert(1)>",
    # javascript:, data:, vbscript: links, entity-encoded and mixed case
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VbScRiPt:msgbox(1)">x</a>',
    '<a href="javascript:alert(1)"',
    # markdown link and image syntax
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click](vbscript:msgbox(1))",
    "[ref][1]\n\n[1]: javascript:alert(1)",
    '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")',
    "<javascript:alert(1)>",
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    # SVG and MathML
    "<svg onload=alert(1)><circle r=10></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # style
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<table background="javascript:alert(1)"><tr><td style="x:expression(alert(1))">x</td></tr></table>',
    # iframes, objects, embeds
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    # forms, meta, base, link
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    # malformed and unclosed tags, comments
    "<img src=x onerror=alert(1)",
    "<a href='javascript:alert(1)'>unclosed",
    "<!--<img src=x onerror=alert(1)>-->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<p <script>alert(1)</script>>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
]

FORBIDDEN_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style", "link",
    "form", "input", "button", "textarea", "select", "meta", "base", "img", "video", "audio", "source",
    "template", "noscript", "body", "html", "details",
}  # fmt: skip
# What the renderer itself may write on an element; anything else came from the payload.
KNOWN_ATTRIBUTES = {"href", "title", "rel", "id", "class", "start", "tabindex", "role", "aria-label"}
SAFE_URL = re.compile(r"^(https?:|mailto:|/|#)", re.IGNORECASE)


def executable_markup(html: str) -> list[str]:
    problems = []
    for tag, attrs in elements(html).tags:
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"{name} on <{tag}>")
            if name == "style":
                problems.append(f"style on <{tag}>")
            if name not in KNOWN_ATTRIBUTES:
                problems.append(f"{name} on <{tag}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and not SAFE_URL.match(value):
                problems.append(f"{name}={value!r} on <{tag}>")
    return problems


def test_the_corpus_is_large_enough():
    assert len(XSS_PAYLOADS) >= 30
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_yields_executable_markup(payload):
    html = render_markdown(payload)

    assert executable_markup(html) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_no_payload_yields_executable_markup_inside_a_real_lesson_either(payload):
    html = render_markdown(f"## Intro\n\nSome text with a [link](https://aws.amazon.com/).\n\n{payload}\n\nMore text.")

    assert executable_markup(html) == []
    assert '<a href="https://aws.amazon.com/" rel="noopener nofollow">link</a>' in html


def test_the_checker_itself_catches_executable_markup():
    """The assertions above would fail on unsanitised output."""
    raw = '<a href="javascript:x" onclick="y" style="z">a</a><svg></svg><script></script><form action="/"></form>'

    assert set(executable_markup(raw)) == {
        "href='javascript:x' on <a>",
        "onclick on <a>",
        "style on <a>",
        "<svg> element",
        "<script> element",
        "<form> element",
        "action on <form>",
    }


def test_script_text_is_shown_escaped_not_run():
    html = render_markdown("`<script>alert(1)</script>` and <script>alert(2)</script>")

    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in html
    assert "<script" not in html


# --- legitimate markdown survives ----------------------------------------------------------------


def test_a_table_keeps_its_alignment_as_classes_not_style():
    html = render_markdown("| Left | Centre | Right |\n|:-----|:------:|------:|\n| a | b | c |")

    assert '<th class="align-left">Left</th>' in html
    assert '<th class="align-center">Centre</th>' in html
    assert '<td class="align-right">c</td>' in html
    assert "style=" not in html
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="Table"><table>' in html


def test_fenced_code_is_highlighted_with_pygments_classes():
    html = render_markdown("```yaml\nversion: 0.2\nphases:\n  build:\n    commands:\n      - npm test\n```")

    assert '<div class="highlight"><pre tabindex="0">' in html
    assert '<span class="nt">version</span>' in html
    assert "style=" not in html


def test_comments_and_strings_keep_their_highlighting():
    html = render_markdown("```python\n# a comment\nname = 'single'\nother = \"double\"\n```")

    assert '<span class="c1"># a comment</span>' in html
    assert "<span class=\"s1\">'single'</span>" in html
    assert '<span class="s2">"double"</span>' in html


def test_every_highlighting_class_of_the_real_lessons_survives():
    highlighter = markdown.Markdown(
        extensions=["fenced_code", "codehilite"],
        extension_configs={"codehilite": {"css_class": "highlight", "guess_lang": False}},
    )
    for lesson in sorted(CONTENT.glob("*/*.md")):
        body = parse_lesson(lesson).values["body_md"]
        wanted = {a["class"] for a in elements(highlighter.reset().convert(body)).find("span") if a.get("class")}
        kept = {a["class"] for a in elements(render_markdown(body)).find("span") if a.get("class")}
        assert wanted <= kept, lesson.name


def test_content_cannot_borrow_the_classes_of_the_app():
    html = render_markdown('<span class="button">a</span><span class="bar num">b</span><div class="banner">c</div>')

    assert "class=" not in html


def test_the_pygments_stylesheet_styles_the_classes_the_renderer_writes():
    css = (settings.BASE_DIR / "static" / "css" / "pygments.css").read_text()

    assert ".highlight .nt" in css
    assert ".highlight .k" in css


def test_links_keep_their_target_and_get_noopener_nofollow():
    html = render_markdown(
        "[AWS](https://aws.amazon.com/codepipeline/), [mail](mailto:team@example.com), "
        "[lesson](/paths/devops-on-aws/), [below](#section-part) and <https://docs.aws.amazon.com/>"
    )

    anchors = elements(html).find("a")
    assert [a["href"] for a in anchors] == [
        "https://aws.amazon.com/codepipeline/",
        "mailto:team@example.com",
        "/paths/devops-on-aws/",
        "#section-part",
        "https://docs.aws.amazon.com/",
    ]
    assert all(a["rel"] == "noopener nofollow" for a in anchors)


def test_a_bare_web_address_becomes_a_link_but_a_file_name_does_not():
    html = render_markdown("Read https://aws.amazon.com/devops/. Then edit README.md, deploy.sh and main.tf.")

    assert [a["href"] for a in elements(html).find("a")] == ["https://aws.amazon.com/devops/"]
    assert "README.md, deploy.sh and main.tf." in html


def test_headings_get_ids_and_start_below_the_pages_title():
    html = render_markdown("# Overview\n\n## The four metrics\n\n### Lead time\n\n## The four metrics")

    assert '<h2 id="section-overview">Overview</h2>' in html
    assert '<h2 id="section-the-four-metrics">The four metrics</h2>' in html
    assert '<h3 id="section-lead-time">Lead time</h3>' in html
    assert '<h2 id="section-the-four-metrics_1">The four metrics</h2>' in html
    assert "<h1" not in html


def test_a_heading_cannot_take_the_id_of_an_element_of_the_page():
    html = render_markdown('## Completion\n\n## Content\n\n<h3 id="module-sidebar">Sidebar</h3>')

    ids = [attrs.get("id") for tag, attrs in elements(html).tags if tag in ("h2", "h3")]
    assert ids == ["section-completion", "section-content", None]


def test_lists_quotes_emphasis_and_inline_code_survive():
    html = render_markdown(
        "1. **Source**\n2. *Build*\n\n- `buildspec.yml`\n\n> Fail fast.\n\n3. three\n4. four\n\nH~2~O <kbd>Ctrl</kbd>"
    )

    assert "<ol>\n<li><strong>Source</strong></li>" in html
    assert "<li><em>Build</em></li>" in html
    assert "<code>buildspec.yml</code>" in html
    assert "<blockquote>\n<p>Fail fast.</p>\n</blockquote>" in html
    assert '<ol start="3">' in html
    assert "<kbd>Ctrl</kbd>" in html


def test_nul_bytes_and_empty_text_are_harmless():
    assert render_markdown("") == ""
    assert render_markdown("a\x00b") == "<p>ab</p>"


def test_plain_text_drops_the_markup_and_keeps_the_words():
    html = render_markdown("## Title\n\nText with `<script>` & **bold**.\n\n| a | b |\n|---|---|\n| 1 | 2 |")

    assert plain_text(html) == "Title Text with <script> & bold. a b 1 2"
