"""Moodle XML: every documented question type, categories, unsupported types, unsafe files."""

from decimal import Decimal
from pathlib import Path

import pytest

from authoring.interchange import moodle_xml
from authoring.interchange.store import bank_questions, import_bank
from quizzes.models import Question, Quiz

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def documented():
    bank = moodle_xml.read((DATA / "documented.moodle.xml").read_bytes())
    return bank, {q.key: q for q in bank.questions}


def choices(question):
    return [(c.text, c.correct, c.feedback) for c in question.choices]


def test_the_documented_file_reads_without_errors(documented):
    bank, by_key = documented
    assert bank.errors == []
    assert set(by_key) == {
        "single-choice",
        "multiple-exact",
        "multiple-weighted",
        "true-false",
        "short-answer",
        "numeric",
        "matching",
        "ordering",
        "hostile",
    }


def test_multichoice_single_with_html_answers_feedback_and_mark(documented):
    _bank, by_key = documented
    question = by_key["single-choice"]
    assert question.kind == "single"
    assert question.points == Decimal(2)
    assert question.prompt == "<p>Which service collects <strong>metrics</strong> and alarms?</p>"
    assert question.explanation == "<p>CloudWatch holds metrics, logs and alarms.</p>"
    assert choices(question) == [
        ("CloudWatch", True, "Right."),  # answers and feedback are plain text here: the markup is removed
        ("X-Ray", False, "X-Ray traces requests."),
        ("CloudTrail", False, "CloudTrail records API calls."),
    ]


def test_multichoice_weights(documented):
    bank, by_key = documented
    assert choices(by_key["multiple-exact"]) == [
        ("Metrics", True, ""),
        ("Traces", True, ""),
        ("Invoices", False, "Not a signal."),
    ]
    assert not [w for w in bank.warnings if w.name == "multiple-exact"]
    assert [c.correct for c in by_key["multiple-weighted"].choices] == [True, True, False]
    (warning,) = [w for w in bank.warnings if w.name == "multiple-weighted"]
    assert "70%, 30%, 0%" in warning.message and warning.line == 29


def test_true_false_short_answer_and_numeric(documented):
    _bank, by_key = documented
    assert choices(by_key["true-false"]) == [
        ("True", True, "Yes, segment by segment."),
        ("False", False, "It does: that is what a trace is for."),
    ]
    assert choices(by_key["short-answer"]) == [
        ("Logs Insights", True, "Right."),
        ("CloudWatch Logs Insights", True, ""),
        ("Athena", False, "Athena queries S3."),
    ]
    numeric = by_key["numeric"]
    assert (numeric.answer, numeric.tolerance, numeric.unit) == (Decimal("43.2"), Decimal("0.5"), "min")


def test_matching_drops_a_distractor_with_a_warning_and_ordering_follows_positions(documented):
    bank, by_key = documented
    assert [(c.text, c.match) for c in by_key["matching"].choices] == [
        ("Metric", "how much, over time"),
        ("Log", "what happened, event by event"),
        ("Trace", "where a request spent its time"),
    ]
    assert any("who paid for it" in w.message for w in bank.warnings if w.name == "matching")
    assert [c.text for c in by_key["ordering"].choices] == ["Detect", "Mitigate", "Write the postmortem"]


def test_categories_become_pools(documented):
    _bank, by_key = documented
    assert by_key["single-choice"].pool == "Observability"
    assert by_key["matching"].pool == "Tracing"  # $course$/top/Observability/Tracing


def test_unsupported_types_are_listed_by_name_and_line(documented):
    bank, _by_key = documented
    assert [(s.name, s.kind, s.line) for s in bank.skipped] == [
        ("essay", "essay", 86),
        ("cloze", "cloze", 92),
        ("description", "description", 97),
    ]


def test_hostile_html_is_neutralised(documented, curriculum):
    bank, _by_key = documented
    module = curriculum.modules.order_by("order").first()
    quiz = Quiz.objects.create(module=module, key="imported", lesson=module.lessons.first(), title="Imported")
    import_bank(bank, quiz)
    question = Question.objects.get(quiz=quiz, key="hostile")
    rendered = question.prompt_html + question.explanation_html
    for forbidden in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style", "<img", "alert(document"):
        assert forbidden not in rendered.lower()
    assert "Safe?" in question.prompt_html and "<b>bold</b>" in question.explanation_html
    assert [(c.text, c.feedback) for c in question.choices.order_by("order")] == [("Yes", "fine"), ("No", "")]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>', "DTD"),
        (b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "file:///etc/passwd"><quiz/>', "DTD"),
        (b"<quiz>\n<question type='truefalse'>\n<name><text>x</text></name>\n</quiz>", "line 4"),
        (b"<questions><question type='truefalse'/></questions>", "not a Moodle XML question file"),
    ],
)
def test_unsafe_or_broken_files_are_refused_whole(content, words):
    bank = moodle_xml.read(content)
    assert bank.questions == [] and len(bank.errors) == 1 and words in bank.errors[0]


def test_an_exported_xml_file_keeps_points_units_and_ordering_natively(curriculum):
    quiz = Quiz.objects.filter(module__path=curriculum, questions__kind="ordering").first()
    exported = moodle_xml.write(bank_questions(quiz))
    assert '<question type="ordering">' in exported.content
    assert "<gradingtype>ABSOLUTE_POSITION</gradingtype>" in exported.content
    # Only kinds Moodle lacks (faulty lines, numeric variants) are approximated, never an ordering question.
    ordering = {question.key for question in quiz.questions.filter(kind="ordering")}
    assert ordering and not [line for line in exported.approximations if line.split(" ")[0] in ordering]
