"""Many requests at once: every count exact, no duplicate row, no 500 (an integrity race is
answered like the first request). Runs on SQLite (serialised writers) and PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from cohorts.models import Cohort, Membership
from progress.models import DailyActivity, LessonCompletion, ModuleProgress
from quizzes.attempts import start_attempt
from quizzes.models import Attempt, Response
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


def in_parallel(user_for, request, count=THREADS):
    """Run request(client, i) in ``count`` threads that start together; returns the status codes."""
    barrier = threading.Barrier(count)

    def run(i):
        try:
            client = Client(raise_request_exception=False)
            client.force_login(user_for(i))
            barrier.wait()
            return request(client, i).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def single_choice(attempt):
    for position, qid in enumerate(attempt.question_order, start=1):
        question = attempt.quiz.questions.get(pk=qid)
        if question.kind == "single":
            right = question.choices.get(is_correct=True)
            return position, question, attempt.token("c", right.pk)
    raise AssertionError("no single-choice question")


def test_the_same_answer_submitted_at_once_is_recorded_once(curriculum, learner):
    quiz = curriculum.modules.get(slug="devops-mindset").quizzes.get()
    attempt = start_attempt(learner, quiz)
    position, question, token = single_choice(attempt)
    url = f"/quizzes/attempts/{attempt.public_id}/q/{position}/"
    codes = in_parallel(lambda i: learner, lambda c, i: c.post(url, {"answer": token}, HTTP_HX_REQUEST="true"))
    assert set(codes) == {200}
    assert Response.objects.filter(attempt=attempt, question=question).count() == 1
    assert DailyActivity.objects.get(user=learner).questions_answered == 1


def test_starting_a_quiz_twice_at_once_opens_one_attempt(curriculum, learner):
    quiz = curriculum.modules.get(slug="devops-mindset").quizzes.get()
    codes = in_parallel(lambda i: learner, lambda c, i: c.post(f"/quizzes/{quiz.pk}/start/"))
    assert set(codes) == {302}
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


def test_completing_the_same_lesson_at_once_counts_once(curriculum, learner):
    module = curriculum.modules.get(slug="devops-mindset")
    lesson = module.lessons.order_by("order").first()
    url = f"{lesson.get_absolute_url()}complete/"
    codes = in_parallel(lambda i: learner, lambda c, i: c.post(url))
    assert set(codes) == {302}
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).count() == 1
    assert ModuleProgress.objects.get(user=learner, module=module).lessons_completed == 1
    assert DailyActivity.objects.get(user=learner).lessons_completed == 1


def test_joining_the_same_cohort_at_once_makes_one_membership(curriculum, learner):
    cohort = Cohort.objects.create(name="Race", slug="race", path=curriculum)
    codes = in_parallel(lambda i: learner, lambda c, i: c.post("/cohorts/join/", {"code": cohort.invite_code}))
    assert set(codes) == {302}
    assert Membership.objects.filter(cohort=cohort, user=learner).count() == 1


def test_many_learners_answering_at_once_lose_nothing(curriculum):
    quiz = curriculum.modules.get(slug="devops-mindset").quizzes.get()
    learners = [make_user(f"crowd{i}") for i in range(THREADS)]
    attempts = [start_attempt(user, quiz) for user in learners]
    targets = [(a, *single_choice(a)) for a in attempts]

    def answer(client, i):
        attempt, position, _question, token = targets[i]
        return client.post(f"/quizzes/attempts/{attempt.public_id}/q/{position}/", {"answer": token})

    codes = in_parallel(lambda i: learners[i], answer)
    assert set(codes) == {302}
    for attempt, _position, question, _token in targets:
        assert Response.objects.filter(attempt=attempt, question=question, is_correct=True).count() == 1
    assert Response.objects.filter(attempt__in=attempts).count() == THREADS
