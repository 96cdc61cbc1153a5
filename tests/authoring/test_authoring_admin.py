"""The instructors' admin pages: "Import a report", "Import questions", the export actions."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authoring.models import GeneratedQuestion, QuestionImport, ReportImport
from courses.models import LearningPath, Module
from quizzes.models import Choice, Question, Quiz
from tests.factories import make_user

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
REPORT_PAGE = "admin:authoring_reportimport_import"
QUESTIONS_PAGE = "admin:authoring_questionimport_import"


def upload(name: str, content: bytes, content_type="text/markdown"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def path(db):
    return LearningPath.objects.create(slug="drafts", title="Drafts")


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def quiz(path):
    module = Module.objects.create(path=path, slug="bank", title="Bank")
    module.lessons.create(key="l", slug="l", title="L", body_md="Text.")
    return Quiz.objects.create(module=module, title="Question bank")


def test_the_report_page_is_a_labelled_upload_form(instructor_client, path):
    html = instructor_client.get(reverse(REPORT_PAGE)).content.decode()
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert '<label for="id_files" class="required">Report files</label>' in html
    assert 'type="file" name="files" multiple' in html
    assert '<label for="id_path" class="required">Learning path</label>' in html


def test_an_instructor_uploads_several_reports_and_gets_drafts(instructor_client, instructor, path):
    files = [
        upload(name, (SEEDS / name).read_bytes()) for name in ("002_5a0763850c97891e.txt", "004_7ad767eee277b520.txt")
    ]
    response = instructor_client.post(reverse(REPORT_PAGE), {"files": files, "path": path.pk})
    assert response.status_code == 200
    html = response.content.decode()
    records = ReportImport.objects.order_by("source_name")
    assert [r.source_name for r in records] == ["002_5a0763850c97891e.txt", "004_7ad767eee277b520.txt"]
    assert all(r.imported_by == instructor and not r.module.published for r in records)
    for record in records:
        assert reverse("admin:courses_module_change", args=[record.module_id]) in html
    assert "96 lines repaired" in html
    assert "Thông Tin Cơ Bản Về Sự Kiện" in records[0].module.lessons.order_by("order").first().title


def test_a_bad_file_is_reported_and_the_good_ones_still_import(instructor_client, path):
    files = [upload("notes.md", b"No headings here at all."), upload("photo.png", b"\x89PNG\r\n\x1a\n\x00")]
    files.append(upload("ok.md", b"# Ok\n\n## Part\n\nText."))
    html = instructor_client.post(reverse(REPORT_PAGE), {"files": files, "path": path.pk}).content.decode()
    assert "notes.md has no ## or ### headings" in html and "photo.png is a PNG image, not a text report." in html
    assert list(ReportImport.objects.values_list("source_name", flat=True)) == ["ok.md"]


def test_a_report_over_1_mb_is_a_form_error(instructor_client, path):
    big = upload("big.md", b"# Big\n\n## Part\n\n" + b"x" * (1024 * 1024))
    response = instructor_client.post(reverse(REPORT_PAGE), {"files": [big], "path": path.pk})
    assert response.status_code == 200
    assert "These files are over 1 MB, the limit for a report: big.md" in response.content.decode()
    assert not ReportImport.objects.exists()


def test_at_most_ten_reports_at_a_time(instructor_client, path):
    files = [upload(f"r{n}.md", b"# R\n\n## Part\n\nText.") for n in range(11)]
    html = instructor_client.post(reverse(REPORT_PAGE), {"files": files, "path": path.pk}).content.decode()
    assert "Upload at most 10 reports at a time." in html
    assert not ReportImport.objects.exists()


def test_the_upload_needs_its_csrf_token(client, instructor, path):
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(instructor)
    response = client.post(reverse(REPORT_PAGE), {"files": [upload("r.md", b"# R\n\n## P\n\nx")], "path": path.pk})
    assert response.status_code == 403
    assert not ReportImport.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "learner", "staff_without_permissions"])
def test_only_instructors_may_import(client, path, quiz, who):
    if who == "learner":
        client.force_login(make_user("learner9"))
    elif who == "staff_without_permissions":
        client.force_login(make_user("staff9", is_staff=True))
    report = client.post(reverse(REPORT_PAGE), {"files": [upload("r.md", b"# R\n\n## P\n\nx")], "path": path.pk})
    bank = client.post(reverse(QUESTIONS_PAGE), {"quiz": quiz.pk, "file": upload("b.gift", b"::q:: Q? {T}")})
    expected = 403 if who == "staff_without_permissions" else 302
    assert (report.status_code, bank.status_code) == (expected, expected)
    assert not ReportImport.objects.exists() and not quiz.questions.exists()


def test_the_import_record_shows_the_report_and_the_questions_to_review(instructor_client, path):
    instructor_client.post(
        reverse(REPORT_PAGE),
        {"files": [upload("v.md", (SEEDS / "002_5a0763850c97891e.txt").read_bytes())], "path": path.pk},
    )
    record = ReportImport.objects.get()
    html = instructor_client.get(reverse("admin:authoring_reportimport_change", args=[record.pk])).content.decode()
    assert "generated questions: 37 created" in html and "match-cong-cu-cong-nghe-hoc-duoc" in html
    changelist = instructor_client.get(reverse("admin:authoring_reportimport_changelist")).content.decode()
    assert reverse(REPORT_PAGE) in changelist and ">37<" in changelist  # generated, needs review


def test_generated_questions_are_marked_reviewed_with_an_action(instructor_client, path):
    instructor_client.post(
        reverse(REPORT_PAGE), {"files": [upload("r.md", b"# R\n\n## P\n\nA -> B -> C")], "path": path.pk}
    )
    link = GeneratedQuestion.objects.get()
    response = instructor_client.post(
        reverse("admin:authoring_generatedquestion_changelist"),
        {"action": "mark_reviewed", "_selected_action": [link.pk]},
        follow=True,
    )
    assert "1 question marked as reviewed." in response.content.decode()
    link.refresh_from_db()
    assert not link.needs_review


# --- question banks ------------------------------------------------------------------------------------


def test_an_instructor_imports_a_gift_file_into_a_quiz(instructor_client, instructor, quiz):
    gift = upload("documented.gift.txt", (DATA / "documented.gift.txt").read_bytes(), "text/plain")
    response = instructor_client.post(reverse(QUESTIONS_PAGE), {"quiz": quiz.pk, "file": gift})
    html = response.content.decode()
    assert response.status_code == 200
    assert "17 created" in html
    assert "line 72: “essay” (essay) was not imported" in html and "line 52: “weights-partial”" in html
    assert quiz.questions.count() == 17 and not quiz.questions.filter(published=True).exists()
    record = QuestionImport.objects.get()
    assert (record.created, record.skipped, record.file_format, record.imported_by) == (17, 3, "gift", instructor)
    assert set(quiz.pools.values_list("title", flat=True)) == {"Pipelines", "Markup and escapes"}


def test_moodle_xml_is_told_from_the_file_and_can_be_published_at_once(instructor_client, quiz):
    xml = upload("bank.xml", (DATA / "documented.moodle.xml").read_bytes(), "application/xml")
    instructor_client.post(reverse(QUESTIONS_PAGE), {"quiz": quiz.pk, "file": xml, "publish": "on"})
    assert quiz.questions.filter(published=True).count() == 9
    assert QuestionImport.objects.get().file_format == "moodle_xml"


def test_every_question_can_go_into_one_pool(instructor_client, quiz):
    gift = upload("documented.gift.txt", (DATA / "documented.gift.txt").read_bytes(), "text/plain")
    instructor_client.post(reverse(QUESTIONS_PAGE), {"quiz": quiz.pk, "file": gift, "pool": "Imported from Moodle"})
    (pool,) = quiz.pools.all()
    assert (pool.title, pool.key, pool.questions.count()) == ("Imported from Moodle", "imported-from-moodle", 17)


def test_a_file_with_a_syntax_error_imports_nothing(instructor_client, quiz):
    broken = upload("broken.gift", b"::a:: fine {T}\n\n::b:: broken {=x ~y\n")
    html = instructor_client.post(reverse(QUESTIONS_PAGE), {"quiz": quiz.pk, "file": broken}).content.decode()
    assert "The file has errors, so nothing was imported." in html and "line 3:" in html
    assert not quiz.questions.exists() and not QuestionImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "The submitted file is empty."),
        (b"x" * (2 * 1024 * 1024 + 1), "The file is over 2 MB"),
        (b"::q:: Caf\xe9? {T}", "not UTF-8 text (line 1)"),
        (b"\x00\x01binary", "a binary file"),
    ],
)
def test_bad_question_files_get_a_clear_message(instructor_client, quiz, content, words):
    html = instructor_client.post(
        reverse(QUESTIONS_PAGE), {"quiz": quiz.pk, "file": upload("bank.gift", content)}
    ).content.decode()
    assert words in html
    assert not quiz.questions.exists()


def test_the_quiz_list_links_to_the_import_and_offers_the_exports(instructor_client, quiz):
    html = instructor_client.get(reverse("admin:quizzes_quiz_changelist")).content.decode()
    assert reverse(QUESTIONS_PAGE) in html
    for action in ("export_gift", "export_moodle_xml", "import_into_quiz"):
        assert f'value="{action}"' in html
    response = instructor_client.post(
        reverse("admin:quizzes_quiz_changelist"), {"action": "import_into_quiz", "_selected_action": [quiz.pk]}
    )
    assert response.url == reverse(QUESTIONS_PAGE) + f"?quiz={quiz.pk}"
    assert reverse(REPORT_PAGE) in instructor_client.get(reverse("admin:courses_module_changelist")).content.decode()


def add_questions(quiz, count):
    for n in range(count):
        question = Question.objects.create(
            published=True,
            quiz=quiz,
            key=f"q{n}",
            kind="single",
            prompt_md=f"Question {n}?",
            explanation_md="Because.",
            order=n,
        )
        Choice.objects.create(question=question, key="a", text="Right", is_correct=True, order=1)
        Choice.objects.create(question=question, key="b", text="Wrong", order=2, feedback="No.")


@pytest.mark.parametrize("file_format", ["gift", "moodle_xml"])
@pytest.mark.parametrize("size", [3, 30])
def test_exporting_a_quiz_downloads_a_file_in_a_fixed_number_of_queries(
    instructor_client, quiz, django_assert_max_num_queries, file_format, size
):
    add_questions(quiz, size)
    with django_assert_max_num_queries(16):  # the same at 3 and 30 questions
        response = instructor_client.post(
            reverse("admin:quizzes_quiz_changelist"),
            {"action": f"export_{file_format}", "_selected_action": [quiz.pk]},
        )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="question-bank.')
    body = response.content.decode()
    assert body.count("Question ") == size if file_format == "gift" else body.count("<questiontext") == size


def test_an_export_imports_back_into_an_empty_quiz_through_the_pages(instructor_client, quiz):
    add_questions(quiz, 3)
    Question.objects.filter(key="q1").update(points=Decimal(3))
    exported = instructor_client.post(
        reverse("admin:quizzes_quiz_changelist"), {"action": "export_gift", "_selected_action": [quiz.pk]}
    ).content
    empty = Quiz.objects.create(module=quiz.module, key="copy", lesson=quiz.module.lessons.first(), title="Copy")
    instructor_client.post(reverse(QUESTIONS_PAGE), {"quiz": empty.pk, "file": upload("q.gift.txt", exported)})
    assert list(empty.questions.order_by("order").values_list("key", "points")) == [
        ("q0", Decimal(1)),
        ("q1", Decimal(3)),
        ("q2", Decimal(1)),
    ]


@pytest.mark.parametrize("reports", [1, 8])
def test_the_pages_take_a_fixed_number_of_queries(
    instructor_client, path, quiz, reports, django_assert_max_num_queries
):
    from authoring.reports.save import import_report

    for n in range(reports):
        import_report(f"r{n}.md", b"# R\n\n## P\n\nA -> B -> C", path=path)
        QuestionImport.objects.create(quiz=quiz, source_name=f"b{n}.gift", file_format="gift")
    record = ReportImport.objects.first()
    pages = {
        reverse(REPORT_PAGE): 6,
        reverse(QUESTIONS_PAGE): 5,
        reverse("admin:authoring_reportimport_changelist"): 7,
        reverse("admin:authoring_reportimport_change", args=[record.pk]): 11,
        reverse("admin:authoring_generatedquestion_changelist"): 8,
        reverse("admin:authoring_questionimport_changelist"): 7,
    }
    for url, ceiling in pages.items():
        with django_assert_max_num_queries(ceiling, info=url):
            assert instructor_client.get(url).status_code == 200
