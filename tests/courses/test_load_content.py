"""load_content: the whole curriculum loads, a second run changes nothing, malformed files are refused
with their file and line before anything is written, admin edits are kept, learner progress survives."""

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from courses.importers import ContentError, load_content
from courses.models import LearningPath, Lesson, Module
from progress import services as progress_services
from progress.models import LessonCompletion, ModuleProgress
from quizzes.models import Choice, Question, Quiz
from tests.conftest import CONTENT
from tests.courses.conftest import COPY_SLUG, edit, line_number

pytestmark = pytest.mark.django_db

MINDSET = "01-devops-mindset"
FIRST_LESSON = f"{MINDSET}/01-what-devops-is.md"


def run(root: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_content", "--path", str(root), *args, stdout=out)
    return out.getvalue()


def expected_counts(root: Path) -> dict[str, int]:
    """What the files hold, counted without the importer."""
    quizzes = [yaml.safe_load(f.read_text(encoding="utf-8")) for f in sorted(root.glob("*/quiz.yaml"))]
    questions = [q for quiz in quizzes for q in quiz["questions"]]
    pools = [
        {entry["key"] for entry in quiz.get("pools") or []}
        | {entry["pool"] for entry in quiz.get("draw") or []}
        | {q["pool"] for q in quiz["questions"] if q.get("pool")}
        for quiz in quizzes
    ]
    misconceptions = root / "misconceptions.yaml"
    counts = {
        "learning paths": 1,
        "misconceptions": len(yaml.safe_load(misconceptions.read_text(encoding="utf-8")) or {})
        if misconceptions.exists()
        else 0,
        "modules": len(list(root.glob("*/module.yaml"))),
        "lessons": len(list(root.glob("*/*.md"))),
        "quizzes": len(quizzes),
        "question pools": sum(len(keys) for keys in pools),
        "questions": len(questions),
        # A faulty-line question has one choice per line of its artifact.
        "choices": sum(
            len(q.get("choices") or []) + len(q.get("artifact", "").rstrip().splitlines()) for q in questions
        ),
        **lab_counts(root),
    }
    return {kind: number for kind, number in counts.items() if number}


def lab_counts(root: Path) -> dict[str, int]:
    labs = [yaml.safe_load(f.read_text(encoding="utf-8")) for f in sorted(root.glob("*/labs/*/lab.yaml"))]
    return {"labs": len(labs), "checks": sum(len(lab["checks"]) for lab in labs)}


def refused(root: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return caught.value


# --- the real curriculum -------------------------------------------------------------------------


def test_it_loads_the_whole_curriculum_and_counts_each_kind(content):
    output = run(content)

    counts = expected_counts(content)
    # Misconception tags are shared by every path: the real curriculum (loaded for the session) has them already.
    shared = counts.pop("misconceptions", 0)
    total = sum(counts.values())
    assert f"Content: {total} created, 0 updated, {shared} unchanged, 0 skipped." in output
    for kind, number in counts.items():
        assert f"  {kind}: {number} created\n" in output
    if shared:
        assert f"  misconceptions: {shared} unchanged\n" in output
    path = LearningPath.objects.get(slug=COPY_SLUG)
    assert path.modules.count() == counts["modules"] == 6
    assert Lesson.objects.filter(module__path=path).count() == counts["lessons"]
    assert Quiz.objects.filter(module__path=path).count() == counts["quizzes"]
    assert Question.objects.filter(quiz__module__path=path).count() == counts["questions"]
    assert Choice.objects.filter(question__quiz__module__path=path).count() == counts["choices"]


def test_a_second_run_reports_every_row_unchanged(content):
    run(content)
    before = {lesson.pk: lesson.updated_at for lesson in Lesson.objects.filter(module__path__slug=COPY_SLUG)}

    output = run(content)

    total = sum(expected_counts(content).values())
    assert f"Content: 0 created, 0 updated, {total} unchanged, 0 skipped." in output
    assert "re-rendered" not in output
    after = {lesson.pk: lesson.updated_at for lesson in Lesson.objects.filter(module__path__slug=COPY_SLUG)}
    assert after == before, "an unchanged lesson is not written again"


def test_the_real_curriculum_in_the_test_database_is_already_up_to_date(curriculum):
    report = load_content(CONTENT)

    assert report.counts["created"] == report.counts["updated"] == report.counts["skipped"] == 0
    assert report.counts["unchanged"] == sum(expected_counts(CONTENT).values())


def test_the_curriculum_has_six_modules_of_at_least_four_long_lessons(curriculum):
    modules = list(curriculum.modules.published())
    assert len(modules) == 6
    for module in modules:
        lessons = list(module.lessons.published())
        assert len(lessons) >= 4, module.slug
        for lesson in lessons:
            assert len(lesson.body_text.split()) >= 400, lesson.slug
            assert len(lesson.takeaway_list) >= 2, lesson.slug
            assert "<h2" in lesson.body_html, lesson.slug


def test_the_prerequisites_form_the_graph_the_issue_describes(curriculum):
    graph = {m.slug: sorted(p.slug for p in m.prerequisites.all()) for m in curriculum.modules.all()}

    assert graph == {
        "devops-mindset": [],
        "cicd-on-aws": ["devops-mindset"],
        "infrastructure-as-code": ["devops-mindset"],
        "containers-on-aws": ["cicd-on-aws", "infrastructure-as-code"],
        "observability": ["containers-on-aws"],
        "best-practices-incidents": ["cicd-on-aws", "observability"],
    }


# --- malformed files: the message names the file and the line ------------------------------------


def test_bad_yaml_in_front_matter_is_refused_with_its_file_and_line(content):
    lesson = content / FIRST_LESSON
    edit(lesson, "order: 1\n", "order: 1: 2\n")

    error = refused(content)

    assert error.path == lesson
    assert error.line == line_number(lesson, "order: 1: 2")
    assert "invalid YAML" in error.message
    assert str(error).startswith(f"{lesson}:{error.line}: ")


def test_a_lesson_without_front_matter_is_refused(content):
    lesson = content / MINDSET / "06-no-front-matter.md"
    lesson.write_text("Just a body, no front matter.\n", encoding="utf-8")

    error = refused(content)

    assert (error.path, error.line) == (lesson, 1)
    assert "front matter" in error.message


def test_a_missing_required_field_is_refused_naming_the_field(content):
    lesson = content / FIRST_LESSON
    edit(lesson, 'title: "What DevOps is: culture before tools"\n', "")

    error = refused(content)

    assert error.path == lesson
    assert error.line == 1
    assert error.message == "missing required field 'title'"


def test_a_misspelt_field_is_refused_rather_than_ignored(content):
    lesson = content / FIRST_LESSON
    edit(lesson, "published: true", "publised: false")

    error = refused(content)

    assert (error.path, error.line) == (lesson, line_number(lesson, "publised:"))
    assert "unknown field 'publised'" in error.message


def test_an_unknown_prerequisite_is_refused_with_the_line_that_names_it(content):
    module = content / "03-infrastructure-as-code" / "module.yaml"
    edit(module, "prerequisites: [devops-mindset]", "prerequisites:\n  - devops-mindset\n  - kubernetes-basics")

    error = refused(content)

    assert (error.path, error.line) == (module, line_number(module, "- kubernetes-basics"))
    assert "unknown prerequisite 'kubernetes-basics'" in error.message


def test_a_duplicate_module_slug_is_refused(content):
    module = content / "03-infrastructure-as-code" / "module.yaml"
    edit(module, "slug: infrastructure-as-code", "slug: cicd-on-aws")

    error = refused(content)

    assert (error.path, error.line) == (module, 1)
    assert "duplicate module slug 'cicd-on-aws'" in error.message
    assert "02-cicd-on-aws" in error.message


def test_a_duplicate_lesson_slug_is_refused(content):
    second = content / MINDSET / "02-the-four-dora-metrics.md"
    edit(second, "slug: the-four-dora-metrics", "slug: what-devops-is")

    error = refused(content)

    assert (error.path, error.line) == (second, line_number(second, "slug: what-devops-is"))
    assert "duplicate lesson slug 'what-devops-is' (also in 01-what-devops-is.md)" in error.message


def test_a_duplicate_lesson_key_is_refused(content):
    second = content / MINDSET / "02-the-four-dora-metrics.md"
    key = re.search(r"^key: (\S+)$", second.read_text(), re.M).group(1)
    edit(second, f"key: {key}", "key: devops-culture")

    error = refused(content)

    assert (error.path, error.line) == (second, 2)
    assert "duplicate lesson key 'devops-culture'" in error.message


def test_a_prerequisite_cycle_is_refused_naming_the_file(content):
    mindset = content / MINDSET / "module.yaml"
    edit(mindset, "prerequisites: []", "prerequisites: [observability]")

    error = refused(content)

    assert error.path.name == "module.yaml"
    assert error.line == line_number(error.path, "prerequisites")
    assert "prerequisites form a cycle" in error.message
    assert "devops-mindset" in error.message and "observability" in error.message


def test_a_quiz_question_of_unknown_kind_is_refused(content):
    quiz = content / MINDSET / "quiz.yaml"
    edit(quiz, "  - key: devops-is-not-a-role\n    kind: single", "  - key: devops-is-not-a-role\n    kind: essay")

    error = refused(content)

    assert (error.path, error.line) == (quiz, line_number(quiz, "key: devops-is-not-a-role"))
    assert "question 'devops-is-not-a-role': kind must be one of" in error.message


def test_a_single_choice_question_with_two_correct_answers_is_refused(content):
    quiz = content / MINDSET / "quiz.yaml"
    text = quiz.read_text(encoding="utf-8")
    # Choice keys are stable, texts are not: turn the choice 'fine-specialist' into a second correct one
    # (a correct choice names no misconception).
    start = text.index("key: fine-specialist")
    end = text.index("- key:", start)
    choice = text[start:end].replace("correct: false", "correct: true")
    choice = "".join(line for line in choice.splitlines(keepends=True) if "misconception:" not in line)
    quiz.write_text(text[:start] + choice + text[end:], encoding="utf-8")

    error = refused(content)

    assert (error.path, error.line) == (quiz, line_number(quiz, "key: devops-is-not-a-role"))
    assert "exactly one correct choice (it has 2)" in error.message


def test_a_file_that_is_not_utf8_is_refused_with_its_line(content):
    lesson = content / FIRST_LESSON
    raw = lesson.read_bytes().replace(b"Most people", b"Most \xe9people", 1)
    lesson.write_bytes(raw)

    error = refused(content)

    assert error.path == lesson
    assert error.line == raw[: raw.index(b"\xe9")].count(b"\n") + 1
    assert "not UTF-8" in error.message


def test_a_title_longer_than_its_column_is_refused_before_the_database_sees_it(content):
    lesson = content / FIRST_LESSON
    edit(lesson, 'title: "What DevOps is: culture before tools"', "title: " + "x" * 201)

    error = refused(content)

    assert (error.path, error.line) == (lesson, line_number(lesson, "title: xxx"))
    assert "the limit is 200" in error.message


def test_the_command_reports_a_malformed_file_as_a_command_error(content):
    lesson = content / FIRST_LESSON
    edit(lesson, "order: 1\n", "order: 1: 2\n")

    with pytest.raises(CommandError, match=rf"^{re.escape(str(lesson))}:\d+: invalid YAML"):
        run(content)


# --- nothing is written when a file is malformed ---------------------------------------------------


def test_a_malformed_file_leaves_a_fresh_database_empty(content):
    edit(content / "06-best-practices-incidents" / "module.yaml", "order: 6", "order: six")

    with pytest.raises(ContentError):
        load_content(content)

    assert not LearningPath.objects.filter(slug=COPY_SLUG).exists()


def test_a_malformed_file_leaves_earlier_changes_unwritten(content):
    load_content(content)
    edit(content / FIRST_LESSON, "Most people first meet", "Most readers first meet")
    edit(content / "06-best-practices-incidents" / "module.yaml", "order: 6", "order: six")

    with pytest.raises(ContentError, match="'order' must be int"):
        load_content(content)

    lesson = Lesson.objects.get(module__path__slug=COPY_SLUG, key="devops-culture")
    assert "Most people first meet" in lesson.body_md


def test_an_error_found_while_writing_rolls_back_what_was_already_written(content):
    load_content(content)
    edit(content / FIRST_LESSON, "Most people first meet", "Most readers first meet")
    # A changed key makes a new lesson whose slug is still the old lesson's: found only while writing.
    dora = content / MINDSET / "02-the-four-dora-metrics.md"
    old_key = re.search(r"^key: (\S+)$", dora.read_text(), re.M).group(1)
    edit(dora, f"key: {old_key}", "key: renamed-key")
    edit(content / "vi" / MINDSET / dora.name, f"key: {old_key}", "key: renamed-key")  # its translation follows
    edit(content / MINDSET / "quiz.yaml", f"lesson: {old_key}", "lesson: renamed-key")  # and the pool it teaches

    error = refused(content)

    assert (error.path, error.line) == (dora, line_number(dora, "slug:"))
    assert f"already belongs to the lesson with key '{old_key}'" in error.message
    lessons = Lesson.objects.filter(module__path__slug=COPY_SLUG)
    assert "Most people first meet" in lessons.get(key="devops-culture").body_md
    assert not lessons.filter(key="renamed-key").exists()


# --- the files and the admin do not fight ---------------------------------------------------------


def test_a_lesson_edited_in_the_admin_is_skipped_and_kept(content):
    run(content)
    lesson = Lesson.objects.get(module__path__slug=COPY_SLUG, key="devops-culture")
    lesson.body_md += "\n\nAn instructor's note."
    lesson.save()  # what the admin's change form does
    edit(content / FIRST_LESSON, "Most people first meet", "Most readers first meet")

    output = run(content)

    assert (
        "  skipped: lesson 'devops-mindset/devops-culture' (01-devops-mindset/01-what-devops-is.md): "
        "edited in the admin (use --overwrite to replace it)" in output
    )
    assert f"  lessons: {expected_counts(content)['lessons'] - 1} unchanged, 1 skipped" in output
    lesson.refresh_from_db()
    assert lesson.body_md.endswith("An instructor's note.")
    assert "Most people first meet" in lesson.body_md


def test_overwrite_replaces_a_row_edited_in_the_admin(content):
    run(content)
    lesson = Lesson.objects.get(module__path__slug=COPY_SLUG, key="devops-culture")
    original = lesson.body_md
    lesson.body_md += "\n\nAn instructor's note."
    lesson.save()

    output = run(content, "--overwrite")

    assert f"  lessons: 1 updated, {expected_counts(content)['lessons'] - 1} unchanged" in output
    lesson.refresh_from_db()
    assert lesson.body_md == original
    assert "instructor's note" not in lesson.body_html
    assert "0 updated" in run(content), "after the overwrite the row is in step with its file again"


def test_a_module_whose_prerequisites_were_changed_in_the_admin_is_skipped(content):
    load_content(content)
    module = Module.objects.get(path__slug=COPY_SLUG, slug="observability")
    module.prerequisites.add(Module.objects.get(path__slug=COPY_SLUG, slug="devops-mindset"))

    report = load_content(content)

    assert report.skipped == ["module 'observability' (05-observability/module.yaml): edited in the admin"]
    assert module.prerequisites.count() == 2


def test_a_prerequisite_changed_in_the_file_updates_the_module(content):
    load_content(content)
    edit(content / "05-observability" / "module.yaml", "[containers-on-aws]", "[containers-on-aws, devops-mindset]")

    report = load_content(content)

    assert report.kinds["modules"]["updated"] == 1
    module = Module.objects.get(path__slug=COPY_SLUG, slug="observability")
    assert sorted(module.prerequisites.values_list("slug", flat=True)) == ["containers-on-aws", "devops-mindset"]
    assert load_content(content).counts["updated"] == 0


# --- learner progress and stable keys -------------------------------------------------------------


def test_reloading_never_deletes_learner_progress_even_when_the_lesson_text_changes(content, learner):
    load_content(content)
    lessons = list(Lesson.objects.filter(module__path__slug=COPY_SLUG, module__slug="devops-mindset"))
    for lesson in lessons:
        progress_services.complete_lesson(learner, lesson)
    assert ModuleProgress.objects.get(user=learner, module=lessons[0].module).lessons_completed == len(lessons)

    load_content(content)
    edit(content / FIRST_LESSON, "Most people first meet", "Most readers first meet")
    report = load_content(content)

    assert report.kinds["lessons"]["updated"] == 1
    assert LessonCompletion.objects.filter(user=learner).count() == len(lessons)
    row = ModuleProgress.objects.get(user=learner, module=lessons[0].module)
    assert row.lessons_completed == len(lessons)


def test_a_reworded_question_stays_the_same_question(content):
    load_content(content)
    question = Question.objects.get(quiz__module__path__slug=COPY_SLUG, key="devops-is-not-a-role")
    choice_ids = sorted(question.choices.values_list("pk", flat=True))
    edit(
        content / MINDSET / "quiz.yaml",
        'A company hires one "DevOps engineer"',
        'A startup hires one "DevOps engineer"',
    )

    report = load_content(content)

    assert report.kinds["questions"] == {"updated": 1, "unchanged": expected_counts(content)["questions"] - 1}
    reworded = Question.objects.get(quiz__module__path__slug=COPY_SLUG, key="devops-is-not-a-role")
    assert reworded.pk == question.pk
    assert reworded.prompt_md.startswith("A startup hires")
    assert sorted(reworded.choices.values_list("pk", flat=True)) == choice_ids


def test_a_lesson_with_a_new_slug_keeps_its_row_because_its_key_is_stable(content, learner):
    load_content(content)
    lesson = Lesson.objects.get(module__path__slug=COPY_SLUG, key="devops-culture")
    progress_services.complete_lesson(learner, lesson)
    edit(content / FIRST_LESSON, "slug: what-devops-is", "slug: devops-explained")

    load_content(content)

    lesson.refresh_from_db()
    assert lesson.slug == "devops-explained"
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()


def test_a_stored_rendering_from_an_older_renderer_is_rendered_again(content):
    load_content(content)
    lesson = Lesson.objects.get(module__path__slug=COPY_SLUG, key="devops-culture")
    Lesson.objects.filter(pk=lesson.pk).update(body_html="<p>rendered by an old version</p>", body_text="old")

    report = load_content(content)

    assert report.rerendered == 1
    assert report.counts["updated"] == 0
    assert "1 stored renderings" in report.summary()
    lesson.refresh_from_db()
    assert lesson.body_html.startswith("<p>Most people first meet DevOps")
    assert lesson.body_text.startswith("Most people first meet DevOps")
    assert not lesson.edited_since_import
