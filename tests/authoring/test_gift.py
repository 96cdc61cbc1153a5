"""GIFT: every construct of Moodle's documented syntax, escapes, unsupported kinds, errors."""

from decimal import Decimal
from pathlib import Path

import pytest

from authoring.interchange import gift
from authoring.interchange.bank import BankChoice, BankQuestion

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def documented():
    bank = gift.read((DATA / "documented.gift.txt").read_text(encoding="utf-8"))
    return bank, {q.key: q for q in bank.questions}


def choices(question):
    return [(c.text, c.correct, c.feedback) for c in question.choices]


def test_the_documented_file_reads_without_errors(documented):
    bank, _by_key = documented
    assert bank.errors == []
    assert len(bank.questions) == 17


def test_title_right_wrong_answers_feedback_and_general_feedback(documented):
    _bank, by_key = documented
    question = by_key["single-choice"]
    assert question.kind == "single"
    assert question.prompt == "Which AWS service runs the build and test stage of a pipeline?"
    assert choices(question) == [
        ("CodeBuild", True, "Right: CodeBuild compiles, tests and packages."),
        ("CodeDeploy", False, "CodeDeploy deploys what the build produced."),
        ("CodeCommit", False, "CodeCommit stores the source."),
    ]
    assert question.explanation == "CodeBuild runs the commands of a buildspec in a managed container."
    assert question.line == 6


def test_answers_inside_the_sentence_leave_a_blank(documented):
    _bank, by_key = documented
    question = by_key["missing-word"]
    assert question.prompt == (
        "A deployment that sends 10 % of the traffic to the new version first is a _____ deployment."
    )
    assert [c.text for c in question.choices if c.correct] == ["canary"]


@pytest.mark.parametrize(
    ("key", "right", "true_feedback", "false_feedback"),
    [
        ("true-short", True, "", ""),
        ("false-short", False, "", ""),
        # {FALSE#wrong#right}: the first feedback is for a wrong answer (True), the second for the right one.
        ("true-long", False, "No: it only reports the drift.", "Right: it reports, you decide."),
        ("html-format", True, "", ""),
    ],
)
def test_true_false_in_every_spelling(documented, key, right, true_feedback, false_feedback):
    _bank, by_key = documented
    question = by_key[key]
    assert question.kind == "true_false"
    assert choices(question) == [("True", right, true_feedback), ("False", not right, false_feedback)]


def test_short_answer_with_a_listed_wrong_answer_at_zero_percent(documented):
    _bank, by_key = documented
    assert choices(by_key["short-answer"]) == [
        ("buildspec.yml", True, "Right."),
        ("buildspec.yaml", False, "Only buildspec.yml is read unless the project names another file."),
    ]


def test_matching_pairs_with_the_arrow(documented):
    _bank, by_key = documented
    question = by_key["matching"]
    assert question.kind == "matching"
    assert [(c.text, c.match) for c in question.choices] == [
        ("CodeCommit", "stores the source"),
        ("CodeBuild", "builds and tests"),
        ("CodeDeploy", "deploys the build"),
    ]
    assert question.explanation == "Source, build, deploy."


@pytest.mark.parametrize(
    ("key", "answer", "tolerance"),
    [
        ("numeric-tolerance", "4", "0"),
        ("numeric-range", "0.3", "0.2"),  # {#0.1..0.5}: the middle, and half the width
        ("numeric-margin", "3", "2"),  # {#3:2}
        ("numeric-several", "2015", "0"),
    ],
)
def test_numeric_answers_with_tolerances_and_ranges(documented, key, answer, tolerance):
    _bank, by_key = documented
    question = by_key[key]
    assert question.kind == "numeric"
    assert (question.answer, question.tolerance) == (Decimal(answer), Decimal(tolerance))


def test_weights_our_rule_can_express_import_without_a_warning(documented):
    bank, by_key = documented
    question = by_key["weights-exact"]
    assert question.kind == "multiple"
    assert [c.correct for c in question.choices] == [True, True, False, False]
    assert question.choices[2].feedback == "Output volume is not a DORA metric."
    assert not [w for w in bank.warnings if w.name == "weights-exact"]


def test_weights_our_rule_cannot_express_import_with_a_warning(documented):
    bank, by_key = documented
    assert [c.correct for c in by_key["weights-partial"].choices] == [True, True, True, False]
    (warning,) = [w for w in bank.warnings if w.name == "weights-partial"]
    assert warning.line == 52
    assert "50%, 30%, 20%, -100%" in warning.message and "cannot be represented" in warning.message


def test_extra_numeric_answers_are_listed_not_dropped_silently(documented):
    bank, _by_key = documented
    messages = [w.message for w in bank.warnings if w.name == "numeric-several"]
    assert any("2015 ± 1 (50%)" in m and "Close." in m for m in messages)
    assert any("any other answer" in m and "No." in m for m in messages)


def test_escaped_special_characters_stay_characters(documented):
    _bank, by_key = documented
    question = by_key["escapes-colons"]
    assert question.prompt == (
        "Escaped characters: a tilde ~, an equals sign =, a hash #, braces { and } and a colon: all stay."
    )
    assert choices(question) == [("a = b", True, "It is {literal}."), ("a ~ b", False, "")]


def test_new_line_escape_and_formats(documented):
    _bank, by_key = documented
    assert by_key["new-line"].prompt == "The first line.\nThe **second** line."
    assert by_key["html-format"].prompt == "<p>Is <b>YAML</b> a superset of JSON?</p>"
    assert by_key["plain-format"].prompt == "Is &lt;b&gt; a tag here?"  # plain text: the tag stays text


def test_categories_become_pools(documented):
    _bank, by_key = documented
    assert by_key["single-choice"].pool == "Pipelines"
    assert by_key["new-line"].pool == "Markup and escapes"


def test_unsupported_kinds_are_listed_by_name_and_line(documented):
    bank, _by_key = documented
    assert [(s.name, s.kind, s.line) for s in bank.skipped] == [
        ("essay", "essay", 72),
        ("This line is a description: text without answers.", "description", 74),
        ("two-right-answers", "multichoice", 76),
    ]
    assert "exactly one answer worth 100%" in bank.skipped[2].reason


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("::a:: first {=x ~y}\n\n::b:: second {=x ~y\n", 3, "never closed"),
        ("::a:: first {=x ~y}\n\n\n::b:: stray } brace {=x ~y}", 4, "closing brace"),
        ("::a:: two {=x ~y} blocks {=z ~w}", 1, "second opening brace"),
    ],
)
def test_syntax_errors_name_their_line_and_import_nothing(text, line, words):
    bank = gift.read(text)
    assert len(bank.errors) == 1
    assert bank.errors[0].startswith(f"line {line}:") and words in bank.errors[0]


def test_comments_crlf_and_a_byte_order_mark_are_read():
    bank = gift.read("\ufeff// comment\r\n::q:: Works? {T}\r\n\r\n// only a comment\r\n")
    assert bank.errors == [] and [q.key for q in bank.questions] == ["q"]


def test_an_untitled_question_gets_a_key_from_its_text():
    bank = gift.read("Is CodeBuild managed? {T}\n\nIs CodeBuild managed? {F}")
    assert [q.key for q in bank.questions] == ["is-codebuild-managed", "is-codebuild-managed-2"]


def test_written_gift_escapes_what_it_must():
    question = BankQuestion(
        key="q",
        kind="single",
        prompt="Is a = b {really}? Use \\ and #tags: ~always~",
        choices=[BankChoice("x = 1", True, "yes: #1"), BankChoice("x ~ 2")],
    )
    text = gift.write([question]).content
    assert "Is a \\= b \\{really\\}? Use \\\\ and \\#tags\\: \\~always\\~" in text
    (back,) = gift.read(text).questions
    assert back.same_content(question)
