"""load_content reads the format of issue 15 (fixtures/content/README.md): lessons' `reviewed` and
`beyond_workshop`, misconceptions.yaml, question pools and draws, scenario questions, the
faulty_line kind and numeric variants; every malformed case is refused with its file and line, and a
second run changes nothing."""

import datetime
import textwrap
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from courses.importers import ContentError, load_content
from courses.models import Lesson
from quizzes.models import Misconception, Pool, Question, QuestionKind, Quiz
from tests.courses.conftest import edit, line_number

pytestmark = pytest.mark.django_db

LESSON = """\
---
key: first-lesson
title: The first lesson
order: 1
reviewed: 2026-11-29
beyond_workshop: true
---
## A section

Some text.
"""

MISCONCEPTIONS = """\
fmt-canary-on-ec2: Believes canary or linear traffic shifting is available for EC2/on-premises deployments.
fmt-warnings-fail-builds: Believes a warning printed in a build log stops the build.
"""

ARTIFACT = """\
[Container] 2026/11/20 10:00:01.123456 Running command npm ci
npm WARN deprecated inflight@1.0.6: This module is not supported
[Container] 2026/11/20 10:00:40.000001 Phase complete: BUILD State: SUCCEEDED
[Container] 2026/11/20 10:00:41.000001 Entering phase POST_BUILD
[Container] 2026/11/20 10:00:41.500000 Running command aws s3 sync dist/ s3://example-site
upload failed: dist/index.html to s3://example-site/index.html An error occurred (AccessDenied)
[Container] 2026/11/20 10:00:43.000001 Phase complete: POST_BUILD State: FAILED
"""

QUIZ = """\
title: "A module quiz"
pass_mark: 70
pools:
  - key: deployments
    title: Deployment strategies
    lesson: first-lesson
  - key: builds
    title: Builds
draw:
  - pool: deployments
    count: 1
  - pool: builds
    count: 2
questions:
  - key: canary-ec2
    kind: single
    pool: deployments
    scenario: true
    prompt: |
      A team runs on 40 EC2 instances and needs no downtime. Which configuration?
    explanation: |
      In-place with one at a time.
    choices:
      - key: one-at-a-time
        text: CodeDeployDefault.OneAtATime
        correct: true
      - key: canary
        text: CodeDeployDefault.LambdaCanary10Percent5Minutes
        correct: false
        feedback: Canary traffic shifting is for Lambda and ECS only.
        misconception: fmt-canary-on-ec2
  - key: blue-green
    kind: true_false
    pool: deployments
    prompt: Blue/green needs double capacity during the switch.
    explanation: It does.
    choices:
      - key: "true"
        text: "True"
        correct: true
      - key: "false"
        text: "False"
        feedback: Both environments run during the switch.
  - key: post-build-failure
    kind: faulty_line
    points: 2
    pool: builds
    prompt: |
      Which line explains why the build failed?
    artifact_language: log
    artifact: |
ARTIFACT
    select: 1
    lines:
      - line: 6
        correct: true
      - line: 2
        correct: false
        feedback: This deprecation warning is printed on every build; it does not stop the build.
        misconception: fmt-warnings-fail-builds
    explanation: |
      The upload in post_build was denied.
  - key: deployment-frequency
    kind: numeric
    pool: builds
    unit: per day
    prompt: |
      A team deployed {deploys} times in {days} days. How many deployments per day?
    explanation: |
      {deploys} / {days} = {answer} per day.
    variants:
      - values: {deploys: 48, days: 30}
        answer: 1.6
        tolerance: 0.05
      - values: {deploys: 90, days: 30}
        answer: 3
        tolerance: 0.05
"""


def write_course(root: Path, quiz: str = QUIZ, misconceptions: str | None = MISCONCEPTIONS) -> Path:
    """A one-module course in ``root`` written in the format of issue 15."""
    (root / "m1").mkdir(parents=True)
    (root / "path.yaml").write_text("slug: format-path\ntitle: Format path\n", encoding="utf-8")
    (root / "m1" / "module.yaml").write_text("slug: m1\ntitle: Module one\norder: 1\n", encoding="utf-8")
    (root / "m1" / "01-first.md").write_text(LESSON, encoding="utf-8")
    artifact = textwrap.indent(ARTIFACT, " " * 6)
    (root / "m1" / "quiz.yaml").write_text(quiz.replace("ARTIFACT\n", artifact), encoding="utf-8")
    if misconceptions is not None:
        (root / "misconceptions.yaml").write_text(misconceptions, encoding="utf-8")
    return root


@pytest.fixture
def course(tmp_path) -> Path:
    return write_course(tmp_path / "content")


def refused(root: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return caught.value


def quiz_file(root: Path) -> Path:
    return root / "m1" / "quiz.yaml"


# --- what loads ----------------------------------------------------------------------------------


def test_a_course_in_the_new_format_loads_every_part(course):
    report = load_content(course)

    lesson = Lesson.objects.get(key="first-lesson")
    assert lesson.reviewed == datetime.date(2026, 11, 29)
    assert lesson.beyond_workshop is True
    assert dict(Misconception.objects.values_list("tag", "description"))["fmt-canary-on-ec2"].startswith(
        "Believes canary"
    )
    quiz = Quiz.objects.get(module__slug="m1")
    assert [(p.key, p.title, p.draw_count, p.lesson) for p in quiz.pools.all()] == [
        ("deployments", "Deployment strategies", 1, lesson),
        ("builds", "Builds", 2, None),
    ]
    assert quiz.questions_per_attempt() == 3
    canary = Question.objects.get(key="canary-ec2")
    assert canary.scenario and canary.pool.key == "deployments"
    assert canary.choices.get(key="canary").misconception.tag == "fmt-canary-on-ec2"
    assert canary.choices.get(key="one-at-a-time").misconception is None
    assert report.warnings == []


def test_a_faulty_line_question_has_one_choice_per_line_of_its_artifact(course):
    load_content(course)

    question = Question.objects.get(key="post-build-failure")
    lines = list(question.choices.order_by("order"))
    assert question.kind == QuestionKind.FAULTY_LINE
    assert (question.artifact_language, question.select_count, question.points) == ("log", 1, 2)
    assert [c.text for c in lines] == ARTIFACT.rstrip().split("\n")
    assert [c.order for c in lines] == list(range(1, 8))
    assert [c.key for c in lines][:2] == ["line-1", "line-2"]
    assert [c.order for c in lines if c.is_correct] == [6]
    assert lines[1].feedback.startswith("This deprecation warning")
    assert lines[1].misconception.tag == "fmt-warnings-fail-builds"
    assert [c.feedback for c in lines if c.order not in (2,)] == [""] * 6


def test_numeric_variants_are_stored_with_their_rendered_prompts(course):
    load_content(course)

    question = Question.objects.get(key="deployment-frequency")
    assert question.variants == [
        {"values": {"deploys": 48, "days": 30}, "answer": "1.6", "tolerance": "0.05"},
        {"values": {"deploys": 90, "days": 30}, "answer": "3", "tolerance": "0.05"},
    ]
    assert "deployed 48 times in 30 days" in question.variants_html[0]["prompt_html"]
    assert "deployed 90 times in 30 days" in question.variants_html[1]["prompt_html"]
    assert "48 / 30 = 1.6 per day" in question.variants_html[0]["explanation_html"]
    assert "90 / 30 = 3 per day" in question.variants_html[1]["explanation_html"]
    # Pages that know no variant see the first one, whole: its prompt, its answer.
    assert "deployed 48 times" in question.prompt_html and "{deploys}" not in question.prompt_html
    assert (question.numeric_answer, question.tolerance) == (Decimal("1.6"), Decimal("0.05"))
    second = question.with_variant(1)
    assert (second.numeric_answer, second.tolerance) == (Decimal(3), Decimal("0.05"))
    assert "deployed 90 times" in second.prompt_html


def test_a_second_run_changes_nothing(course):
    load_content(course)

    report = load_content(course)

    assert report.counts["created"] == report.counts["updated"] == report.counts["skipped"] == 0
    assert report.kinds["misconceptions"]["unchanged"] == 2
    assert report.kinds["question pools"]["unchanged"] == 2


def test_rows_imported_before_the_new_fields_existed_are_not_taken_for_admin_edits(course):
    """A later field at its default is left out of the fingerprint: an old row's hash still matches."""
    load_content(course)
    lesson = Lesson.objects.get(key="first-lesson")
    lesson.reviewed, lesson.beyond_workshop = None, False
    old_fields = tuple(f for f in Lesson.IMPORT_FIELDS if f not in Lesson.LATER_IMPORT_FIELDS)
    import hashlib
    import json

    old_values = {name: getattr(lesson, name) for name in old_fields}
    old_hash = hashlib.sha256(json.dumps(old_values, sort_keys=True, default=str).encode()).hexdigest()

    assert lesson.fingerprint() == old_hash


def test_a_missing_reviewed_date_is_refused_with_its_file(course):
    edit(course / "m1" / "01-first.md", "reviewed: 2026-11-29\n", "")

    with pytest.raises(ContentError) as refused:
        load_content(course)

    assert "01-first.md:1: the front matter needs 'reviewed: YYYY-MM-DD'" in str(refused.value)


def test_the_check_option_reads_the_files_and_writes_nothing(course):
    out = StringIO()
    call_command("load_content", "--path", str(course), "--check", stdout=out)

    assert "Content is valid: 1 modules, 1 lessons." in out.getvalue()
    assert not Quiz.objects.filter(module__slug="m1").exists()


def test_a_quiz_without_draw_still_asks_every_question(tmp_path):
    quiz = QUIZ.split("draw:")[0] + "questions:" + QUIZ.split("questions:")[1]
    root = write_course(tmp_path / "content", quiz=quiz)

    load_content(root)

    quiz_row = Quiz.objects.get(module__slug="m1")
    assert quiz_row.drawn_pools() == []
    assert quiz_row.questions_per_attempt() == 4


def test_a_draw_removed_from_the_file_stops_drawing(course):
    load_content(course)
    text = quiz_file(course).read_text(encoding="utf-8")
    quiz_file(course).write_text(text.split("draw:")[0] + "questions:" + text.split("questions:")[1], encoding="utf-8")

    load_content(course)

    assert list(Pool.objects.filter(quiz__module__slug="m1").values_list("draw_count", flat=True)) == [None, None]


# --- malformed: file and line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("reviewed: 2026-11-29", "reviewed: next week", "reviewed:", "'reviewed' must be a date"),
        ("beyond_workshop: true", "beyond_workshop: maybe", "beyond_workshop:", "must be bool"),
    ],
)
def test_a_malformed_lesson_field_is_refused_with_its_line(course, old, new, needle, message):
    lesson = course / "m1" / "01-first.md"
    edit(lesson, old, new)

    error = refused(course)

    assert (error.path, error.line) == (lesson, line_number(lesson, needle))
    assert message in error.message


QUIZ_ERRORS = [
    # (old, new, the line the error names: a text on it and which occurrence, what the error says)
    ("misconception: fmt-canary-on-ec2", "misconception: canary-on-ecs", ("canary-on-ecs", 1), "not defined in"),
    ("misconception: fmt-canary-on-ec2", "misconception: Canary_EC2", ("Canary_EC2", 1), "lowercase letters"),
    (
        "        correct: true\n      - key: canary",
        "        correct: true\n        misconception: fmt-canary-on-ec2\n      - key: canary",
        ("misconception: fmt-canary-on-ec2", 1),
        "only a wrong choice",
    ),
    ("    count: 2", "    count: 3", ("pool: builds", 1), "has 2 published questions; it cannot draw 3"),
    ("    count: 2", "    count: 0", ("pool: builds", 1), "whole number of 1 or more"),
    ("    count: 2", "    count: 2\n  - pool: builds\n    count: 1", ("pool: builds", 2), "drawn twice"),
    ("    pool: deployments\n    scenario", "    scenario", ("key: canary-ec2", 1), "names no pool"),
    (
        "    pool: deployments\n    scenario",
        "    pool: other\n    scenario",
        ("key: canary-ec2", 1),
        "'draw' does not use",
    ),
    (
        "    title: Builds",
        "    title: Builds\n  - key: unused\n    title: Unused",
        ("key: unused", 1),
        "no question is in it",
    ),
    ("    title: Builds", "    title: Builds\n  - key: builds", ("key: builds", 2), "listed twice in pools"),
    ("    lesson: first-lesson", "    lesson: no-such-lesson", ("lesson: no-such", 1), "no lesson 'no-such-lesson'"),
    (
        "    title: Builds",
        "    title: Builds\n    lesson: [first-lesson]",
        ("lesson: [first", 1),
        "pool 'builds': no lesson",
    ),
    ("    scenario: true", "    scenario: yes please", ("scenario:", 1), "true or false"),
    ("      - line: 6\n", "      - line: 60\n", ("line: 60", 1), "line 60 is not in the artifact (it has 7 lines)"),
    ("      - line: 2\n", "      - line: 6\n", ("line: 6", 2), "line 6 is listed twice"),
    (
        "      - line: 6\n        correct: true",
        "      - line: 6\n        correct: false",
        ("key: post-build", 1),
        "at least one line must be correct",
    ),
    (
        "    lines:\n",
        "    lines:\n      - line: 1\n        correct: true\n",
        ("key: post-build", 1),
        "exactly one line",
    ),
    ("    select: 1", "    select: 9", ("select:", 1), "'select' is 9 but the artifact has 7 lines"),
    ("    select: 1", "    select: none", ("select:", 1), "whole number of 1 or more"),
    ("    artifact_language: log", "    artifact_language: cobol", ("artifact_language:", 1), "must be one of"),
    (
        "    kind: faulty_line",
        "    kind: single",
        ("artifact: |", 1),
        "'artifact' belongs to faulty_line questions only",
    ),
    (
        "        feedback: This deprecation",
        "        colour: red\n        feedback: This deprecation",
        ("colour:", 1),
        "unknown field 'colour'",
    ),
    ("      {deploys} / {days}", "      {deploys} / {weeks}", ("{weeks}", 1), "uses {weeks} but variant 1 gives it no"),
    ("        answer: 3\n", "", ("variants:", 1), "variant 2 needs an 'answer'"),
    ("    unit: per day", "    unit: per day\n    answer: 2", ("variants:", 1), "not beside 'variants'"),
    (
        "        tolerance: 0.05\n      - values: {deploys: 90",
        "        tolerance: -1\n      - values: {deploys: 90",
        ("variants:", 1),
        "cannot be negative",
    ),
    ("    kind: numeric", "    kind: short_text", ("variants:", 1), "only numeric questions have variants"),
]


def nth_line(path: Path, needle: str, occurrence: int) -> int:
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


@pytest.mark.parametrize(("old", "new", "where", "message"), QUIZ_ERRORS)
def test_a_malformed_quiz_is_refused_with_its_file_and_line(course, old, new, where, message):
    path = quiz_file(course)
    edit(path, old, new)

    error = refused(course)

    assert message in error.message
    assert (error.path, error.line) == (path, nth_line(path, *where))


def test_a_line_longer_than_500_characters_is_refused_with_its_line(course):
    path = quiz_file(course)
    edit(path, "npm WARN deprecated inflight", "npm WARN deprecated " + "x" * 500)

    error = refused(course)

    assert (error.path, error.line) == (path, line_number(path, "npm WARN deprecated"))
    assert "line 2 of the artifact is 556 characters long" in error.message


def test_an_artifact_of_more_than_200_lines_is_refused(course):
    path = quiz_file(course)
    edit(path, "      npm WARN deprecated", "      x\n" * 200 + "      npm WARN deprecated")

    error = refused(course)

    assert "the artifact has 207 lines; the limit is 200" in error.message


def test_a_misconception_defined_but_unused_is_a_warning(tmp_path):
    root = write_course(
        tmp_path / "content", misconceptions=MISCONCEPTIONS + "fmt-drift-auto-fixes: Believes drift fixes itself.\n"
    )

    report = load_content(root)

    assert report.warnings == [
        f"{root / 'misconceptions.yaml'}:3: misconception 'fmt-drift-auto-fixes' is not used by any choice"
    ]


def test_a_tag_used_without_a_misconceptions_file_is_refused(tmp_path):
    root = write_course(tmp_path / "content", misconceptions=None)

    error = refused(root)

    assert error.path == quiz_file(root)
    assert error.line == line_number(quiz_file(root), "misconception: fmt-canary-on-ec2")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Canary: Upper case.\n", 1, "lowercase letters"),
        ("fmt-canary-on-ec2: Fine.\nempty:\n", 2, "one-line description"),
        ("fmt-canary-on-ec2: [a, list]\n", 1, "one-line description"),
    ],
)
def test_a_malformed_misconceptions_file_is_refused_with_its_line(tmp_path, text, line, message):
    root = write_course(tmp_path / "content", misconceptions=text)

    error = refused(root)

    assert (error.path, error.line) == (root / "misconceptions.yaml", line)
    assert message in error.message
