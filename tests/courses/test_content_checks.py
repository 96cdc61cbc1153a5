"""load_content refuses repeated YAML keys with file:line and warns, with file:line, where a table
written directly under a line of text will not become a table (issue 20.6). Each test writes its own
small content folder."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from courses.importers import ContentError, load_content, table_warnings
from courses.models import Lesson
from devopslearn.lib.markdown import render_markdown
from quizzes.models import Question

pytestmark = pytest.mark.django_db

LESSON = """---
key: first
title: First lesson
order: 1
published: true
reviewed: 2026-11-29
---
Some text.

{body}
"""

QUIZ = """title: A quiz
pass_mark: 70
questions:
  - key: q1
    kind: single
    points: 1
    prompt: |
      {prompt}
    explanation: Because.
    choices:
      - {{key: a, text: Right, correct: true}}
      - {{key: b, text: Wrong, correct: false, feedback: No.}}
"""


def write(root: Path, *, lesson: str = LESSON.format(body="More text."), quiz: str | None = None) -> Path:
    (root / "m1").mkdir(parents=True)
    (root / "path.yaml").write_text("slug: checks\ntitle: Checks\nsummary: A path.\n")
    (root / "m1" / "module.yaml").write_text("slug: m1\ntitle: Module one\norder: 1\npublished: true\n")
    (root / "m1" / "01-first.md").write_text(lesson)
    if quiz is not None:
        (root / "m1" / "quiz.yaml").write_text(quiz)
    return root


def refusal(root: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return str(caught.value)


# --- repeated keys ---------------------------------------------------------------------------------


def test_points_given_twice_is_refused_naming_both_lines(tmp_path):
    quiz = QUIZ.format(prompt="Which?").replace("    points: 1\n", "    points: 1\n    points: 3\n")
    root = write(tmp_path, quiz=quiz)
    assert refusal(root) == f"{root}/m1/quiz.yaml:7: the key 'points' is given twice (also on line 6); keep one"
    assert not Question.objects.filter(quiz__module__slug="m1").exists()  # nothing written


def test_published_twice_in_a_lessons_front_matter_is_refused(tmp_path):
    lesson = LESSON.format(body="Text.").replace("published: true\n", "published: true\npublished: false\n")
    root = write(tmp_path, lesson=lesson)
    assert refusal(root) == f"{root}/m1/01-first.md:6: the key 'published' is given twice (also on line 5); keep one"
    assert not Lesson.objects.filter(key="first").exists()


@pytest.mark.parametrize(
    ("file", "text", "line"),
    [
        ("path.yaml", "slug: checks\ntitle: Checks\ntitle: Again\n", 3),
        ("m1/module.yaml", "slug: m1\ntitle: Module one\norder: 1\nslug: m2\n", 4),
        (
            "m1/quiz.yaml",
            QUIZ.format(prompt="Which?").replace("kind: single\n", "kind: single\n    kind: multiple\n"),
            6,
        ),
        ("m1/quiz.yaml", QUIZ.format(prompt="Which?") + "title: Twice\n", 13),
        (
            "m1/quiz.yaml",
            QUIZ.format(prompt="Which?").replace("key: a, text: Right", "key: a, text: Right, text: R"),
            11,
        ),
    ],
)
def test_a_key_repeated_in_any_yaml_mapping_is_refused_at_its_line(tmp_path, file, text, line):
    root = write(tmp_path, quiz=QUIZ.format(prompt="Which?"))
    (root / file).write_text(text)
    message = refusal(root)
    assert message.startswith(f"{root}/{file}:{line}: the key ")
    assert "is given twice" in message


def test_keys_repeated_in_different_mappings_are_fine(tmp_path):
    root = write(tmp_path, quiz=QUIZ.format(prompt="Which?"))
    load_content(root)
    assert Question.objects.get(key="q1").points == 1


# --- tables directly under text ------------------------------------------------------------------------

TABLE = "| a | b |\n|---|---|\n| 1 | 2 |"


def test_the_renderer_needs_the_blank_line_the_warning_asks_for():
    assert "<table>" not in render_markdown(f"Some text:\n{TABLE}")
    assert "<table>" in render_markdown(f"Some text:\n\n{TABLE}")


def test_a_lesson_table_directly_under_text_is_warned_about_with_its_line(tmp_path):
    root = write(tmp_path, lesson=LESSON.format(body=f"The four metrics:\n{TABLE}"))
    output = StringIO()
    call_command("load_content", "--path", str(root), stdout=output)
    assert (
        f"  warning: {root}/m1/01-first.md:11: this table directly follows a line of text, so it is shown as "
        "plain text with pipes: put a blank line above it" in output.getvalue()
    )
    assert Lesson.objects.get(key="first").body_html.count("<table>") == 0  # loaded all the same


def test_a_quiz_prompt_table_directly_under_text_is_warned_about(tmp_path):
    prompt = "Which row?\n      | a | b |\n      |---|---|\n      | 1 | 2 |"
    root = write(tmp_path, quiz=QUIZ.format(prompt=prompt))
    warnings = load_content(root).warnings
    assert warnings == [
        f"{root}/m1/quiz.yaml:9: this table directly follows a line of text, so it is shown as plain text "
        "with pipes: put a blank line above it"
    ]


@pytest.mark.parametrize(
    "text",
    [
        f"Some text.\n\n{TABLE}",  # a blank line above
        f"{TABLE}",  # first thing in the file
        f"```\ntext\n{TABLE}\n```",  # inside fenced code: not markdown
        "prompt: |\n  | a | b |\n  |---|---|",  # the first line of a YAML block
        "A horizontal rule\n\n---\n",  # no pipes
        "term | meaning\n--- | ---\nx | y",  # a table of its own, without outer pipes
    ],
)
def test_tables_that_do_become_tables_and_other_lines_raise_no_warning(text):
    assert table_warnings(Path("f.md"), text) == []


def test_the_whole_real_curriculum_raises_no_table_warning():
    from courses.importers import parse_curriculum
    from tests.conftest import CONTENT

    assert parse_curriculum(CONTENT).warnings == []
