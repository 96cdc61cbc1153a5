"""Integrity of answering: an answer is final, attempts are private, closed and expired attempts
refuse new answers with a clear message, and bad input is a form error that stores nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from quizzes.attempts import close_attempt, start_attempt
from quizzes.models import Attempt, QuestionKind, Response, ResponseChoice
from tests.quizzes.conftest import answer_data, build_quiz, questions_of

HTMX = {"HX-Request": "true"}
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def question_url(attempt, position):
    return reverse("quizzes:question", args=[attempt.public_id, position])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def snapshot(attempt):
    attempt.refresh_from_db()
    rows = attempt.responses.order_by("pk").values_list("question_id", "answer", "points", "is_correct", "answered_at")
    return list(rows), ResponseChoice.objects.filter(response__attempt=attempt).count(), attempt.score


# --- an answer is final --------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_same_answer_posted_twice_returns_the_same_result_and_changes_nothing(client, learner, mixed_quiz, headers):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    for position, question in enumerate(questions_of(attempt), start=1):
        data = answer_data(attempt, question, "partial" if question.kind == QuestionKind.MULTIPLE else "right")
        first = client.post(question_url(attempt, position), data, headers=headers, follow=not headers)
        before = snapshot(attempt)
        second = client.post(question_url(attempt, position), data, headers=headers, follow=not headers)
        assert snapshot(attempt) == before
        assert second.status_code == first.status_code == 200
        assert second.context["feedback"] == first.context["feedback"]
        assert second.context["response"].pk == first.context["response"].pk
    assert Response.objects.filter(attempt=attempt).count() == 8


def test_a_different_answer_posted_later_cannot_replace_the_first(client, learner, mixed_quiz):
    """The back button and a replayed request with another choice: the first answer stands."""
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    question = questions_of(attempt)[0]
    client.post(question_url(attempt, 1), answer_data(attempt, question, "wrong"))
    before = snapshot(attempt)
    again = client.post(question_url(attempt, 1), answer_data(attempt, question, "right"), headers=HTMX)
    assert snapshot(attempt) == before
    assert again.context["feedback"].verdict == "wrong"
    assert b"Not quite" in again.content


def test_the_plain_form_redirects_to_the_question_which_then_shows_the_feedback(client, learner, mixed_quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    response = client.post(question_url(attempt, 1), answer_data(attempt, questions_of(attempt)[0]))
    assert response.status_code == 302
    assert response.url == question_url(attempt, 1)
    page = client.get(response.url)
    assert b"Correct" in page.content and b"Next question" in page.content


# --- attempts are private ------------------------------------------------------------------------


def test_another_learners_attempt_is_not_found_on_every_address(client, learner, other_learner, mixed_quiz):
    attempt = start_attempt(learner, mixed_quiz)
    question = questions_of(attempt)[0]
    client.force_login(other_learner)
    assert client.get(question_url(attempt, 1)).status_code == 404
    assert client.get(question_url(attempt, 1), headers=HTMX).status_code == 404
    assert client.post(question_url(attempt, 1), answer_data(attempt, question)).status_code == 404
    assert client.post(reverse("quizzes:finish", args=[attempt.public_id])).status_code == 404
    assert client.get(reverse("quizzes:result", args=[attempt.public_id])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open and not attempt.responses.exists()
    close_attempt(attempt)
    assert client.get(reverse("quizzes:result", args=[attempt.public_id])).status_code == 404


def test_a_visitor_is_sent_to_log_in(client, learner, mixed_quiz):
    attempt = start_attempt(learner, mixed_quiz)
    response = client.get(question_url(attempt, 1))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_a_position_outside_the_attempt_is_not_found(client, learner, mixed_quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    assert client.get(question_url(attempt, 0)).status_code == 404
    assert client.get(question_url(attempt, 9)).status_code == 404


# --- closed attempts -----------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_closed_attempt_refuses_new_answers_with_a_clear_message(client, learner, mixed_quiz, headers):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    first, second = questions_of(attempt)[:2]
    client.post(question_url(attempt, 1), answer_data(attempt, first))
    client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    before = snapshot(attempt)

    response = client.post(question_url(attempt, 2), answer_data(attempt, second), headers=headers)

    result_url = reverse("quizzes:result", args=[attempt.public_id])
    if headers:
        assert response.status_code == 200 and response["HX-Redirect"] == result_url  # a whole page, not a swap
    else:
        assert response.status_code == 302 and response.url == result_url
    assert messages_of(response) == ["This attempt is closed: its answers can no longer change."]
    assert snapshot(attempt) == before
    assert not attempt.responses.get(question=second).answered


def test_a_closed_attempt_still_shows_the_feedback_of_its_answered_questions(client, learner, mixed_quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    client.post(question_url(attempt, 1), answer_data(attempt, questions_of(attempt)[0]))
    close_attempt(attempt)
    page = client.get(question_url(attempt, 1))
    assert page.status_code == 200 and b"See the result" in page.content
    assert client.get(question_url(attempt, 2)).url == reverse("quizzes:result", args=[attempt.public_id])


def test_a_closed_attempts_question_says_the_attempt_is_finished_not_how_far_it_got(client, learner, mixed_quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    client.post(question_url(attempt, 1), answer_data(attempt, questions_of(attempt)[0]))
    close_attempt(attempt)
    html = client.get(question_url(attempt, 1)).content.decode()
    total = len(attempt.question_order)
    assert f"This attempt is finished (1 of {total} questions answered)" in html
    assert 'id="quiz-progress"' not in html  # no "1 of N answered" bar, as if it could go on
    assert f'href="{reverse("quizzes:result", args=[attempt.public_id])}"' in html


def test_finishing_twice_changes_nothing(client, learner, mixed_quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    client.post(question_url(attempt, 1), answer_data(attempt, questions_of(attempt)[0]))
    client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    before = snapshot(attempt)
    submitted = Attempt.objects.get(pk=attempt.pk).submitted_at
    client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    assert snapshot(attempt) == before
    assert Attempt.objects.get(pk=attempt.pk).submitted_at == submitted


# --- time limits ---------------------------------------------------------------------------------


@pytest.fixture
def timed_quiz(db):
    return build_quiz(time_limit_minutes=10, slug="timed")


def test_the_deadline_closes_the_attempt_and_unanswered_questions_score_zero(client, learner, timed_quiz):
    client.force_login(learner)
    with time_machine.travel(START, tick=False):
        response = client.post(reverse("quizzes:start", args=[timed_quiz.pk]))
        attempt = Attempt.objects.get(user=learner)
        assert attempt.deadline == START + timedelta(minutes=10)
        client.post(question_url(attempt, 1), answer_data(attempt, questions_of(attempt)[0]))
    with time_machine.travel(START + timedelta(minutes=10, seconds=1), tick=False):
        response = client.get(question_url(attempt, 2))
        assert response.status_code == 302
        assert response.url == reverse("quizzes:result", args=[attempt.public_id])
        assert messages_of(response) == ["Time is up: the attempt was closed and unanswered questions score 0."]
        result = client.get(response.url)
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.timed_out
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == 1
    unanswered = attempt.responses.filter(answered=False)
    assert unanswered.count() == 7 and all(r.points == 0 for r in unanswered)
    assert b"closed when time ran out" in result.content


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_answer_after_the_deadline_is_refused_and_not_stored(client, learner, timed_quiz, headers):
    client.force_login(learner)
    with time_machine.travel(START, tick=False):
        attempt = start_attempt(learner, timed_quiz)
    with time_machine.travel(START + timedelta(minutes=11), tick=False):
        response = client.post(
            question_url(attempt, 1), answer_data(attempt, questions_of(attempt)[0]), headers=headers
        )
    result_url = reverse("quizzes:result", args=[attempt.public_id])
    assert (response["HX-Redirect"] if headers else response.url) == result_url
    assert "Time is up" in messages_of(response)[0] and "score 0" in messages_of(response)[0]
    assert not attempt.responses.filter(answered=True).exists()
    assert Attempt.objects.get(pk=attempt.pk).score == 0


def test_the_deadline_is_checked_on_the_server_even_a_second_before(client, learner, timed_quiz):
    client.force_login(learner)
    with time_machine.travel(START, tick=False):
        attempt = start_attempt(learner, timed_quiz)
    with time_machine.travel(START + timedelta(minutes=9, seconds=59), tick=False):
        response = client.post(question_url(attempt, 1), answer_data(attempt, questions_of(attempt)[0]))
    assert response.url == question_url(attempt, 1)
    assert attempt.responses.filter(answered=True).count() == 1


def test_finishing_after_the_deadline_says_time_was_up(client, learner, timed_quiz):
    client.force_login(learner)
    with time_machine.travel(START, tick=False):
        attempt = start_attempt(learner, timed_quiz)
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        response = client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    assert messages_of(response) == ["Time was up: unanswered questions score 0."]
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.submitted_at == attempt.deadline


def test_the_result_address_of_an_expired_attempt_closes_it(client, learner, timed_quiz):
    client.force_login(learner)
    with time_machine.travel(START, tick=False):
        attempt = start_attempt(learner, timed_quiz)
    with time_machine.travel(START + timedelta(minutes=30), tick=False):
        assert client.get(reverse("quizzes:result", args=[attempt.public_id])).status_code == 200
    attempt.refresh_from_db()
    assert attempt.timed_out and attempt.responses.filter(answered=False).count() == 8


def test_the_question_page_shows_the_time_left(client, learner, timed_quiz):
    client.force_login(learner)
    with time_machine.travel(START, tick=False):
        attempt = start_attempt(learner, timed_quiz)
    with time_machine.travel(START + timedelta(minutes=4), tick=False):
        page = client.get(question_url(attempt, 1))
    assert b"Time left:" in page.content and b"360 s" in page.content


# --- bad input -----------------------------------------------------------------------------------

MEGABYTE = "x" * 1_000_000


def bad_inputs(attempt, question, other):
    """(label, POST data) that must each be refused for ``question``; ``other`` is another question."""
    right = answer_data(attempt, question)
    foreign = answer_data(attempt, other)  # a right answer, but to another question: its tokens are foreign here
    kind = question.kind
    cases = [("missing fields", {}), ("a megabyte", {"answer": MEGABYTE}), ("NUL bytes", {"answer": "\x00"})]
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.MULTIPLE):
        cases += [
            ("unknown token", {"answer": "0123456789abcdef"}),
            ("a choice id", {"answer": str(question.choices.first().pk)}),
            ("a token of another question", foreign),
            ("a token with a NUL byte", {"answer": right["answer"][0] + "\x00" if kind == "multiple" else "\x00"}),
        ]
    elif kind == QuestionKind.ORDERING:
        names = list(right)
        cases += [
            ("a token of another question", foreign),
            ("not a number", {**right, names[0]: "first"}),
            ("a megabyte position", {**right, names[0]: "9" * 1_000_000}),
            ("a NUL byte position", {**right, names[0]: "1\x00"}),
            ("the same position twice", {**right, names[0]: right[names[1]]}),
            ("a position too far", {**right, names[0]: "99"}),
            ("one item missing", {k: v for k, v in right.items() if k != names[0]}),
        ]
    elif kind == QuestionKind.MATCHING:
        names = list(right)
        cases += [
            ("a token of another question", foreign),
            ("unknown match token", {**right, names[0]: "0123456789abcdef"}),
            ("an item token as a match", {**right, names[0]: names[1].removeprefix("match-")}),
            ("a megabyte match", {**right, names[0]: MEGABYTE}),
            ("one item missing", {k: v for k, v in right.items() if k != names[0]}),
        ]
    elif kind == QuestionKind.NUMERIC:
        cases += [
            ("not a number", {"answer": "twelve"}),
            ("NaN", {"answer": "NaN"}),
            ("infinity", {"answer": "-inf"}),
            ("huge", {"answer": "1e308"}),
            ("digits beyond reason", {"answer": "9" * 41}),
            ("NUL inside", {"answer": "12\x005"}),
        ]
    elif kind == QuestionKind.SHORT_TEXT:
        cases += [("only spaces", {"answer": "   "}), ("too long", {"answer": "buildspec.yml " * 20})]
    return cases


@pytest.mark.parametrize("kind", [k.value for k in QuestionKind])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_bad_input_is_a_form_error_and_stores_nothing(client, learner, mixed_quiz, kind, headers):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    questions = questions_of(attempt)
    position = next(i for i, q in enumerate(questions, start=1) if q.kind == kind)
    question = questions[position - 1]
    other = questions[position % len(questions)]
    for label, data in bad_inputs(attempt, question, other):
        response = client.post(question_url(attempt, position), data, headers=headers)
        assert response.status_code == 200, label
        assert response.context["error"], label
        assert b'class="errorlist" role="alert"' in response.content, label
        assert b"\x00" not in response.content, label
        assert len(response.content) < 200_000, label  # a megabyte is not echoed back
        assert not Response.objects.filter(attempt=attempt).exists(), label
    # After all that, a good answer is still accepted.
    client.post(question_url(attempt, position), answer_data(attempt, question))
    assert Response.objects.get(attempt=attempt).is_correct


def test_an_error_keeps_what_the_learner_chose(client, learner):
    quiz = build_quiz(kinds=[QuestionKind.ORDERING])
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    question = questions_of(attempt)[0]
    data = answer_data(attempt, question)
    first_name = next(iter(data))
    data.pop(next(name for name in data if name != first_name))
    page = client.post(question_url(attempt, 1), data, headers=HTMX)
    assert b"Give every item a position." in page.content
    token = first_name.removeprefix("position-")
    assert f'<option value="{data[first_name]}" selected>'.encode() in page.content.split(token.encode(), 2)[2][:2000]


def test_an_unknown_method_is_refused(client, learner, mixed_quiz):
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    assert client.put(question_url(attempt, 1)).status_code == 405
    assert client.get(reverse("quizzes:finish", args=[attempt.public_id])).status_code == 405


def test_a_question_deleted_during_an_open_attempt_does_not_break_finishing(client, learner, mixed_quiz):
    """Unanswered questions may still be deleted; the learner's attempt closes without them."""
    client.force_login(learner)
    attempt = start_attempt(learner, mixed_quiz)
    first, *_rest, last = questions_of(attempt)
    client.post(question_url(attempt, 1), answer_data(attempt, first))
    last.delete()
    assert client.get(question_url(attempt, 8)).status_code == 404

    response = client.post(reverse("quizzes:finish", args=[attempt.public_id]))

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.responses.count() == 7
    assert (attempt.score, attempt.max_score) == (1, 7)
    assert client.get(response.url).status_code == 200
    assert client.get(question_url(attempt, 8)).url == response.url


def test_the_quiz_pages_name_the_learners_zone_as_a_person_reads_it(client, learner, timed_quiz):
    """The deadline on a question, the finish time on the result and the quiz's list of attempts say
    which zone their times are in as "Ho Chi Minh time (UTC+07:00)", never "Asia/Ho_Chi_Minh"."""
    learner.time_zone = "Asia/Ho_Chi_Minh"
    learner.save(update_fields=["time_zone"])
    client.force_login(learner)
    with time_machine.travel(START, tick=False):
        client.post(reverse("quizzes:start", args=[timed_quiz.pk]))
        attempt = Attempt.objects.get(user=learner)
        pages = [client.get(question_url(attempt, 1)).content.decode()]
        client.post(reverse("quizzes:finish", args=[attempt.public_id]))
        pages += [
            client.get(reverse(name, args=[arg])).content.decode()
            for name, arg in (("quizzes:result", attempt.public_id), ("quizzes:quiz", timed_quiz.pk))
        ]
    for page in pages:
        assert "Ho Chi Minh time (UTC+07:00)" in page
        assert "Asia/Ho_Chi_Minh" not in page
