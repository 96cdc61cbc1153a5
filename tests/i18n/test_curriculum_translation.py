"""The curriculum in Vietnamese: load_content reads fixtures/content/vi/ beside the English
(django-modeltranslation columns), idempotently, refusing what the English lacks with file:line,
counting what is not translated, and keeping translated texts edited in the admin."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from courses.importers import ContentError, load_content
from courses.models import LearningPath, Lesson, Module
from labs.models import Check, Lab
from quizzes.grading import grade
from quizzes.models import Choice, Misconception, Pool, Question, Quiz
from tests.i18n.content import small_curriculum, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path) -> Path:
    return small_curriculum(tmp_path / "content")


def run(root: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_content", "--path", str(root), *args, stdout=out)
    return out.getvalue()


def test_every_translated_text_is_stored_beside_the_english(content):
    load_content(content)

    path = LearningPath.objects.get(slug="small-path")
    module = Module.objects.get(path=path, slug="deploying")
    lesson = Lesson.objects.get(module=module, key="blue-green")
    assert (path.title_en, path.title_vi, path.summary_vi) == (
        "Small path",
        "Lộ trình nhỏ",
        "Một lộ trình để kiểm thử bản dịch.",
    )
    assert module.title_vi == "Triển khai an toàn"
    assert module.objectives_vi.splitlines() == ["Chọn một chiến lược triển khai.", "Rollback một bản phát hành lỗi."]
    assert lesson.title_vi == "Triển khai blue/green"
    assert lesson.takeaways_vi.splitlines()[1] == "Chuyển lại để rollback."
    # each rendering beside its source, in each language
    assert "<h2" in lesson.body_html_vi and "Hai môi trường" in lesson.body_html_vi
    assert "Two environments" in lesson.body_html_en and "Hai" not in lesson.body_html_en
    assert "Blue/green giữ hai môi trường" in lesson.body_text_vi
    quiz = Quiz.objects.get(module=module)
    assert quiz.title_vi == "Bài kiểm tra triển khai an toàn"
    assert Pool.objects.get(quiz=quiz, key="strategies").title_vi == "Các chiến lược"
    first = Question.objects.get(quiz=quiz, key="first-step")
    assert first.prompt_md_vi == "Canary release làm gì trước tiên?"
    assert "Canary release làm gì" in first.prompt_html_vi
    assert first.explanation_html_vi.startswith("<p>Nó gửi")
    choice = Choice.objects.get(question=first, key="b")
    assert (choice.text_vi, choice.feedback_vi) == ("Nó sao chép cơ sở dữ liệu.", "Đó là sao lưu, không phải canary.")
    rate = Question.objects.get(quiz=quiz, key="rate")
    assert rate.unit_vi == "mỗi ngày"
    # each variant's rendering in Vietnamese, with that variant's numbers
    assert "48 lần trong 12 ngày" in rate.variants_html_vi[1]["prompt_html"]
    assert "48 times in 12 days" in rate.variants_html_en[1]["prompt_html"]
    assert Misconception.objects.get(tag="i18n-canary-is-backup").description_vi.startswith("Canary là")
    lab = Lab.objects.get(module=module)
    assert (lab.title_vi, "Nhiệm vụ" in lab.instructions_html_vi) == ("Gắn tag cho image nền", True)
    check = Check.objects.get(lab=lab)
    assert (check.title_vi, check.explanation_html_vi) == (
        "Image nền có tag cố định",
        "<p>Dùng một image có phiên bản trong tag.</p>",
    )


def test_what_is_not_translated_stays_empty_and_reads_in_english(content):
    load_content(content)

    canary = Lesson.objects.get(key="canary")
    faulty = Question.objects.get(key="faulty")
    assert (canary.title_vi, canary.body_html_vi, faulty.prompt_html_vi) == ("", "", "")
    with translation.override("vi"):
        assert canary.title == "Canary releases"
        assert "A canary sends" in Lesson.objects.get(key="canary").body_html
        assert faulty.prompt_html.startswith("<p>Which line")


def test_a_second_run_changes_nothing_and_the_report_counts_what_is_missing(content):
    first = run(content)
    second = run(content)

    assert "vi: 1 lesson, 1 question not translated" in first
    assert second.startswith("Content: 0 created, 0 updated,") and " 0 skipped" in second.splitlines()[0]
    assert "re-rendered" not in second
    verbose = run(content, "--verbose")
    assert "vi: not translated: lesson 'deploying/canary'" in verbose
    assert "vi: not translated: question 'deploying/faulty'" in verbose


def test_check_reports_what_is_not_translated_without_writing(content):
    out = run(content, "--check", "--verbose")

    assert "vi: 1 lesson, 1 question not translated" in out
    assert "not translated: lesson 'deploying/canary'" in out
    assert not LearningPath.objects.filter(slug="small-path").exists()


def test_without_a_translation_folder_everything_is_reported_missing(tmp_path):
    root = small_curriculum(tmp_path / "content", vietnamese=False)

    out = run(root)

    assert "vi: 1 path, 1 module, 2 lessons, 4 questions, 1 lab, 1 misconception not translated" in out


def test_a_translation_removed_from_the_files_goes_back_to_english(content):
    load_content(content)
    (content / "vi/01-deploying/01-blue-green.md").unlink()

    load_content(content)

    lesson = Lesson.objects.get(key="blue-green")
    assert (lesson.title_vi, lesson.body_md_vi, lesson.body_html_vi) == ("", "", "")


def test_a_translation_edited_in_the_admin_is_kept(content):
    load_content(content)
    lesson = Lesson.objects.get(key="blue-green")
    lesson.title_vi = "Blue/green (sửa trong admin)"
    lesson.save()
    write(
        content,
        {
            "vi/01-deploying/01-blue-green.md": (content / "vi/01-deploying/01-blue-green.md")
            .read_text()
            .replace("title: Triển khai blue/green", "title: Triển khai blue/green mới")
        },
    )

    report = load_content(content)
    assert any("lesson 'deploying/blue-green'" in line and "edited in the admin" in line for line in report.skipped)
    assert Lesson.objects.get(key="blue-green").title_vi == "Blue/green (sửa trong admin)"

    load_content(content, overwrite=True)
    assert Lesson.objects.get(key="blue-green").title_vi == "Triển khai blue/green mới"


def test_a_row_imported_before_it_had_a_translation_is_unchanged_by_an_english_only_run(tmp_path):
    root = small_curriculum(tmp_path / "content", vietnamese=False)
    load_content(root)

    report = load_content(root)

    assert report.counts["updated"] == report.counts["skipped"] == 0


def test_an_admin_edit_made_in_vietnamese_does_not_touch_the_english(content):
    load_content(content)
    with translation.override("vi"):
        module = Module.objects.get(slug="deploying")
        module.summary = "Tóm tắt mới"
        module.save()

    module.refresh_from_db()
    assert (module.summary_en, module.summary_vi) == ("Release without fear.", "Tóm tắt mới")


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        (
            "vi/01-deploying/quiz.yaml",
            "questions:\n  - key: nope\n    prompt: x\n",
            2,
            "question 'nope' is not in the English quiz",
        ),
        (
            "vi/01-deploying/quiz.yaml",
            "questions:\n  - key: first-step\n    prompt: x\n    choices:\n      - key: z\n        text: y\n",
            5,
            "choice 'z' is not in the English question",
        ),
        ("vi/01-deploying/quiz.yaml", "title: x\npoints: 3\n", 2, "unknown field 'points'"),
        ("vi/01-deploying/quiz.yaml", "title: x\nquestions: [\n  - key: a\n", 3, "invalid YAML"),
        (
            "vi/01-deploying/module.yaml",
            "slug: deploying\ntitle: x\nobjectives:\n  - only one\n",
            3,
            "'objectives' has 1 items; the English has 2",
        ),
        (
            "vi/01-deploying/01-blue-green.md",
            "---\nkey: blue-green\ntitle: x\ntakeaways:\n  - one\n  - two\n  - three\n---\nbody\n",
            4,
            "'takeaways' has 3 items; the English has 2",
        ),
        ("vi/01-deploying/01-blue-green.md", "---\nkey: other\ntitle: x\n---\nbody\n", 2, "'key' must be the English"),
        ("vi/01-deploying/09-extra.md", "---\nkey: x\n---\nbody\n", 1, "no English lesson is called '09-extra.md'"),
        (
            "vi/01-deploying/module.yaml",
            "slug: deploying\nestimated_minutes: 5\n",
            2,
            "unknown field 'estimated_minutes'",
        ),
        (
            "vi/01-deploying/quiz.yaml",
            "questions:\n  - key: first-step\n    prompt: x\n    accept: [y]\n",
            4,
            "'accept' is for short_text questions only",
        ),
        (
            "vi/01-deploying/quiz.yaml",
            "questions:\n  - key: rate\n    prompt: Một nhóm triển khai nhiều lần.\n",
            3,
            "must keep the English placeholders",
        ),
        (
            "vi/01-deploying/labs/tagged-image/lab.yaml",
            "title: x\nchecks:\n  - key: other\n    title: y\n",
            3,
            "check 'other' is not in the English lab",
        ),
        ("vi/misconceptions.yaml", "unknown-tag: x\n", 1, "'unknown-tag' is not a tag of the English file"),
    ],
)
def test_a_translation_the_english_does_not_match_is_refused_with_its_file_and_line(content, name, text, line, message):
    write(content, {name: text})

    with pytest.raises(ContentError) as error:
        load_content(content)

    assert error.value.path == content / name
    assert error.value.line == line
    assert message in error.value.message
    assert not LearningPath.objects.filter(slug="small-path").exists()  # nothing written


def test_the_command_names_the_file_and_line_of_a_bad_translation(content):
    write(content, {"vi/01-deploying/quiz.yaml": "questions:\n  - key: nope\n"})

    with pytest.raises(CommandError, match=r"vi/01-deploying/quiz\.yaml:2: question 'nope' is not in the English"):
        run(content, "--check")


def test_short_text_answers_are_accepted_in_both_languages(content):
    load_content(content)
    question = Question.objects.get(key="strategy-name")
    choices = list(question.choices.all())

    for language in ("en", "vi"):
        with translation.override(language):
            assert grade(question, choices, {"text": "Blue/Green"}).is_correct  # the English answer
            assert grade(question, choices, {"text": "triển khai  xanh/lam"}).is_correct  # the vi accept list
            assert not grade(question, choices, {"text": "canary"}).is_correct
            matched = grade(question, choices, {"text": "canary"}).matched_choice
            assert matched is not None and matched.key == "b"  # a listed wrong answer, in either language


def test_a_new_translated_answer_regrades_the_short_text_answers_given_before(content, learner):
    from quizzes.attempts import start_attempt
    from quizzes.models import Response
    from tests.i18n.content import VIETNAMESE

    load_content(content)
    question = Question.objects.get(key="strategy-name")
    attempt = start_attempt(learner, question.quiz)
    result = grade(question, list(question.choices.all()), {"text": "xanh-lam"})
    Response.graded(attempt, question, {"text": "xanh-lam"}, result).save()
    assert not Response.objects.get(attempt=attempt, question=question).is_correct

    quiz = VIETNAMESE["vi/01-deploying/quiz.yaml"].replace(
        "      - key: b\n        feedback: Canary",
        "      - key: a\n        text: xanh-lam\n      - key: b\n        feedback: Canary",
    )
    report = load_content(write(content, {"vi/01-deploying/quiz.yaml": quiz}))

    assert Response.objects.get(attempt=attempt, question=question).is_correct
    assert any("Regraded" in line for line in report.notes)


def test_a_translated_unit_longer_than_its_column_is_refused_with_its_line(content):
    quiz = content / "vi" / "01-deploying" / "quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("unit: mỗi ngày", "unit: lần mỗi ngày làm việc"))

    with pytest.raises(ContentError) as refused:
        load_content(content)

    assert "'unit' is 21 characters long; the limit is 20" in str(refused.value)
    assert (
        f"quiz.yaml:{quiz.read_text(encoding='utf-8').splitlines().index('    unit: lần mỗi ngày làm việc') + 1}"
        in str(refused.value)
    )
