"""The report importer end to end: drafts from the five seeds, generated questions, idempotency, edits,
published content left alone, and no partial draft for bad input."""

from datetime import date
from pathlib import Path

import pytest

from authoring.models import GeneratedQuestion, ReportImport
from authoring.reports.save import ReportError, import_report
from courses.models import ContentVersion, LearningPath, Lesson, Module
from quizzes.models import Choice, Question, Quiz

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))
VIETNAMESE = "002_5a0763850c97891e.txt"
MOJIBAKE = ("√", "∆", "·∫", "ƒë", "ƒê", "≈©")


@pytest.fixture
def path(db):
    return LearningPath.objects.create(slug="drafts", title="Drafts")


def seed(name: str) -> bytes:
    return (SEEDS / name).read_bytes()


def imported(path, name, raw=None):
    return import_report(name, seed(name) if raw is None else raw, path=path)


def snapshot(module):
    """Every row of the draft, with its timestamps: equal snapshots mean nothing was written."""
    lessons = list(Lesson.objects.filter(module=module).order_by("key").values())
    questions = list(Question.objects.filter(quiz__module=module).order_by("key").values())
    choices = list(Choice.objects.filter(question__quiz__module=module).order_by("question__key", "order").values())
    module_row = Module.objects.filter(pk=module.pk).values().get()
    return module_row, lessons, questions, choices, list(ReportImport.objects.values()), ContentVersion.current()


EXPECTED_LESSONS = {
    "000_83f33fadb3f9ad17.txt": [
        "Introduction",
        "MORNING SESSION (8:30 AM – 12:00 PM): CI/CD & INFRASTRUCTURE AS CODE",
        "AFTERNOON SESSION (1:00 PM – 5:00 PM): CONTAINER, OBSERVABILITY & BEST PRACTICES",
        "Key terms",
    ],
    "001_9b594bac6f0cf922.txt": [
        "Introduction",
        "MORNING SESSION (8:30 AM – 12:00 PM): CI/CD & INFRASTRUCTURE AS CODE",
        "AFTERNOON SESSION (1:00 PM – 5:00 PM): CONTAINER, OBSERVABILITY & BEST PRACTICES",
        "DETAILED SESSION BREAKDOWN",
        "GENERAL ASSESSMENT AND APPLICATION",
        "Key terms",
    ],
    VIETNAMESE: [
        "Thông Tin Cơ Bản Về Sự Kiện",
        "Mục Đích Của Sự Kiện",
        "Chương Trình Chi Tiết",
        "Những Kiến Thức Chính Mà Tôi Thu Lĩnh",
        "Giá Trị Đạt Được",
        "Công Cụ & Công Nghệ Học Được",
        "Kết Luận",
        "Key terms",
    ],
    "003_86345d1270b2335c.txt": [
        "Introduction",
        "DevOps Mindset",
        "Infastructure as Code (IaC)",
        "Container Services on AWS",
        "Monitoring & Observability",
        "Key terms",
    ],
    # No ## headings: one lesson per ###.
    "004_7ad767eee277b520.txt": [
        "Introduction",
        "Event Objectives",
        "Speakers",
        "Key Highlights",
        "Key Takeaways",
        "Applying to Work",
        "Event Experience",
        "Key terms",
    ],
}


@pytest.mark.parametrize("name", SEED_NAMES)
def test_each_seed_becomes_an_unpublished_draft_module(path, name):
    result = imported(path, name)
    module = result.module
    assert not module.published and module.path == path
    lessons = list(module.lessons.order_by("order"))
    assert [lesson.title for lesson in lessons] == EXPECTED_LESSONS[name]
    assert not any(lesson.published for lesson in lessons)
    for lesson in lessons:  # rendered and sanitised like every lesson
        assert lesson.body_html_en and lesson.body_html_en == lesson.rendered_values()["body_html_en"]
        assert "<script" not in lesson.body_html and "<img" not in lesson.body_html
        assert lesson.sources == name
    questions = list(Question.objects.filter(quiz__module=module))
    assert questions and not any(q.published for q in questions)
    assert not Quiz.objects.get(module=module).published
    links = GeneratedQuestion.objects.filter(question__in=questions)
    assert links.count() == len(questions) and all(link.needs_review for link in links)
    assert result.record.module == module and result.record.report == result.text()


def test_parts_become_sections_of_their_lesson(path):
    module = imported(path, "000_83f33fadb3f9ad17.txt").module
    morning = module.lessons.get(order=2)
    assert morning.body_md.startswith("## 1. Welcome & DevOps Mindset (8:30 – 9:00 AM)")
    assert morning.body_md.count("\n## ") == 2  # its three ### parts, one level up under the lesson's title
    assert '<h2 id="section-2-aws-devops-services' in morning.body_html


def test_the_vietnamese_seed_comes_out_repaired(path):
    result = imported(path, VIETNAMESE)
    module = result.module
    assert module.title == 'Bài Thu Hoạch "AWS Cloud Mastery Series #2 - DevOps on AWS"'
    texts = [module.title, module.summary] + [f"{lesson.title}\n{lesson.body_md}" for lesson in module.lessons.all()]
    texts += [f"{q.prompt_md}\n{q.explanation_md}" for q in Question.objects.filter(quiz__module=module)]
    for text in texts:
        assert not any(bad in text for bad in MOJIBAKE), text[:200]
    assert "AWS Vietnam Office, Bitexco Financial Tower, Quận 1, TP. Hồ Chí Minh" in module.summary
    assert result.record.event_date == date(2025, 11, 17)  # the body's "Ngày tổ chức:", not the front matter's
    assert result.record.encoding_repair.startswith("the text was UTF-8 read as Mac OS Roman: 96 lines repaired")


def test_the_tools_table_becomes_a_matching_question_with_one_pair_per_tool(path):
    module = imported(path, VIETNAMESE).module
    question = Question.objects.get(quiz__module=module, kind="matching")
    pairs = list(question.choices.order_by("order").values_list("text", "match_text"))
    assert pairs == [
        ("AWS CodeCommit", "Source control"),
        ("AWS CodeBuild", "Build & test"),
        ("AWS CodeDeploy", "Automated deployment"),
        ("AWS CodePipeline", "CI/CD orchestration"),
        ("CloudFormation", "IaC - YAML/JSON"),
        ("AWS CDK", "IaC - Programming"),
        ("Amazon ECR", "Container registry"),
        ("Amazon ECS", "Container orchestration"),
        ("Amazon EKS", "Kubernetes orchestration"),
        ("AWS App Runner", "Simplified containers"),
        ("CloudWatch", "Monitoring & logging"),
        ("AWS X-Ray", "Distributed tracing"),
    ]
    assert question.generated.origin == "the table under “Công Cụ & Công Nghệ Học Được” (line 586)"


def test_numbered_flows_become_ordering_questions(path):
    module = imported(path, VIETNAMESE).module
    stages = Question.objects.get(quiz__module=module, key="order-pipeline-stages")
    assert stages.kind == "ordering"
    assert list(stages.choices.order_by("order").values_list("text", flat=True)) == [
        "Source",
        "Build",
        "Test",
        "Deploy",
        "Production",
    ]
    demo = Question.objects.get(quiz__module=module, key="order-demo-flow")  # a numbered list under "Demo Flow:"
    assert demo.choices.count() == 7 and demo.choices.get(order=1).text == "Developer pushes code to CodeCommit"
    module = imported(path, "003_86345d1270b2335c.txt").module
    works = Question.objects.get(quiz__module=module, key="order-how-it-works")  # "A -> B -> C" in a sentence
    assert list(works.choices.order_by("order").values_list("text", flat=True)) == [
        "Create template",
        "Store in S3 Bucket or Local storage",
        "Use CloudFormation to create Stacks based on template",
        "CloudFormation built resources",
    ]


def test_a_term_list_becomes_single_choice_questions_with_the_other_descriptions_as_distractors(path):
    module = imported(path, VIETNAMESE).module
    question = Question.objects.get(quiz__module=module, key="term-deployment-frequency")
    assert question.kind == "single" and "**Deployment Frequency**" in question.prompt_md
    assert list(question.choices.order_by("order").values_list("text", "is_correct")) == [
        ("Như nhiều lần deploy mỗi ngày/tuần", True),
        ("Time từ commit đến production", False),
        ("Thời gian fix incidents", False),
        ("% deployments gây incidents", False),
    ]


def test_the_glossary_holds_bold_terms_and_first_columns_and_the_source_note_the_facts(path):
    result = imported(path, "004_7ad767eee277b520.txt")
    terms = {entry["term"]: entry["description"] for entry in result.record.glossary}
    assert terms["CodeCommit"] == "Centralized source control (Git-based)."
    assert "DevOps Culture" in terms  # a bold term
    assert "Nguyen Tuan Huy" not in terms  # speakers are not terms
    glossary = result.module.lessons.get(key="key-terms")
    assert "- **CodeCommit**: Centralized source control (Git-based)." in glossary.body_md
    assert result.module.summary.startswith(
        "Draft made from the workshop report “004_7ad767eee277b520.txt”: Summary Report: “DevOps on AWS”; date unknown."
    )
    assert "Speakers: Nguyen Tuan Huy, Minh Hoang," in result.module.summary
    assert "> **Warning**" in result.module.lessons.get(key="introduction").body_md  # the Hugo notice


def test_importing_the_same_file_again_changes_nothing(path):
    first = imported(path, VIETNAMESE)
    before = snapshot(first.module)
    second = imported(path, VIETNAMESE)
    assert second.module == first.module and second.module_outcome == "unchanged"
    assert set(second.counts["lessons"]) == {"unchanged"} and set(second.counts["generated questions"]) == {"unchanged"}
    assert snapshot(first.module) == before
    assert Module.objects.filter(path=path).count() == 1


BASE = """---
title: "Event"
date: 2025-11-17
---
# Event report

## Pipelines

- **CodeCommit:** stores the source
- **CodeBuild:** builds and tests
- **CodeDeploy:** deploys

## Tools

| Tool | Purpose |
|---|---|
| CodeBuild | builds |
| CodeDeploy | deploys |
| CodePipeline | orchestrates |

## Flow

Source -> Build -> Test -> Deploy
"""


def test_an_edited_file_updates_the_draft(path):
    imported(path, "event.md", BASE.encode())
    edited = BASE.replace("stores the source", "stores the code").replace(
        "## Flow\n\nSource -> Build -> Test -> Deploy\n", "## Observability\n\nCloudWatch and X-Ray.\n"
    )
    result = imported(path, "event.md", edited.encode())
    module = result.module
    assert result.counts["lessons"] == {"updated": 2, "unchanged": 1, "created": 1, "removed": 1}
    assert "stores the code" in module.lessons.get(key="pipelines").body_md
    assert not module.lessons.filter(key="flow").exists()
    questions = result.counts["generated questions"]
    assert questions["removed"] == 1 and questions["updated"] == 3  # the flow's ordering; the three term questions
    assert not Question.objects.filter(quiz__module=module, kind="ordering").exists()
    assert ReportImport.objects.get().report == result.text()


def test_published_lessons_and_questions_are_never_changed_and_the_report_says_what_would_have(path):
    first = imported(path, "event.md", BASE.encode())
    lesson = first.module.lessons.get(key="pipelines")
    lesson.published = True
    lesson.save()
    matching = Question.objects.get(quiz__module=first.module, kind="matching")
    matching.published = True
    matching.save()
    Module.objects.filter(pk=first.module.pk).update(published=True)
    edited = BASE.replace("stores the source", "stores the code").replace("| orchestrates |", "| runs stages |")
    edited = edited.replace('title: "Event"', 'title: "Event"').replace("# Event report", "# Event report, revised")
    result = imported(path, "event.md", edited.encode())
    lesson.refresh_from_db()
    assert "stores the source" in lesson.body_md and lesson.published
    assert matching.choices.get(order=3).match_text == "orchestrates"
    module = Module.objects.get(pk=first.module.pk)
    assert module.title == "Event report"
    notes = " | ".join(result.notes)
    assert "the lesson “Pipelines” is published, so it was left as it is; the report would have changed" in notes
    assert "body (markdown) (2 lines differ)" in notes
    assert "the question “match-tools” is published, so it was left as it is; the report would have changed it" in notes
    assert (
        "the module “Event report” is published, so it was left as it is; the report would have changed title" in notes
    )


def test_a_lesson_edited_in_the_admin_is_kept(path):
    first = imported(path, "event.md", BASE.encode())
    lesson = first.module.lessons.get(key="tools")
    lesson.body_md += "\n\nAn instructor's note."
    lesson.save()
    result = imported(path, "event.md", BASE.replace("| builds |", "| compiles |").encode())
    lesson.refresh_from_db()
    assert lesson.body_md.endswith("An instructor's note.")
    assert any("“Tools” was edited in the admin since it was imported" in note for note in result.notes)


def test_a_generated_question_edited_since_is_kept(path):
    first = imported(path, "event.md", BASE.encode())
    question = Question.objects.get(quiz__module=first.module, key="term-codebuild")
    question.prompt_md = "Which service builds and tests the code?"
    question.save()
    result = imported(path, "event.md", BASE.replace("builds and tests", "builds, tests").encode())
    question.refresh_from_db()
    assert question.prompt_md == "Which service builds and tests the code?"
    assert any("“term-codebuild” was edited since it was generated" in note for note in result.notes)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"# Title\n\nNo lesson headings in here.",
        b"# Titre\n\n## Caf\xe9\n",
        b"---\ntitle: [broken\n---\n## Part\n",
        b"# T\n" + b"x" * (1024 * 1024 + 1),
    ],
)
def test_bad_input_leaves_no_partial_draft(path, raw):
    counts = [model.objects.count() for model in (Module, Lesson, Quiz, Question, ReportImport)]
    marker = ContentVersion.current()
    with pytest.raises(ReportError):
        import_report("bad.md", raw, path=path)
    assert [model.objects.count() for model in (Module, Lesson, Quiz, Question, ReportImport)] == counts
    assert ContentVersion.current() == marker


def test_a_failed_re_import_leaves_the_previous_draft_as_it_was(path):
    first = imported(path, "event.md", BASE.encode())
    before = snapshot(first.module)
    with pytest.raises(ReportError):
        import_report("event.md", b"no headings any more", path=path)
    assert snapshot(first.module) == before


def test_hostile_markup_in_a_report_is_sanitised(path):
    raw = (
        b"# T\n\n## Part\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        b'[click](javascript:alert(3)) <a href="javascript:alert(4)" onclick="x()">a</a>\n\n'
        b'<iframe src="https://evil.example"></iframe>'
    )
    lesson = import_report("evil.md", raw, path=path).module.lessons.get(key="part")
    for forbidden in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<img"):
        assert forbidden not in lesson.body_html.lower()


def test_two_reports_with_the_same_title_get_two_modules(path):
    a = imported(path, "000_83f33fadb3f9ad17.txt").module
    b = imported(path, "001_9b594bac6f0cf922.txt").module
    assert a.title == b.title and a.slug != b.slug
    assert b.order == a.order + 1
