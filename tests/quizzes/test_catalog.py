"""The quiz pages show questions from each worker's content cache: an edit shows on the next
request, grading uses the edited choices, and a request never changes what another one sees."""

import pytest
from django.urls import reverse

from courses.catalog import current_marker
from quizzes import catalog
from quizzes.attempts import start_attempt
from quizzes.models import Choice, Question, QuestionKind
from tests.quizzes.conftest import answer_data, build_quiz, questions_of

pytestmark = pytest.mark.django_db


def test_an_edited_prompt_and_choice_show_on_the_next_request(client, learner):
    quiz = build_quiz(kinds=[QuestionKind.SINGLE])
    attempt = start_attempt(learner, quiz)
    client.force_login(learner)
    url = reverse("quizzes:question", args=[attempt.public_id, 1])
    assert "Prompt of" in client.get(url).content.decode()
    question = questions_of(attempt)[0]
    question.prompt_md = "Which service *builds* the code?"
    question.save()
    Choice.objects.filter(question=question, is_correct=False).update(text="A renamed wrong option")
    html = client.get(url).content.decode()
    assert "<em>builds</em>" in html and "A renamed wrong option" in html


def test_grading_follows_a_changed_answer_key(client, learner):
    quiz = build_quiz(kinds=[QuestionKind.SINGLE])
    attempt = start_attempt(learner, quiz)
    client.force_login(learner)
    question = questions_of(attempt)[0]
    url = reverse("quizzes:question", args=[attempt.public_id, 1])
    client.get(url)  # the worker now holds the question
    right = answer_data(attempt, question, "right")
    # The instructor swaps the answer key before the learner answers: the old right choice is wrong now.
    old_right = question.choices.get(is_correct=True)
    new_right = question.choices.exclude(pk=old_right.pk).first()
    old_right.is_correct = False
    old_right.save()
    new_right.is_correct = True
    new_right.save()
    client.post(url, right)
    assert attempt.responses.get().is_correct is False


def test_cached_questions_are_copies_with_their_choices(learner):
    quiz = build_quiz(kinds=[QuestionKind.MULTIPLE])
    question = Question.objects.get(quiz=quiz)
    marker = current_marker()
    first = catalog.question(question.pk, marker)
    choices = list(first.choices.all())
    assert [c.pk for c in choices] == list(question.choices.values_list("pk", flat=True))
    choices[0].text = "changed by one request"
    first.prompt_html = "changed"
    again = catalog.question(question.pk, marker)
    assert again.prompt_html == question.prompt_html
    assert "changed by one request" not in [c.text for c in again.choices.all()]
    assert catalog.question(999999, marker) is None and catalog.quiz(999999, marker) is None
