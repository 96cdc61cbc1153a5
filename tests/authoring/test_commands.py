"""The management commands: import_report, import_questions, export_questions."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from authoring.models import QuestionImport, ReportImport
from courses.models import LearningPath
from quizzes.models import Quiz

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "seeds").glob("*.txt"))


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_report_makes_a_draft_of_every_seed_and_reports_what_it_made(curriculum):
    out, _err = run("import_report", *map(str, SEEDS))
    assert ReportImport.objects.filter(path=curriculum).count() == 5
    assert out.count("(unpublished).") == 5 and "generated questions: 37 created" in out
    again, _err = run("import_report", *map(str, SEEDS))
    assert again.count("unchanged (unpublished).") == 5


def test_import_report_finds_images_next_to_the_report(curriculum, tmp_path):
    shutil.copy(SEEDS[0], tmp_path / SEEDS[0].name)
    (tmp_path / "static" / "images" / "4-Events").mkdir(parents=True)
    (tmp_path / "static" / "images" / "4-Events" / "Event4.1.jpg").write_bytes(b"\xff\xd8\xff")
    out, _err = run("import_report", str(tmp_path / SEEDS[0].name))
    assert "the image /images/4-Events/Event4.1.jpg was dropped: lessons show text only" in out
    assert "the image /images/4-Events/Event4.2.jpg was dropped: the file is not there" in out


def test_import_report_reports_bad_files_and_fails_but_imports_the_good_ones(curriculum, tmp_path):
    (tmp_path / "empty.md").write_bytes(b"")
    with pytest.raises(CommandError, match="2 of 3 file"):
        run("import_report", str(tmp_path / "empty.md"), str(tmp_path / "missing.md"), str(SEEDS[3]))
    assert list(ReportImport.objects.values_list("source_name", flat=True)) == [SEEDS[3].name]


def test_import_report_needs_to_know_the_learning_path(curriculum):
    LearningPath.objects.create(slug="other", title="Other")
    with pytest.raises(CommandError, match="--path"):
        run("import_report", str(SEEDS[0]))
    with pytest.raises(CommandError, match="No learning path has the slug “nope”"):
        run("import_report", str(SEEDS[0]), "--path", "nope")
    run("import_report", str(SEEDS[0]), "--path", "other")
    assert ReportImport.objects.get().path.slug == "other"


def test_import_and_export_questions(curriculum, tmp_path):
    module = curriculum.modules.order_by("order").first()
    target = Quiz.objects.create(module=module, key="bank", lesson=module.lessons.first(), title="Bank")
    out, _err = run("import_questions", str(DATA / "documented.gift.txt"), "--quiz", str(target.pk))
    assert "17 created" in out and "line 72: “essay” (essay) was not imported" in out
    assert QuestionImport.objects.get().created == 17
    exported = tmp_path / "bank.xml"
    _out, err = run("export_questions", str(target.pk), "--format", "moodle_xml", "-o", str(exported))
    assert exported.read_text(encoding="utf-8").count('<question type="') == 17 + 2  # and two categories
    assert err.startswith(f"Wrote {exported}.")
    _out, err = run("export_questions", module.slug, "--format", "gift", "-o", str(tmp_path / "m.gift.txt"))
    assert "approximated: cost-of-defects (ordering): no ordering question in GIFT" in err


def test_import_questions_refuses_a_broken_file_whole(curriculum, tmp_path):
    broken = tmp_path / "broken.gift"
    broken.write_text("::a:: fine {T}\n\n::b:: broken {=x ~y\n", encoding="utf-8")
    module = curriculum.modules.order_by("order").first()
    with pytest.raises(CommandError, match="line 3: the answers' opening brace"):
        run("import_questions", str(broken), "--quiz", module.slug)
    assert not QuestionImport.objects.exists()
    assert not module.quizzes.get().questions.filter(key__in=["a", "b"]).exists()
