"""Feedback you can scan: after a choice question every choice is marked once (chosen and right,
chosen and wrong, right but missed) with a sign and words; ordering and matching get one table and
no run-on sentence; nothing is written three times; a matching question lists its options in full,
lettered, beside the menus."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape, strip_tags

from quizzes.attempts import close_attempt, start_attempt
from quizzes.models import QuestionKind
from tests.quizzes.conftest import answer_data, build_quiz, questions_of

HTMX = {"HX-Request": "true"}


@pytest.fixture
def attempt(client, learner, mixed_quiz):
    client.force_login(learner)
    return start_attempt(learner, mixed_quiz)


def answer(client, attempt, kind, how):
    position, question = next((n, q) for n, q in enumerate(questions_of(attempt), start=1) if q.kind == kind)
    url = reverse("quizzes:question", args=[attempt.public_id, position])
    fragment = client.post(url, answer_data(attempt, question, how), headers=HTMX).content.decode()
    return question, fragment


def marks(fragment: str) -> dict[str, str]:
    """{choice text: its mark's words} of the marked choices in a feedback fragment."""
    found = {}
    for item in re.findall(r'<li class="choice-mark[^"]*">(.*?)</li>', fragment, re.S):
        text = strip_tags(re.search(r'<span class="choice-text">(.*?)</span>', item, re.S).group(1)).strip()
        label = re.search(r'<span class="mark-label[^"]*">(.*?)</span>', item, re.S)
        found[text] = label.group(1).strip() if label else ""
    return found


def test_a_partly_right_multiple_choice_marks_every_choice_with_words(client, attempt):
    question, fragment = answer(client, attempt, QuestionKind.MULTIPLE, "partial")  # one of two right ones
    key = question.key
    assert marks(fragment) == {
        f"{key} good one": "Your choice: right",
        f"{key} good two": "Right, not chosen",
        f"{key} bad one": "",
        f"{key} bad two": "",
    }
    assert "✓" in fragment and "→" in fragment and "✗" not in fragment


def test_a_wrong_single_choice_says_which_was_chosen_and_which_was_right_once_each(client, attempt):
    question, fragment = answer(client, attempt, QuestionKind.SINGLE, "wrong")
    key = question.key
    assert marks(fragment) == {
        f"{key} right option": "Right, not chosen",
        f"{key} wrong option A": "Your choice: wrong",
        f"{key} wrong option B": "",
    }
    assert escape(f"{key}: A is a silo.") in fragment  # the chosen wrong choice's feedback
    assert escape(f"{key}: B is too slow.") not in fragment  # not chosen: not explained
    text = strip_tags(fragment)
    for choice in question.choices.all():  # each choice once: no "Your answer" and "The right answer" besides
        assert text.count(choice.text) == 1, choice.text
    assert "The right answer" not in fragment and "<dl>" not in fragment


def test_true_false_is_marked_like_the_other_choices(client, attempt):
    _question, fragment = answer(client, attempt, QuestionKind.TRUE_FALSE, "right")
    assert marks(fragment) == {"True": "Your choice: right", "False": ""}


@pytest.mark.parametrize(
    ("kind", "first_column"), [(QuestionKind.ORDERING, "Position"), (QuestionKind.MATCHING, "Item")]
)
def test_ordering_and_matching_feedback_is_one_table_with_each_text_once(client, attempt, kind, first_column):
    question, fragment = answer(client, attempt, kind, "partial")
    assert fragment.count("<table") == 1 and "<dl>" not in fragment  # no run-on sentence above the table
    # Table roles spelled out: on a phone the rows are stacked (display: grid), which drops a table's
    # implicit roles in some browsers; the column headers stay headers for a screen reader.
    assert f'<th scope="col" role="columnheader">{first_column}</th>' in fragment
    rows = re.findall(r"<tr role=\"row\"><th scope=\"row\" role=\"rowheader\">.*?</tr>", fragment, re.S)
    assert len(rows) == question.choices.count()
    right_rows = [row for row in rows if "mark-label mark-right" in row]
    wrong_rows = [row for row in rows if "mark-label mark-wrong" in row]
    assert right_rows and wrong_rows and len(right_rows) + len(wrong_rows) == len(rows)
    assert all("the same" in row for row in right_rows)  # the right answer is not written twice
    assert all("the same" not in row for row in wrong_rows)


def test_the_faulty_line_feedback_marks_the_lines_without_a_sentence_repeating_them(client, attempt):
    question, fragment = answer(client, attempt, QuestionKind.FAULTY_LINE, "wrong")
    assert "<dl>" not in fragment
    faulty = question.choices.get(is_correct=True)
    assert strip_tags(fragment).count(faulty.text) == 1


@pytest.mark.parametrize(("kind", "how"), [(QuestionKind.NUMERIC, "wrong"), (QuestionKind.SHORT_TEXT, "wrong")])
def test_a_typed_answer_keeps_your_answer_and_the_right_answer_in_words(client, attempt, kind, how):
    _question, fragment = answer(client, attempt, kind, how)
    assert "Your answer" in fragment and "The right answer" in fragment


def test_unanswered_choices_show_the_right_ones_as_the_right_answer(client, learner):
    quiz = build_quiz(kinds=[QuestionKind.SINGLE], slug="blank")
    attempt = close_attempt(start_attempt(learner, quiz))
    client.force_login(learner)
    page = client.get(reverse("quizzes:result", args=[attempt.public_id])).content.decode()
    assert "Not answered" in page
    assert marks(page) == {
        "q1-single right option": "The right answer",
        "q1-single wrong option A": "",
        "q1-single wrong option B": "",
    }


def test_a_matching_question_lists_its_options_in_full_with_letters_used_by_the_menus(client, attempt):
    position, question = next(
        (n, q) for n, q in enumerate(questions_of(attempt), start=1) if q.kind == QuestionKind.MATCHING
    )
    page = client.get(reverse("quizzes:question", args=[attempt.public_id, position])).content.decode()
    listed = re.findall(r'<li><span class="option-letter">([A-Z]+)</span> <span>(.*?)</span></li>', page)
    assert sorted(text for _, text in listed) == sorted(escape(c.match_text) for c in question.choices.all())
    assert [letter for letter, _ in listed] == ["A", "B", "C"]
    for letter, text in listed:  # every menu offers each option by its letter and its whole text
        assert page.count(f">{letter}. {text}</option>") == question.choices.count()
