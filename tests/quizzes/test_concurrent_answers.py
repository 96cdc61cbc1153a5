"""Simultaneous submissions of the same answer (a double click that reaches two server threads at
once) record it once. Runs on SQLite and, with DATABASE_URL, on PostgreSQL: real threads, each with
its own database connection, released together by a barrier."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from progress.models import DailyActivity
from quizzes.attempts import close_attempt, start_attempt
from quizzes.models import Attempt, Response, ResponseChoice
from tests.quizzes.conftest import answer_data, build_quiz, questions_of

HTMX = {"HX-Request": "true"}


def at_once(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads started together; return their results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below, not swallowed
            results[i] = error
        finally:
            connection.close()  # each thread opened its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("threads", [2, 4])
def test_simultaneous_posts_of_the_same_answer_record_it_once(transactional_db, learner, threads):
    quiz = build_quiz(slug=f"race-{threads}")
    attempt = start_attempt(learner, quiz)
    clients = []
    for i in range(threads):
        client = Client()
        client.force_login(learner)
        clients.append((client, HTMX if i % 2 else {}))

    for position, question in enumerate(questions_of(attempt), start=1):
        url = reverse("quizzes:question", args=[attempt.public_id, position])
        data = answer_data(attempt, question, "right")

        results = at_once(threads, lambda i, url=url, data=data: clients[i][0].post(url, data, headers=clients[i][1]))

        assert [r.status_code for r in results if not isinstance(r, Exception)] and all(
            not isinstance(r, Exception) and r.status_code in (200, 302) for r in results
        ), results
        assert Response.objects.filter(attempt=attempt, question=question).count() == 1

    assert Response.objects.filter(attempt=attempt).count() == 8
    # single, 2 of multiple, true/false, the listed short answer matched, the faulty line
    assert ResponseChoice.objects.filter(response__attempt=attempt).count() == 6
    # The "question answered" announcement went out once per question, not once per request.
    assert sum(DailyActivity.objects.filter(user=learner).values_list("questions_answered", flat=True)) == 8
    assert close_attempt(attempt).score == 8


def test_simultaneous_finishes_close_the_attempt_once(transactional_db, learner):
    quiz = build_quiz(slug="race-finish")
    attempt = start_attempt(learner, quiz)
    url = reverse("quizzes:finish", args=[attempt.public_id])
    clients = []
    for _ in range(3):
        client = Client()
        client.force_login(learner)
        clients.append(client)

    results = at_once(3, lambda i: clients[i].post(url))

    assert all(not isinstance(r, Exception) and r.status_code == 302 for r in results), results
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert not attempt.is_open
    assert Response.objects.filter(attempt=attempt).count() == 8  # one unanswered row per question, not three
    assert sum(DailyActivity.objects.filter(user=learner).values_list("attempts_closed", flat=True)) == 1


def test_simultaneous_starts_open_one_attempt(transactional_db, learner):
    quiz = build_quiz(slug="race-start")
    clients = []
    for _ in range(3):
        client = Client()
        client.force_login(learner)
        clients.append(client)

    results = at_once(3, lambda i: clients[i].post(reverse("quizzes:start", args=[quiz.pk])))

    assert all(not isinstance(r, Exception) and r.status_code == 302 for r in results), results
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1
    assert len({r.url for r in results}) == 1
