"""Grading of every kind of question: pure functions over unsaved questions and choices (no database)."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from hypothesis import assume, given
from hypothesis import strategies as st

from devopslearn.lib.numbers import NumberError, parse_number
from quizzes.grading import AnswerError, correct_answer_text, grade, normalize_text, parse_answer
from quizzes.models import Choice, Question, QuestionKind


def token(role: str, pk: int) -> str:
    return f"{role}{pk}x"


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def question(kind, choices=(), **fields) -> tuple[Question, list[Choice]]:
    q = Question(pk=1, kind=kind, points=Decimal(1), **fields)
    built = [Choice(pk=pk, order=pk, **values) for pk, values in enumerate(choices, start=1)]
    return q, built


def answered(q, choices, **fields):
    return grade(q, choices, parse_answer(q, choices, form(**fields), token))


# --- choice kinds --------------------------------------------------------------------------------

SINGLE = [{"text": "Right", "is_correct": True}, {"text": "Wrong"}, {"text": "Also wrong"}]
MULTIPLE = [
    {"text": "A", "is_correct": True},
    {"text": "B", "is_correct": True},
    {"text": "C", "is_correct": True},
    {"text": "D"},
    {"text": "E"},
]


def test_single_choice_scores_one_for_the_right_choice_and_zero_otherwise():
    q, choices = question(QuestionKind.SINGLE, SINGLE)
    assert answered(q, choices, answer="c1x").fraction == 1
    assert answered(q, choices, answer="c2x").fraction == 0
    assert answered(q, choices, answer="c1x").is_correct


def test_single_choice_stores_the_choice_id_not_the_token():
    q, choices = question(QuestionKind.SINGLE, SINGLE)
    assert parse_answer(q, choices, form(answer="c2x"), token) == {"choices": [2]}


def test_true_false_is_graded_like_a_single_choice():
    q, choices = question(QuestionKind.TRUE_FALSE, [{"text": "True"}, {"text": "False", "is_correct": True}])
    assert answered(q, choices, answer="c2x").fraction == 1
    assert answered(q, choices, answer="c1x").fraction == 0


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        (["c1x", "c2x", "c3x"], "1"),  # every correct one
        (["c1x"], "0.333333"),  # one share of three
        (["c1x", "c2x"], "0.666667"),
        (["c1x", "c2x", "c3x", "c4x"], "0.666667"),  # a wrong pick takes a share away
        (["c1x", "c4x"], "0"),
        (["c1x", "c4x", "c5x"], "0"),  # never below zero
        (["c4x", "c5x"], "0"),
        (["c1x", "c1x"], "0.333333"),  # the same choice twice counts once
    ],
)
def test_multiple_choice_earns_a_share_per_right_pick_loses_one_per_wrong_pick_and_never_goes_below_zero(
    picked, expected
):
    q, choices = question(QuestionKind.MULTIPLE, MULTIPLE)
    result = answered(q, choices, answer=picked)
    assert result.fraction == Decimal(expected)
    assert result.fraction >= 0
    assert result.is_correct == (expected == "1")


def test_choosing_nothing_is_a_form_error_not_a_zero():
    q, choices = question(QuestionKind.MULTIPLE, MULTIPLE)
    with pytest.raises(AnswerError, match="at least one"):
        parse_answer(q, choices, form(), token)
    q, choices = question(QuestionKind.SINGLE, SINGLE)
    with pytest.raises(AnswerError, match="Choose an answer"):
        parse_answer(q, choices, form(answer=""), token)


@pytest.mark.parametrize("value", ["c9x", "1", "c1", "c1x\x00", "x" * 1_000_000])
def test_an_unknown_choice_token_is_a_form_error(value):
    q, choices = question(QuestionKind.MULTIPLE, MULTIPLE)
    with pytest.raises(AnswerError):
        parse_answer(q, choices, form(answer=["c1x", value]), token)


# --- ordering ------------------------------------------------------------------------------------

STAGES = [{"text": "Source"}, {"text": "Build"}, {"text": "Test"}, {"text": "Deploy"}]


def positions(*order: int) -> dict:
    """position-<token of choice pk> = its position, for choices given in the learner's order."""
    return {f"position-o{pk}x": str(n) for n, pk in enumerate(order, start=1)}


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ((1, 2, 3, 4), "1"),
        ((1, 3, 2, 4), "0.5"),  # two of four in place
        ((2, 1, 3, 4), "0.5"),
        ((1, 2, 4, 3), "0.5"),
        ((4, 3, 2, 1), "0"),
        ((2, 3, 4, 1), "0"),  # right sequence shifted: no item in its place
    ],
)
def test_ordering_earns_a_share_for_each_item_in_its_place(order, expected):
    q, choices = question(QuestionKind.ORDERING, STAGES)
    result = answered(q, choices, **positions(*order))
    assert result.fraction == Decimal(expected)
    assert result.answer_text == " → ".join(STAGES[pk - 1]["text"] for pk in order)


def test_the_right_order_is_the_order_field_not_the_choice_id():
    q, choices = question(QuestionKind.ORDERING, STAGES)
    for choice, order in zip(choices, (2, 1, 3, 4), strict=True):
        choice.order = order
    assert answered(q, choices, **positions(2, 1, 3, 4)).fraction == 1
    assert correct_answer_text(q, choices) == "Build → Source → Test → Deploy"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"position-o1x": "1", "position-o2x": "2", "position-o3x": "3"}, "every item"),
        ({"position-o1x": "1", "position-o2x": "1", "position-o3x": "3", "position-o4x": "4"}, "different"),
        ({"position-o1x": "0", "position-o2x": "2", "position-o3x": "3", "position-o4x": "4"}, "from 1 to 4"),
        ({"position-o1x": "5", "position-o2x": "2", "position-o3x": "3", "position-o4x": "4"}, "from 1 to 4"),
        ({"position-o1x": "one", "position-o2x": "2", "position-o3x": "3", "position-o4x": "4"}, "every item"),
        ({"position-o1x": "9" * 100_000, "position-o2x": "2", "position-o3x": "3", "position-o4x": "4"}, "item"),
        ({"position-o1x": "1\x00", "position-o2x": "2", "position-o3x": "3", "position-o4x": "4"}, "every item"),
    ],
)
def test_incomplete_or_impossible_orders_are_form_errors(fields, message):
    q, choices = question(QuestionKind.ORDERING, STAGES)
    with pytest.raises(AnswerError, match=message):
        parse_answer(q, choices, form(**fields), token)


# --- matching ------------------------------------------------------------------------------------

PAIRS = [
    {"text": "CodeCommit", "match_text": "stores code"},
    {"text": "CodeBuild", "match_text": "builds"},
    {"text": "CodeDeploy", "match_text": "deploys"},
]


def matches(*targets: int) -> dict:
    """match-<item token> = <option token>: item pk i paired with the match of choice ``targets[i-1]``."""
    return {f"match-i{pk}x": f"m{target}x" for pk, target in enumerate(targets, start=1)}


@pytest.mark.parametrize(
    ("targets", "expected"),
    [((1, 2, 3), "1"), ((1, 3, 2), "0.333333"), ((2, 1, 3), "0.333333"), ((2, 3, 1), "0"), ((1, 1, 1), "0.333333")],
)
def test_matching_earns_a_share_for_each_right_pair(targets, expected):
    q, choices = question(QuestionKind.MATCHING, PAIRS)
    assert answered(q, choices, **matches(*targets)).fraction == Decimal(expected)


def test_matching_answer_text_and_right_answer_read_as_pairs():
    q, choices = question(QuestionKind.MATCHING, PAIRS)
    assert answered(q, choices, **matches(2, 1, 3)).answer_text == (
        "CodeCommit = builds; CodeBuild = stores code; CodeDeploy = deploys"
    )
    assert correct_answer_text(q, choices) == "CodeCommit = stores code; CodeBuild = builds; CodeDeploy = deploys"


def test_a_missing_or_foreign_match_is_a_form_error():
    q, choices = question(QuestionKind.MATCHING, PAIRS)
    with pytest.raises(AnswerError, match="every item"):
        parse_answer(q, choices, form(**{"match-i1x": "m1x", "match-i2x": "m2x"}), token)
    with pytest.raises(AnswerError, match="not part of this question"):
        parse_answer(q, choices, form(**matches(1, 2, 9)), token)
    with pytest.raises(AnswerError, match="not part of this question"):  # an item token is not an option token
        parse_answer(q, choices, form(**{**matches(1, 2, 3), "match-i3x": "i3x"}), token)


# --- numeric -------------------------------------------------------------------------------------


def numeric(answer="12.5", tolerance="0.5", unit="%"):
    return question(
        QuestionKind.NUMERIC,
        numeric_answer=Decimal(answer),
        tolerance=None if tolerance is None else Decimal(tolerance),
        unit=unit,
    )


@pytest.mark.parametrize(
    ("given", "right"),
    [
        ("12.5", True),
        ("12.5 %", True),  # with the unit
        ("12.5%", True),
        (" 13 ", True),  # on the edge of the tolerance
        ("12", True),
        ("13.000001", False),  # just outside
        ("11.999999", False),
        ("−12.5", False),  # a Unicode minus sign is a minus
        ("１２.５", True),  # full-width digits
        ("12,500", False),  # twelve thousand five hundred: never 12.5
    ],
)
def test_numeric_answers_are_right_within_the_tolerance(given, right):
    q, choices = numeric()
    assert answered(q, choices, answer=given).is_correct is right


def test_numeric_without_tolerance_needs_the_exact_value():
    q, choices = numeric(answer="9", tolerance=None, unit="h")
    assert answered(q, choices, answer="9 h").is_correct
    assert answered(q, choices, answer="9H").is_correct
    assert not answered(q, choices, answer="9.01").is_correct
    assert correct_answer_text(q, choices) == "9\u00a0h"  # a no-break space: the unit never wraps away


def test_numeric_right_answer_reads_with_unit_and_tolerance():
    q, choices = numeric()
    assert correct_answer_text(q, choices) == "12.5% (± 0.5)"


@pytest.mark.parametrize(
    "given",
    [
        "",
        "   ",
        "twelve",
        "12.5.1",
        "1 2.5",
        "1e1",
        "0.125e2",
        "NaN",
        "nan",
        "sNaN",
        "inf",
        "Infinity",
        "-Infinity",
        "1e15",
        "1e400",
        "9" * 41,
        "1" * 1_000_000,
        "12\x005",
        "%",
    ],
)
def test_non_numbers_and_absurd_numbers_are_form_errors(given):
    q, choices = numeric()
    with pytest.raises(AnswerError, match="Enter a number"):
        parse_answer(q, choices, form(answer=given), token)


@pytest.mark.parametrize("given", ["1" + "0" * 38 + "x", "1e-999999999", "-1E-99999"])
def test_exponents_are_refused_quickly(given):
    """A 12-character exponent must not become a billion-digit answer text: it is not a number as English writes it."""
    q, choices = numeric()
    with pytest.raises(AnswerError, match="Enter a number"):
        parse_answer(q, choices, form(answer=given), token)


@pytest.mark.parametrize("given", ["0.00000000000000000001", "-0.0000001"])
def test_tiny_numbers_are_read_at_six_decimal_places(given):
    q, choices = numeric()
    result = answered(q, choices, answer=given)
    assert result.fraction == 0
    assert result.answer_text == "0"


def test_numeric_answer_text_is_the_plain_number():
    q, choices = numeric()
    assert answered(q, choices, answer="12.50").answer_text == "12.5"
    assert parse_answer(q, choices, form(answer="12.50 %"), token) == {"number": "12.5"}
    assert parse_answer(q, choices, form(answer="1,234,567.5"), token) == {"number": "1234567.5"}


@pytest.mark.parametrize("given", ["10,000", "1,000", "2,400"])
def test_a_thousands_separator_is_read_as_thousands_and_graded_wrong_for_ten(given):
    """Issue 12: `10,000` was graded Correct for an answer of 10 %, `1,000` read as 1."""
    q, choices = numeric(answer="10", tolerance="0", unit="%")
    result = answered(q, choices, answer=given)
    assert not result.is_correct
    assert result.answer_text == given.replace(",", "")


@pytest.mark.parametrize("given", ["1,5", "12,50", "0,25", "1,5000", "1.000,5", "12,5 %"])
def test_an_ambiguous_separator_is_refused_with_the_rule_not_guessed(given):
    q, choices = numeric()
    with pytest.raises(AnswerError) as refused:
        parse_answer(q, choices, form(answer=given), token)
    assert "can be read two ways" in str(refused.value)
    assert "“.” (1.5)" in str(refused.value) and "(2,400)" in str(refused.value)


# --- short text ----------------------------------------------------------------------------------

ACCEPTED = [
    {"text": "buildspec.yml", "is_correct": True},
    {"text": "buildspec.yaml", "is_correct": True},
    {"text": "appspec.yml", "feedback": "That is CodeDeploy's file."},
]


@pytest.mark.parametrize(
    ("given", "right"),
    [
        ("buildspec.yml", True),
        ("BuildSpec.YML", True),
        ("  buildspec.yml  ", True),
        ("build spec . yml", True),  # spaces do not count
        ("ｂｕｉｌｄｓｐｅｃ．ｙｍｌ", True),  # full-width letters (NFKC)
        ("BUILDSPEC.YAML", True),  # any accepted answer
        ("buildspec.ym", False),
        ("appspec.yml", False),  # a listed wrong answer
        ("buildspec_yml", False),
    ],
)
def test_short_text_is_compared_ignoring_case_spaces_and_unicode_forms(given, right):
    q, choices = question(QuestionKind.SHORT_TEXT, ACCEPTED)
    assert answered(q, choices, answer=given).is_correct is right


def test_a_short_answer_is_shown_as_its_first_accepted_answer_and_the_variants_also_accepted():
    q, choices = question(QuestionKind.SHORT_TEXT, ACCEPTED)
    assert correct_answer_text(q, choices) == "buildspec.yml (also accepted: buildspec.yaml)"
    q, choices = question(QuestionKind.SHORT_TEXT, ACCEPTED[:1] + ACCEPTED[2:])
    assert correct_answer_text(q, choices) == "buildspec.yml"


def test_a_listed_wrong_short_answer_is_recognised_for_its_feedback():
    q, choices = question(QuestionKind.SHORT_TEXT, ACCEPTED)
    result = answered(q, choices, answer="AppSpec.yml")
    assert result.matched_choice is choices[2]
    assert not result.is_correct


@pytest.mark.parametrize(("given", "message"), [("", "Type your answer"), (" \x00 ", "Type"), ("x" * 201, "under")])
def test_empty_or_overlong_short_text_is_a_form_error(given, message):
    q, choices = question(QuestionKind.SHORT_TEXT, ACCEPTED)
    with pytest.raises(AnswerError, match=message):
        parse_answer(q, choices, form(answer=given), token)


def test_a_megabyte_of_short_text_is_a_form_error():
    q, choices = question(QuestionKind.SHORT_TEXT, ACCEPTED)
    with pytest.raises(AnswerError):
        parse_answer(q, choices, form(answer="a" * 1_000_000), token)


def test_nul_bytes_never_reach_a_stored_short_answer():
    q, choices = question(QuestionKind.SHORT_TEXT, ACCEPTED)
    assert parse_answer(q, choices, form(answer="build\x00spec.yml"), token) == {"text": "buildspec.yml"}


# --- properties ----------------------------------------------------------------------------------

SIX_PLACES = st.decimals(
    min_value=Decimal("-999999999"), max_value=Decimal("999999999"), places=6, allow_nan=False, allow_infinity=False
)


@given(SIX_PLACES, st.booleans(), st.sampled_from(["", " ", "  "]), st.sampled_from(["", "%", " %"]))
def test_any_number_written_with_or_without_thousands_separators_and_the_unit_reads_back_exactly(
    value, grouped, pad, unit
):
    text = f"{value:,f}" if grouped else format(value, "f")
    assert parse_number(f"{pad}{text}{unit}{pad}", unit="%", language="en") == value


@given(st.text(max_size=60))
def test_any_text_either_reads_as_a_bounded_finite_number_or_is_a_form_error(text):
    try:
        value = parse_number(text, unit="h", language="en")
    except NumberError:
        return
    assert value.is_finite()
    assert abs(value) < Decimal("1e15")
    assert value == value.quantize(Decimal("0.000001"))


@given(SIX_PLACES, st.decimals(min_value=0, max_value=1000, places=6), SIX_PLACES)
def test_a_numeric_answer_is_right_exactly_when_it_is_within_the_tolerance(answer, tolerance, given_value):
    q, choices = question(QuestionKind.NUMERIC, numeric_answer=answer, tolerance=tolerance)
    result = grade(q, choices, {"number": str(given_value)})
    assert result.is_correct is (abs(given_value - answer) <= tolerance)


@given(SIX_PLACES, st.decimals(min_value=0, max_value=1000, places=6))
def test_the_edges_of_the_tolerance_are_right(answer, tolerance):
    q, choices = question(QuestionKind.NUMERIC, numeric_answer=answer, tolerance=tolerance)
    assert grade(q, choices, {"number": str(answer + tolerance)}).is_correct
    assert grade(q, choices, {"number": str(answer - tolerance)}).is_correct


@given(st.text())
def test_text_normalisation_is_idempotent_and_leaves_no_space(text):
    once = normalize_text(text)
    assert normalize_text(once) == once  # "U¯" once failed this: NFKC again after removing spaces
    assert not any(ch.isspace() for ch in once)


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=40))
def test_text_normalisation_ignores_ascii_case_and_every_space(text):
    assert normalize_text(text.upper()) == normalize_text(text.lower()) == normalize_text(" ".join(text))


@given(
    st.text(alphabet=st.characters(categories=["Ll", "Lu", "Nd", "Po"]), min_size=1, max_size=30),
    st.lists(st.sampled_from([" ", "  ", "\t", "\u00a0", "\u3000"]), max_size=5),
    st.randoms(use_true_random=False),
)
def test_an_accepted_answer_typed_in_any_case_with_any_spacing_is_right(accepted, spaces, rnd):
    assume(normalize_text(accepted))
    typed = list(accepted.swapcase() if rnd.random() < 0.5 else accepted.upper())
    for space in spaces:
        typed.insert(rnd.randint(0, len(typed)), space)
    typed_text = "".join(typed)
    assume(len(" ".join(typed_text.split())) <= 200)
    q, choices = question(QuestionKind.SHORT_TEXT, [{"text": accepted, "is_correct": True}])
    assume(normalize_text(typed_text) == normalize_text(accepted))  # casefold of some letters is not reversible
    assert answered(q, choices, answer=typed_text).is_correct


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd"]), min_size=1, max_size=20))
def test_compatibility_forms_match_their_plain_letters(text):
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)
    assert normalize_text(fullwidth) == normalize_text(text)


# --- find the faulty line ------------------------------------------------------------------------

LOG = [
    "[Container] Running command npm ci",
    "npm WARN deprecated inflight",
    "BUILD State: SUCCEEDED",
    "upload failed: (AccessDenied)",
    "POST_BUILD State: FAILED",
    "",
]


def faulty_line(correct_lines, select_count=1, lines=LOG):
    rows = [{"text": text, "is_correct": n in correct_lines} for n, text in enumerate(lines, start=1)]
    return question(QuestionKind.FAULTY_LINE, rows, select_count=select_count, artifact="\n".join(lines))


def lines_answer(choices, numbers):
    return form(answer=[token("c", choices[n - 1].pk) for n in numbers])


@pytest.mark.parametrize(("picked", "expected"), [(4, 1), (2, 0), (5, 0), (6, 0)])
def test_with_select_one_only_the_faulty_line_earns_the_points(picked, expected):
    q, choices = faulty_line({4})
    result = grade(q, choices, parse_answer(q, choices, lines_answer(choices, [picked]), token))
    assert result.fraction == expected
    assert result.selected_ids == [choices[picked - 1].pk]


@pytest.mark.parametrize(
    ("picked", "expected"),
    [([2], "0.5"), ([2, 4], "1"), ([4, 2], "1"), ([2, 5], "0"), ([2, 4, 5], "0.5"), ([1, 3, 5], "0"), ([4], "0.5")],
)
def test_with_select_several_each_faulty_line_earns_a_share_and_each_other_line_removes_one(picked, expected):
    q, choices = faulty_line({2, 4}, select_count=3)
    result = grade(q, choices, parse_answer(q, choices, lines_answer(choices, picked), token))
    assert result.fraction == Decimal(expected)


def test_a_faulty_line_answer_reads_as_line_numbers_in_line_order():
    q, choices = faulty_line({2, 4}, select_count=2)
    result = grade(q, choices, parse_answer(q, choices, lines_answer(choices, [4, 2]), token))
    assert result.answer_text == "line 2: npm WARN deprecated inflight; line 4: upload failed: (AccessDenied)"
    assert correct_answer_text(q, choices) == result.answer_text


@pytest.mark.parametrize(
    ("select_count", "picked", "message"),
    [(1, [], "Select a line."), (2, [], "Select at least one line."), (2, [1, 2, 3], "Select at most 2 lines.")],
)
def test_selecting_no_line_or_too_many_is_a_form_error(select_count, picked, message):
    q, choices = faulty_line({4}, select_count=select_count)
    with pytest.raises(AnswerError, match=message):
        parse_answer(q, choices, lines_answer(choices, picked), token)


def test_a_line_token_of_another_question_is_a_form_error():
    q, choices = faulty_line({4})
    with pytest.raises(AnswerError, match="not part of this question"):
        parse_answer(q, choices, form(answer="c99x"), token)


def test_with_select_one_a_forged_second_line_is_never_added():
    """A radio group posts one value; of a forged pair only one line is read, as for a single choice."""
    q, choices = faulty_line({4})
    data = lines_answer(choices, [2, 4])
    assert len(grade(q, choices, parse_answer(q, choices, data, token)).selected_ids) == 1


@st.composite
def faulty_line_questions(draw):
    size = draw(st.integers(min_value=2, max_value=30))
    correct = draw(st.sets(st.integers(min_value=1, max_value=size), min_size=1, max_size=size))
    select_count = draw(st.integers(min_value=len(correct), max_value=size))
    picked = draw(st.sets(st.integers(min_value=1, max_value=size), min_size=1, max_size=select_count))
    return correct, select_count, picked, [f"line {n}" for n in range(1, size + 1)]


@given(faulty_line_questions())
def test_faulty_line_grading_is_the_share_formula_within_zero_and_one(case):
    correct, select_count, picked, lines = case
    q, choices = faulty_line(correct, select_count, lines)
    result = grade(q, choices, parse_answer(q, choices, lines_answer(choices, sorted(picked)), token))
    hits, misses = len(picked & correct), len(picked - correct)
    if select_count == 1:
        expected = Decimal(picked == correct)
    else:
        expected = max(Decimal(0), (Decimal(hits - misses) / len(correct)).quantize(Decimal("0.000001")))
    assert result.fraction == expected
    assert 0 <= result.fraction <= 1
    assert result.is_correct is (picked == correct)


@given(faulty_line_questions(), st.data())
def test_selecting_one_more_wrong_line_never_raises_the_score_and_a_faulty_one_never_lowers_it(case, data):
    correct, select_count, picked, lines = case
    q, choices = faulty_line(correct, select_count, lines)
    unpicked = sorted(set(range(1, len(lines) + 1)) - picked)
    assume(unpicked)
    extra = data.draw(st.sampled_from(unpicked))
    q.select_count = len(lines)  # room for one more line
    before = grade(q, choices, {"choices": [choices[n - 1].pk for n in picked]}).fraction
    after = grade(q, choices, {"choices": [choices[n - 1].pk for n in picked | {extra}]}).fraction
    if len(lines) > 1 and q.selects_several:
        assert (after >= before) if extra in correct else (after <= before)
