"""Search results read well: a lesson's title is never trimmed, a snippet starts and ends between
words, and a match in a table or an ASCII diagram shows that row or that line, not the whole table
or diagram run together into word soup."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.models import Lesson
from courses.snippets import bounds, snippet, terms_pattern
from devopslearn.lib.markdown import Passage, passages, render_markdown
from tests.courses.test_search import results_of
from tests.factories import make_path

TITLE = "AWS CloudFormation: templates, stacks and drift"
LONG = (
    "Infrastructure changes by hand pile up over the months. Someone edits a security group in the console "
    "and nobody writes it down. The running stack slowly moves away from its template, and that gap has a "
    "name. Drift detection compares each resource with what the template expects and reports the difference "
    "property by property, so that a team can decide to undo the change or to write it into the code."
)
TABLE = """
| Tool | What it checks |
|------|----------------|
| cfn-lint | template syntax and property types |
| cfn-guard | policy rules such as encryption at rest |
"""
DIAGRAM = """
```
+-----------+      +-------------+      +------------+
| CodeCommit| ---> |  CodeBuild  | ---> | CodeDeploy |
+-----------+      +-------------+      +------------+
```
"""


def lesson_with(body_md: str, title: str = "A lesson") -> Lesson:
    module = make_path(modules=1, lessons=1, with_quiz=False, slug="snippets").modules.get()
    return Lesson.objects.create(
        module=module, key="s", slug="s", title=title, order=9, published=True, body_md=body_md
    )


def result_html(client, query: str) -> str:
    """The result of the lesson built here (the real curriculum may be found too)."""
    section = results_of(client.get("/search/", {"q": query}).content.decode())
    return next(item for item in section.split('<li class="card">') if 'href="/paths/snippets/' in item)


@pytest.mark.django_db
def test_a_title_is_shown_whole_with_the_match_marked(learner_client):
    lesson_with(LONG, title=TITLE)

    section = result_html(learner_client, "drift")

    assert "AWS CloudFormation: templates, stacks and <mark>drift</mark></a></h2>" in section


@pytest.mark.django_db
def test_a_snippet_starts_and_ends_between_words(learner_client):
    lesson_with(LONG + " " + LONG)

    section = result_html(learner_client, "detection")

    text = re.search(r'<p class="snippet snippet-prose">\s*(.*?)\s*</p>', section, re.S).group(1)
    words = re.sub(r"</?mark>", "", text).strip("…").split()
    assert "<mark>detection</mark>" in text.lower()
    source_words = set(LONG.split())
    assert [word for word in words if word not in source_words] == [], "every word of the snippet is a whole word"
    assert text.startswith("…") and text.endswith("…")
    assert words[0] == "Drift", "it starts at the sentence that holds the match"


@pytest.mark.django_db
def test_a_match_in_a_table_shows_its_row(learner_client):
    lesson_with("Two linters for templates.\n" + TABLE)

    section = result_html(learner_client, "encryption")

    assert "From a table:" in section
    assert "cfn-guard · policy rules such as <mark>encryption</mark> at rest" in section
    assert "cfn-lint" not in section and "What it checks" not in section


@pytest.mark.django_db
def test_a_match_in_an_ascii_diagram_shows_its_line_as_code(learner_client):
    lesson_with("A pipeline has three stages.\n" + DIAGRAM)

    section = result_html(learner_client, "CodeBuild")

    assert "From a code example:" in section
    assert "<code>| CodeCommit| ---&gt; | <mark>CodeBuild</mark> | ---&gt; | CodeDeploy |</code>" in section
    assert "+-----------+" not in section


@pytest.mark.django_db
def test_a_paragraph_that_matches_wins_over_a_table_or_diagram(learner_client):
    lesson_with(DIAGRAM + TABLE + "\nCodeBuild runs cfn-guard on every commit.")

    section = result_html(learner_client, "CodeBuild")

    assert '<p class="snippet snippet-prose">' in section
    assert "<mark>CodeBuild</mark> runs cfn-guard on every commit." in section


def test_passages_keep_paragraphs_rows_and_lines_apart():
    html = render_markdown("## Checks\n\nLint first.\n" + TABLE + DIAGRAM + "\n- one item\n- two items")

    assert list(passages(html)) == [
        Passage("heading", "Checks"),
        Passage("prose", "Lint first."),
        Passage("row", "Tool · What it checks"),
        Passage("row", "cfn-lint · template syntax and property types"),
        Passage("row", "cfn-guard · policy rules such as encryption at rest"),
        Passage("code", "+-----------+ +-------------+ +------------+"),
        Passage("code", "| CodeCommit| ---> | CodeBuild | ---> | CodeDeploy |"),
        Passage("code", "+-----------+ +-------------+ +------------+"),
        Passage("prose", "one item"),
        Passage("prose", "two items"),
    ]


def test_without_a_match_the_snippet_is_the_opening_paragraph():
    found = snippet(render_markdown(LONG), terms_pattern(["zorbing"]))

    assert found.kind == "prose" and not found.cut_before and found.cut_after
    assert found.pieces[0].text.startswith("Infrastructure changes by hand")


words = st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=12), min_size=1, max_size=80)


@given(words=words, at=st.integers(min_value=0), width=st.integers(min_value=20, max_value=200))
def test_an_excerpt_holds_the_match_and_cuts_only_between_words(words, at, width):
    text = " ".join(words)
    index = at % len(words)
    start = len(" ".join(words[:index])) + (1 if index else 0)
    end = start + len(words[index])

    begin, stop = bounds(text, start, end, width)

    assert begin <= start and stop >= end, "the match is inside"
    assert begin == 0 or text[begin - 1] == " ", "starts at a word"
    assert stop == len(text) or text[stop] == " ", "ends at a word"
    assert stop - begin <= max(width, end - begin), "no longer than asked, unless the match's own words are"
