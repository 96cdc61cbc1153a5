"""Question pools and draws (issue 15, part 4): each attempt draws its own set, stored with the attempt
and reproducible from it; a retake asks other questions when the pool allows; the score is over the
drawn questions; an attempt open when pools arrive keeps its questions; numeric variants are drawn
per attempt; statistics stay per question."""

from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.attempts import History, close_attempt, draw_questions, regrade, start_attempt, submit_answer
from quizzes.models import Attempt, Pool, QuestionKind, Response
from quizzes.statistics import question_statistics
from tests.factories import make_user
from tests.quizzes.conftest import add_question, answer_data, build_quiz, questions_of
from tests.quizzes.test_grading import form

pytestmark = pytest.mark.django_db


def pooled_quiz(sizes: dict[str, int], draws: dict[str, int], *, slug="pools", kinds=None, **quiz_fields):
    """A quiz whose pools hold ``sizes`` questions (cycling through the kinds) and draw ``draws``."""
    quiz = build_quiz(count=0, slug=slug, **quiz_fields)
    kinds = kinds or [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.FAULTY_LINE, QuestionKind.NUMERIC]
    order = 0
    for slot, (key, size) in enumerate(sizes.items(), start=1):
        pool = Pool.objects.create(quiz=quiz, key=key, title=key.title(), draw_count=draws.get(key), order=slot)
        for _ in range(size):
            order += 1
            question = add_question(quiz, kinds[order % len(kinds)], key=f"{key}-{order}", order=order)
            question.pool = pool
            question.save()
    return quiz


def drawn_keys(attempt: Attempt) -> list[str]:
    return [q.key for q in questions_of(attempt)]


def finish_all_right(attempt: Attempt) -> Attempt:
    for question in questions_of(attempt):
        submit_answer(attempt, question, form(**answer_data(attempt, question, "right")))
    return close_attempt(attempt)


def test_each_attempt_draws_each_pools_count_and_stores_the_draw(learner):
    quiz = pooled_quiz({"deploy": 5, "build": 4}, {"deploy": 2, "build": 3})

    attempt = start_attempt(learner, quiz)

    stored = Attempt.objects.get(pk=attempt.pk)
    keys = drawn_keys(stored)
    assert len(keys) == 5 and quiz.questions_per_attempt() == 5
    assert sum(k.startswith("deploy-") for k in keys) == 2 and sum(k.startswith("build-") for k in keys) == 3
    assert keys == sorted(keys, key=lambda k: (not k.startswith("deploy"), int(k.split("-")[1])))  # slot, then order
    assert set(stored.choice_order) == {str(pk) for pk in stored.question_order}


def test_the_draw_is_reproducible_from_the_attempt(learner):
    quiz = pooled_quiz({"deploy": 6, "build": 6}, {"deploy": 2, "build": 2})
    first = close_attempt(start_attempt(learner, quiz))
    second = start_attempt(learner, quiz)
    published = list(quiz.questions.published())

    nothing_before = History(Counter(), Counter())
    again_first, variants_first = draw_questions(quiz, published, seed=first.salt, history=nothing_before)
    first_only = History(
        Counter(first.question_order),
        Counter((int(q), i) for q, i in first.variants.items()),
        latest=frozenset(first.question_order),
    )
    again_second, variants_second = draw_questions(quiz, published, seed=second.salt, history=first_only)

    assert [q.pk for q in again_first] == first.question_order and variants_first == first.variants
    assert [q.pk for q in again_second] == second.question_order and variants_second == second.variants


def test_a_retake_asks_other_questions_when_the_pool_has_twice_the_count(learner):
    quiz = pooled_quiz({"deploy": 4, "build": 6}, {"deploy": 2, "build": 3})

    first = set(drawn_keys(finish_all_right(start_attempt(learner, quiz))))
    second = set(drawn_keys(finish_all_right(start_attempt(learner, quiz))))

    assert not first & second
    assert len(first | second) == 10


def test_a_retake_asks_a_different_set_whenever_the_pool_holds_more_than_the_count(learner):
    quiz = pooled_quiz({"deploy": 3}, {"deploy": 2})
    seen = []
    for _ in range(4):
        seen.append(frozenset(drawn_keys(close_attempt(start_attempt(learner, quiz)))))
    assert all(a != b for a, b in zip(seen, seen[1:], strict=False))
    assert set().union(*seen) == {"deploy-1", "deploy-2", "deploy-3"}


def test_a_pool_no_larger_than_its_count_asks_the_same_questions_again(learner):
    quiz = pooled_quiz({"deploy": 2}, {"deploy": 2})
    first = drawn_keys(close_attempt(start_attempt(learner, quiz)))
    assert drawn_keys(start_attempt(learner, quiz)) == first


def test_two_learners_first_attempts_draw_independently(learner, other_learner):
    quiz = pooled_quiz({"deploy": 12}, {"deploy": 3})
    draws = {frozenset(drawn_keys(start_attempt(make_user(f"drawer{n}"), quiz))) for n in range(8)}
    assert len(draws) > 1  # 8 learners drawing 3 of 12: the same set for all has a chance of 1 in 220^7


def test_the_score_is_over_the_drawn_questions(learner):
    quiz = pooled_quiz({"deploy": 5, "build": 5}, {"deploy": 1, "build": 2})

    attempt = finish_all_right(start_attempt(learner, quiz))

    drawn_points = sum((q.points for q in questions_of(attempt)), Decimal(0))
    assert attempt.max_score == drawn_points == 3
    assert attempt.score == 3 and attempt.percent == 100 and attempt.passed
    assert attempt.responses.count() == 3


def test_unpublished_questions_are_never_drawn(learner):
    quiz = pooled_quiz({"deploy": 4}, {"deploy": 2})
    quiz.questions.filter(key__in=["deploy-1", "deploy-2"]).update(published=False)
    for _ in range(3):
        assert set(drawn_keys(close_attempt(start_attempt(learner, quiz)))) == {"deploy-3", "deploy-4"}


def test_an_attempt_open_when_pools_arrive_keeps_the_questions_it_had(client, learner):
    quiz = pooled_quiz({"deploy": 6}, {})  # a pool, but no draw yet: every question is asked
    attempt = start_attempt(learner, quiz)
    assert len(attempt.question_order) == 6

    Pool.objects.filter(quiz=quiz).update(draw_count=2)  # the pools and draws arrive
    client.force_login(learner)
    assert client.post(reverse("quizzes:start", args=[quiz.pk])).url == attempt.get_absolute_url()  # resumed
    question = questions_of(attempt)[5]
    client.post(reverse("quizzes:question", args=[attempt.public_id, 6]), answer_data(attempt, question))
    attempt = close_attempt(attempt)

    assert len(attempt.question_order) == 6 and attempt.responses.count() == 6
    assert attempt.max_score == 6 and attempt.score == 1
    assert len(start_attempt(learner, quiz).question_order) == 2  # the next attempt draws


def test_the_quiz_page_says_how_many_questions_an_attempt_asks(client, learner):
    quiz = pooled_quiz({"deploy": 5, "build": 5}, {"deploy": 2, "build": 2})
    client.force_login(learner)
    page = client.get(reverse("quizzes:quiz", args=[quiz.pk])).content.decode()
    assert "4 questions, one per page" in page


# --- numeric variants ----------------------------------------------------------------------------

VARIANTS = [
    {"values": {"deploys": 48, "days": 30}, "answer": "1.6", "tolerance": "0.05"},
    {"values": {"deploys": 90, "days": 30}, "answer": "3", "tolerance": "0.05"},
]


@pytest.fixture
def variant_quiz(db):
    quiz = build_quiz(count=0, slug="variants")
    question = add_question(quiz, QuestionKind.NUMERIC, key="frequency", order=1)
    question.prompt_md = "A team deployed {deploys} times in {days} days. Deployments per day?"
    question.explanation_md = "{deploys} / {days} = {answer} per day."
    question.unit = "per day"
    question.variants = VARIANTS
    question.save()
    return quiz


def test_each_attempt_draws_a_variant_stores_it_and_grades_against_it(client, learner, variant_quiz):
    question = variant_quiz.questions.get()
    attempt = start_attempt(learner, variant_quiz)
    index = attempt.variants[str(question.pk)]
    values, answer = VARIANTS[index]["values"], VARIANTS[index]["answer"]
    other_answer = VARIANTS[1 - index]["answer"]
    client.force_login(learner)
    url = reverse("quizzes:question", args=[attempt.public_id, 1])

    page = client.get(url).content.decode()
    assert f"deployed {values['deploys']} times in 30 days" in page
    assert f"deployed {VARIANTS[1 - index]['values']['deploys']} times" not in page
    fragment = client.post(url, {"answer": other_answer}, headers={"HX-Request": "true"}).content.decode()

    assert "Not quite" in fragment
    assert f"{values['deploys']} / 30 = {answer} per day" in fragment  # the drawn variant's explanation
    assert f"{answer}\u00a0per day (± 0.05)" in fragment
    assert Attempt.objects.get(pk=attempt.pk).variants == {str(question.pk): index}


def test_the_right_answer_of_the_drawn_variant_is_right(learner, variant_quiz):
    question = variant_quiz.questions.get()
    attempt = start_attempt(learner, variant_quiz)
    answer = VARIANTS[attempt.variants[str(question.pk)]]["answer"]
    assert submit_answer(attempt, question, form(answer=answer)).response.is_correct


def test_a_retake_draws_the_other_variant(learner, variant_quiz):
    question = variant_quiz.questions.get()
    first = close_attempt(start_attempt(learner, variant_quiz)).variants[str(question.pk)]
    second = start_attempt(learner, variant_quiz).variants[str(question.pk)]
    assert {first, second} == {0, 1}


def test_a_regrade_grades_each_answer_against_its_own_variant(learner, other_learner, variant_quiz):
    question = variant_quiz.questions.get()
    attempts = []
    for user in (learner, other_learner):
        attempt = start_attempt(user, variant_quiz)
        submit_answer(attempt, question, form(answer=VARIANTS[attempt.variants[str(question.pk)]]["answer"]))
        attempts.append(close_attempt(attempt))

    assert regrade([question], apply=False) == []
    assert all(a.score == 1 for a in attempts)


def test_the_result_page_shows_the_drawn_variant(client, learner, variant_quiz):
    question = variant_quiz.questions.get()
    attempt = start_attempt(learner, variant_quiz)
    index = attempt.variants[str(question.pk)]
    close_attempt(attempt)
    client.force_login(learner)
    page = client.get(reverse("quizzes:result", args=[attempt.public_id])).content.decode()
    assert f"deployed {VARIANTS[index]['values']['deploys']} times" in page
    assert f"{VARIANTS[index]['answer']}\u00a0per day (± 0.05)" in page


# --- statistics per question ---------------------------------------------------------------------


def test_statistics_are_per_question_over_the_first_attempts_that_drew_it():
    """Six learners' first attempts each draw 2 of 4 questions: each question's statistics count
    exactly the attempts that asked it, with Moodle's formulas applied to those attempts."""
    quiz = pooled_quiz({"deploy": 4}, {"deploy": 2}, kinds=[QuestionKind.SINGLE])
    asked: dict[int, list[Decimal]] = {}
    for n in range(6):
        user = make_user(f"pooled{n}")
        attempt = start_attempt(user, quiz)
        for position, question in enumerate(questions_of(attempt)):
            right = (n + position) % 2 == 0
            submit_answer(attempt, question, form(**answer_data(attempt, question, "right" if right else "wrong")))
            asked.setdefault(question.pk, []).append(Decimal(right))
        close_attempt(attempt)
        close_attempt(start_attempt(user, quiz))  # a second attempt: never counted

    stats = question_statistics(list(quiz.questions.values_list("pk", flat=True)))

    assert sum(s.responses for s in stats.values()) == 12
    for question_id, marks in asked.items():
        assert stats[question_id].responses == len(marks)
        assert stats[question_id].facility == pytest.approx(float(sum(marks) / len(marks)))
    never = set(stats) - set(asked)
    assert all(stats[q].responses == 0 and stats[q].facility is None for q in never)
    assert Response.objects.filter(attempt__number=2).count() == 12  # unanswered rows of the second attempts
