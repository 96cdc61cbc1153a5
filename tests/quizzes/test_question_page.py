"""The question page and its HTMX fragment: one question per page, a form that works without
JavaScript, select menus for ordering and matching, the scoring rule of multiple choice in words,
and after answering the verdict, the points, the explanation and the chosen choices' feedback."""

import pytest
from django.urls import reverse

from quizzes.attempts import start_attempt
from quizzes.models import QuestionKind
from tests.quizzes.conftest import answer_data, questions_of

HTMX = {"HX-Request": "true"}


def position_of(attempt, kind) -> int:
    return next(i for i, q in enumerate(questions_of(attempt), start=1) if q.kind == kind)


@pytest.fixture
def attempt(client, learner, mixed_quiz):
    client.force_login(learner)
    return start_attempt(learner, mixed_quiz)


def test_the_page_shows_one_question_with_its_kind_and_points_and_a_plain_form(client, attempt):
    url = reverse("quizzes:question", args=[attempt.public_id, 1])
    page = client.get(url).content.decode()
    question = questions_of(attempt)[0]
    assert question.prompt_html in page
    assert "Question 1 of 8 · Single choice · 1 point" in page
    assert f'<form method="post" action="{url}" hx-post="{url}"' in page  # works without htmx too
    assert "Skip for now" in page
    for other in questions_of(attempt)[1:]:
        assert other.prompt_html not in page


def test_the_fragment_is_the_answer_panel_alone(client, attempt):
    url = reverse("quizzes:question", args=[attempt.public_id, 1])
    fragment = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in fragment and "Check my answer" in fragment
    assert questions_of(attempt)[0].prompt_html not in fragment


def test_multiple_choice_says_how_it_is_scored(client, attempt):
    url = reverse("quizzes:question", args=[attempt.public_id, position_of(attempt, QuestionKind.MULTIPLE)])
    page = client.get(url).content.decode()
    assert "Each correct choice you pick earns an equal share of the points" in page
    assert "each wrong pick takes one share away. The score never goes below zero." in page
    assert page.count('type="checkbox" name="answer"') == 4


@pytest.mark.parametrize(("kind", "name"), [(QuestionKind.ORDERING, "position-"), (QuestionKind.MATCHING, "match-")])
def test_ordering_and_matching_use_labelled_select_menus(client, attempt, kind, name):
    """Usable with a keyboard and on a phone: one labelled <select> per item, no drag and drop needed."""
    question = next(q for q in questions_of(attempt) if q.kind == kind)
    page = client.get(reverse("quizzes:question", args=[attempt.public_id, position_of(attempt, kind)])).content
    page = page.decode()
    assert page.count("<select ") == question.choices.count()
    assert page.count(f'name="{name}') == question.choices.count()
    assert page.count("<label for=") >= question.choices.count()
    assert "draggable" not in page


def test_after_answering_the_feedback_shows_verdict_points_explanation_and_choice_feedback(client, attempt):
    position = position_of(attempt, QuestionKind.MULTIPLE)
    question = questions_of(attempt)[position - 1]
    url = reverse("quizzes:question", args=[attempt.public_id, position])
    fragment = client.post(url, answer_data(attempt, question, "wrong"), headers=HTMX).content.decode()
    assert "Not quite" in fragment and "0 of 1 point" in fragment
    assert question.explanation_html in fragment
    for choice in question.choices.filter(is_correct=False):
        assert choice.feedback in fragment
    assert "Right, not chosen" in fragment  # each right choice, marked
    assert "Next question" in fragment and "Finish and see my result" in fragment
    assert (
        'hx-swap-oob="true"' in fragment and "(answered: wrong)" in fragment and "1 of 8 answered" in fragment
    )  # the question list follows


def test_a_partial_answer_says_partly_right_with_its_share_of_the_points(client, attempt):
    position = position_of(attempt, QuestionKind.ORDERING)
    question = questions_of(attempt)[position - 1]
    url = reverse("quizzes:question", args=[attempt.public_id, position])
    fragment = client.post(url, answer_data(attempt, question, "partial"), headers=HTMX).content.decode()
    assert "Partly right" in fragment and "0.50 of 1 point" in fragment


def test_the_last_question_offers_to_finish_and_counts_the_unanswered(client, attempt):
    question = questions_of(attempt)[-1]
    url = reverse("quizzes:question", args=[attempt.public_id, 8])
    fragment = client.post(url, answer_data(attempt, question), headers=HTMX).content.decode()
    assert "Correct" in fragment
    assert "Go to unanswered question 1" in fragment
    assert "You answered 1 of 8 questions; unanswered ones score 0 when you finish." in fragment
