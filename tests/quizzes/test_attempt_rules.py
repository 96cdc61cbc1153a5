"""Attempt rules: one open attempt per learner and quiz ("Start" resumes it), the attempt limit with
extra attempts granted by staff, and only closed attempts counting toward it."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse

from quizzes.attempts import AttemptRefused, attempts_left, close_attempt, start_attempt
from quizzes.models import Attempt, AttemptAllowance, Quiz
from tests.quizzes.conftest import answer_data, build_quiz, questions_of

USED_ALL = "You have used all your attempts"
WHO_HELPS = "An instructor can grant you an extra attempt."  # no cohort: no lead to name


def start(client, quiz):
    return client.post(reverse("quizzes:start", args=[quiz.pk]))


def test_start_opens_the_first_question_and_pressing_it_again_resumes_the_same_attempt(client, learner, mixed_quiz):
    client.force_login(learner)
    response = start(client, mixed_quiz)
    attempt = Attempt.objects.get(user=learner, quiz=mixed_quiz)
    assert response.url == reverse("quizzes:question", args=[attempt.public_id, 1])
    client.post(response.url, answer_data(attempt, questions_of(attempt)[0]))

    again = start(client, mixed_quiz)

    assert Attempt.objects.filter(user=learner, quiz=mixed_quiz).count() == 1
    assert again.url == reverse("quizzes:question", args=[attempt.public_id, 2])  # the first unanswered one
    assert b"Resume my attempt" in client.get(mixed_quiz.get_absolute_url()).content


def test_the_database_allows_one_open_attempt_per_learner_and_quiz(learner, mixed_quiz):
    start_attempt(learner, mixed_quiz)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(user=learner, quiz=mixed_quiz, number=2)


def test_a_new_attempt_after_closing_gets_the_next_number(learner, mixed_quiz):
    first = close_attempt(start_attempt(learner, mixed_quiz))
    second = start_attempt(learner, mixed_quiz)
    assert (first.number, second.number) == (1, 2)
    assert second.pk != first.pk and second.is_open


def test_starting_with_a_get_request_is_refused(client, learner, mixed_quiz):
    client.force_login(learner)
    assert client.get(reverse("quizzes:start", args=[mixed_quiz.pk])).status_code == 405
    assert not Attempt.objects.exists()


@pytest.fixture
def two_attempt_quiz(db):
    return build_quiz(max_attempts=2, slug="limited")


def test_after_the_last_attempt_start_is_refused_and_the_page_names_who_can_help(client, learner, two_attempt_quiz):
    client.force_login(learner)
    for _ in range(2):
        close_attempt(start_attempt(learner, two_attempt_quiz))

    response = start(client, two_attempt_quiz)

    assert response.url == two_attempt_quiz.get_absolute_url()
    message = [str(m) for m in get_messages(response.wsgi_request)][0]
    assert USED_ALL in message and WHO_HELPS in message
    assert Attempt.objects.filter(user=learner).count() == 2
    page = client.get(two_attempt_quiz.get_absolute_url()).content.decode()
    assert USED_ALL in page and WHO_HELPS in page
    assert "Start the quiz" not in page and "Try again" not in page
    with pytest.raises(AttemptRefused):
        start_attempt(learner, two_attempt_quiz)


def test_only_closed_attempts_count_toward_the_limit(learner, two_attempt_quiz):
    attempt = start_attempt(learner, two_attempt_quiz)
    assert attempts_left(learner, two_attempt_quiz) == 2
    close_attempt(attempt)
    assert attempts_left(learner, two_attempt_quiz) == 1
    assert start_attempt(learner, two_attempt_quiz).number == 2  # the last one
    assert attempts_left(learner, two_attempt_quiz) == 1


def test_an_extra_attempt_granted_by_staff_lets_the_learner_start_again(client, learner, instructor, two_attempt_quiz):
    for _ in range(2):
        close_attempt(start_attempt(learner, two_attempt_quiz))
    AttemptAllowance.objects.create(quiz=two_attempt_quiz, user=learner, extra_attempts=1, granted_by=instructor)
    client.force_login(learner)
    assert b"1 attempt left." in client.get(two_attempt_quiz.get_absolute_url()).content

    response = start(client, two_attempt_quiz)

    attempt = Attempt.objects.get(user=learner, submitted_at__isnull=True)
    assert attempt.number == 3
    assert response.url == reverse("quizzes:question", args=[attempt.public_id, 1])
    close_attempt(attempt)
    assert attempts_left(learner, two_attempt_quiz) == 0


def test_an_extra_attempt_for_one_learner_does_not_help_another(learner, other_learner, two_attempt_quiz):
    AttemptAllowance.objects.create(quiz=two_attempt_quiz, user=other_learner, extra_attempts=3)
    assert two_attempt_quiz.attempts_allowed_for(learner) == 2
    assert two_attempt_quiz.attempts_allowed_for(other_learner) == 5


def test_staff_grant_an_extra_attempt_in_the_admin(client, learner, instructor, two_attempt_quiz):
    client.force_login(instructor)
    response = client.post(
        reverse("admin:quizzes_attemptallowance_add"),
        {
            "quiz": two_attempt_quiz.pk,
            "user": learner.pk,
            "extra_attempts": 1,
            "extra_minutes": 0,
            "reason": "Was ill on exam day",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    allowance = AttemptAllowance.objects.get()
    assert (allowance.user, allowance.granted_by, allowance.extra_attempts) == (learner, instructor, 1)


def test_an_expired_open_attempt_is_closed_and_counted_when_the_learner_starts_again(learner):
    import time_machine

    quiz = build_quiz(max_attempts=1, time_limit_minutes=5, slug="timed-limit")
    with time_machine.travel("2026-03-02 09:00Z", tick=False):
        attempt = start_attempt(learner, quiz)
    with time_machine.travel("2026-03-02 10:00Z", tick=False), pytest.raises(AttemptRefused, match="used all"):
        start_attempt(learner, quiz)
    attempt.refresh_from_db()
    assert attempt.timed_out and not attempt.is_open


def test_an_unpublished_quiz_is_not_found(client, learner, mixed_quiz):
    Quiz.objects.filter(pk=mixed_quiz.pk).update(published=False)
    client.force_login(learner)
    assert client.get(mixed_quiz.get_absolute_url()).status_code == 404
    assert start(client, mixed_quiz).status_code == 404


def test_the_quiz_of_a_locked_module_cannot_be_started(client, learner, curriculum):
    quiz = Quiz.objects.get(module__path=curriculum, module__slug="cicd-on-aws", lesson__isnull=True)
    client.force_login(learner)
    assert b"This quiz is locked." in client.get(quiz.get_absolute_url()).content
    assert start(client, quiz).status_code == 403
    assert not Attempt.objects.filter(user=learner).exists()


def test_a_quiz_without_questions_says_so(client, learner):
    quiz = build_quiz(count=0, slug="empty")
    client.force_login(learner)
    assert b"This quiz has no questions yet." in client.get(quiz.get_absolute_url()).content
    with pytest.raises(AttemptRefused, match="no questions"):
        start_attempt(learner, quiz)


def test_shuffled_questions_are_a_permutation_fixed_for_the_attempt(learner):
    quiz = build_quiz(count=30, shuffle_questions=True, slug="shuffled")
    attempt = start_attempt(learner, quiz)
    ids = list(quiz.questions.values_list("pk", flat=True))
    assert sorted(attempt.question_order) == sorted(ids)
    assert attempt.question_order != ids  # one chance in 30! of failing
    assert start_attempt(learner, quiz).question_order == attempt.question_order


def test_points_are_stored_as_decimals_with_six_places_and_never_rounded(learner):
    quiz = build_quiz(kinds=["multiple"], slug="thirds")
    question = quiz.questions.get()
    question.points = Decimal("2")
    question.save()
    question.choices.filter(is_correct=False).update(is_correct=True)  # four correct: one pick is a quarter
    attempt = start_attempt(learner, quiz)
    from quizzes.attempts import submit_answer
    from tests.quizzes.test_grading import form

    choice = question.choices.order_by("order").first()
    submit_answer(attempt, question, form(answer=attempt.token("c", choice.pk)))
    attempt = close_attempt(attempt)
    response = attempt.responses.get()
    assert response.fraction == Decimal("0.25") and response.points == Decimal("0.5")
    assert attempt.score == Decimal("0.500000") and attempt.max_score == 2
    assert attempt.percent == Decimal("25")
