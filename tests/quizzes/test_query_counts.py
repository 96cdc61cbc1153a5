"""The question page, the HTMX feedback and the result page cost the same number of queries for a
quiz of 10 questions and one of 100 (one ceiling for both sizes)."""

import pytest
from django.urls import reverse

from quizzes.attempts import close_attempt, start_attempt, submit_answer
from tests.quizzes.conftest import answer_data, build_quiz, questions_of
from tests.quizzes.test_grading import form

HTMX = {"HX-Request": "true"}
QUESTION_PAGE = 8
FEEDBACK = 18
RESULT_PAGE = 9  # the first view in a worker reads the quiz and the rendered rows' content once
RESULT_PAGE_WARM = 5  # after: session, user, content marker, attempt, closed attempts


@pytest.fixture(params=[10, 100], ids=["10-questions", "100-questions"])
def half_answered(request, learner):
    """An attempt at a quiz of every kind, with the first half of the questions answered (at most all but
    seven, so that one question of each kind is left to answer)."""
    quiz = build_quiz(count=request.param, slug=f"count-{request.param}")
    attempt = start_attempt(learner, quiz)
    questions = questions_of(attempt)
    for question in questions[: min(len(questions) // 2, len(questions) - 7)]:
        submit_answer(attempt, question, form(**answer_data(attempt, question, "partial")))
    return attempt, questions


def test_the_question_page_is_a_fixed_number_of_queries(client, learner, half_answered, django_assert_max_num_queries):
    attempt, questions = half_answered
    client.force_login(learner)
    url = reverse("quizzes:question", args=[attempt.public_id, attempt.current_position()])
    with django_assert_max_num_queries(QUESTION_PAGE):
        page = client.get(url)
    assert page.status_code == 200 and b"Check my answer" in page.content
    with django_assert_max_num_queries(QUESTION_PAGE):
        answered = client.get(reverse("quizzes:question", args=[attempt.public_id, 1]))  # an answered one
    assert b"Partly right" in answered.content or b"Not quite" in answered.content


def test_the_htmx_feedback_is_a_fixed_number_of_queries(client, learner, half_answered, django_assert_max_num_queries):
    attempt, questions = half_answered
    client.force_login(learner)
    position = attempt.current_position()  # the first unanswered question
    url = reverse("quizzes:question", args=[attempt.public_id, position])
    for kind_offset in range(7):  # one answer of each kind
        question = questions[position - 1 + kind_offset]
        url = reverse("quizzes:question", args=[attempt.public_id, position + kind_offset])
        data = answer_data(attempt, question, "right")
        with django_assert_max_num_queries(FEEDBACK):
            response = client.post(url, data, headers=HTMX)
        assert b"Correct" in response.content, question.kind
    with django_assert_max_num_queries(FEEDBACK):  # a repeat is cheaper still
        client.post(url, data, headers=HTMX)


def test_the_result_page_is_a_fixed_number_of_queries(client, learner, half_answered, django_assert_max_num_queries):
    attempt, questions = half_answered
    close_attempt(attempt)
    client.force_login(learner)
    with django_assert_max_num_queries(RESULT_PAGE):
        page = client.get(reverse("quizzes:result", args=[attempt.public_id]))
    assert page.status_code == 200
    assert page.content.count(b'class="feedback ') == len(questions)
    with django_assert_max_num_queries(RESULT_PAGE_WARM):
        again = client.get(reverse("quizzes:result", args=[attempt.public_id]))
    assert again.content.count(b'class="feedback ') == len(questions)
