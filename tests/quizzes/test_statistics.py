"""Question statistics reproduce Moodle's own test data (25 attempts x 7 questions), give empty
values rather than errors when a number is undefined, and stay a fixed handful of queries."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.attempts import close_attempt, start_attempt, submit_answer
from quizzes.models import Attempt, QuestionKind, Response
from quizzes.statistics import pearson, question_statistics
from tests.factories import make_user
from tests.quizzes.conftest import answer_data, build_quiz
from tests.quizzes.test_grading import form

REFERENCE = Path(__file__).resolve().parent / "data" / "moodle-quiz-statistics"  # Moodle's own test data


def read_csv(name: str) -> list[dict]:
    with (REFERENCE / name).open(newline="") as file:
        return list(csv.DictReader(file))


def record_attempt(user, quiz, questions, marks, *, number=1, closed=True) -> Attempt:
    """A finished attempt with the given mark per question, stored as the app stores it."""
    points = [Decimal(str(m)).quantize(Decimal("0.000001")) for m in marks]
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        submitted_at=timezone.now() if closed else None,
        score=sum(points, Decimal(0)),
        max_score=sum((q.points for q in questions), Decimal(0)),
        question_order=[q.pk for q in questions],
    )
    Response.objects.bulk_create(
        Response(
            attempt=attempt,
            question=q,
            answer={"number": str(p)},
            answer_text=str(p),
            fraction=p / q.points,
            points=p,
            is_correct=p == q.points,
        )
        for q, p in zip(questions, points, strict=True)
    )
    return attempt


@pytest.fixture
def moodle(db):
    """Moodle's results00.csv as 25 learners' first closed attempts at one quiz of 7 one-point questions."""
    quiz = build_quiz(kinds=[QuestionKind.NUMERIC], count=7, slug="moodle")
    questions = list(quiz.questions.order_by("order"))
    for row in read_csv("results00.csv"):
        user = make_user(f"moodle{row['quizattempt']}")
        record_attempt(user, quiz, questions, [row[f"slots.{slot}.mark"] for slot in range(1, 8)])
    return quiz, questions


def test_the_reference_data_is_there():
    assert len(read_csv("results00.csv")) == 25
    assert len(read_csv("qstats00.csv")) == 7


def test_facility_and_discrimination_match_moodles_published_values_for_every_question(moodle):
    _quiz, questions = moodle
    stats = question_statistics([q.pk for q in questions])
    for row in read_csv("qstats00.csv"):
        item = stats[questions[int(row["slot"]) - 1].pk]
        assert item.responses == 25
        assert round(item.facility, 4) == round(float(row["facility"]), 4), row["slot"]
        assert round(item.discrimination, 2) == round(float(row["discriminationindex"]), 2), row["slot"]


def test_staff_second_attempts_and_open_attempts_do_not_change_the_statistics(moodle, instructor):
    quiz, questions = moodle
    before = question_statistics([q.pk for q in questions])
    record_attempt(instructor, quiz, questions, [1, 0, 0, 0, 0, 0, 1])  # staff
    learner = make_user("moodle1-again")
    record_attempt(learner, quiz, questions, [0] * 7, closed=False)  # open
    first = Attempt.objects.filter(user__username="moodle1").get()
    record_attempt(first.user, quiz, questions, [0, 1, 0, 1, 0, 1, 0], number=2)  # a second attempt
    assert question_statistics([q.pk for q in questions]) == before


def test_the_statistics_page_shows_the_numbers_and_explains_each_in_one_line(client, instructor, moodle):
    _quiz, questions = moodle
    client.force_login(instructor)
    page = client.get(reverse("admin:quizzes_question_statistics", args=[questions[0].pk])).content.decode()
    assert "<td>25</td>" in page
    assert "70.4%" in page  # facility 0.704
    assert "-7.07" in page  # discrimination index
    for line in ("Facility index: the average score", "Discrimination index: how well", "first finished attempts"):
        assert line in page
    listing = client.get(reverse("admin:quizzes_question_changelist"), {"quiz__module__id__exact": _quiz.module_id})
    assert "70%" in listing.content.decode() and "48%" in listing.content.decode()  # facility 0.704 and 0.48


# --- empty values --------------------------------------------------------------------------------


def test_no_response_gives_empty_values(db):
    question = build_quiz(kinds=[QuestionKind.SINGLE], slug="none").questions.get()
    item = question_statistics([question.pk])[question.pk]
    assert (item.responses, item.facility, item.discrimination, item.top_wrong) == (0, None, None, "")
    assert item.facility_percent is None


def test_one_response_gives_a_facility_but_no_discrimination(db):
    quiz = build_quiz(kinds=[QuestionKind.NUMERIC], count=2, slug="one")
    questions = list(quiz.questions.order_by("order"))
    record_attempt(make_user("only"), quiz, questions, [1, 0])
    item = question_statistics([questions[0].pk])[questions[0].pk]
    assert item.responses == 1 and item.facility == 1.0 and item.discrimination is None


def test_no_variance_in_the_item_gives_no_discrimination(db):
    quiz = build_quiz(kinds=[QuestionKind.NUMERIC], count=2, slug="flat")
    questions = list(quiz.questions.order_by("order"))
    for n, other in enumerate([0, 1, 0.5, 1]):
        record_attempt(make_user(f"flat{n}"), quiz, questions, [1, other])
    stats = question_statistics([q.pk for q in questions])
    assert stats[questions[0].pk].facility == 1.0 and stats[questions[0].pk].discrimination is None
    # The second question varies, but the rest of the test (the first, always 1) does not.
    assert stats[questions[1].pk].discrimination is None


def test_thirds_that_add_up_unevenly_still_count_as_no_variance(db):
    """Float sums of 0.333333 do not cancel exactly: a relative tolerance keeps this empty."""
    quiz = build_quiz(kinds=[QuestionKind.NUMERIC], count=2, slug="thirds")
    questions = list(quiz.questions.order_by("order"))
    for n in range(60):
        record_attempt(make_user(f"third{n}"), quiz, questions, ["0.333333", n % 2])
    item = question_statistics([questions[0].pk])[questions[0].pk]
    assert item.responses == 60 and item.discrimination is None
    assert round(item.facility, 6) == 0.333333


@pytest.mark.parametrize("value", [0.333333, 0.1, 0.7, 1 / 3])
def test_a_hundred_thousand_equal_scores_have_no_variance_despite_float_rounding(value):
    n, sx, sxx = 100_000, 0.0, 0.0
    for _ in range(n):  # summed in floats, as the database does
        sx += value
        sxx += value * value
    assert n * sxx - sx * sx != 0  # the rounding this guards against
    assert pearson(n, sx, sxx, 50_000.0, 30_000.0, 20_000.0) is None


def test_one_different_score_among_a_hundred_thousand_still_has_variance():
    n = 100_000
    xs = [0.7] * (n - 1) + [0.6]
    rs = [float(i % 7) for i in range(n)]
    sums = (
        sum(xs),
        sum(x * x for x in xs),
        sum(rs),
        sum(r * r for r in rs),
        sum(x * r for x, r in zip(xs, rs, strict=True)),
    )
    assert pearson(n, *sums) is not None


def test_the_most_chosen_wrong_choice_and_the_most_common_wrong_answer(db):
    quiz = build_quiz(kinds=[QuestionKind.SINGLE, QuestionKind.SHORT_TEXT], slug="wrong")
    single, text = quiz.questions.order_by("order")
    for n, (pick, typed) in enumerate([("c2", "appspec.yml"), ("c2", "AppSpec.yml"), ("c3", "pom.xml"), ("c1", "x")]):
        user = make_user(f"wrong{n}")
        attempt = start_attempt(user, quiz)
        choice = single.choices.get(key=pick)
        submit_answer(attempt, single, form(answer=attempt.token("c", choice.pk)))
        submit_answer(attempt, text, form(answer=typed))
        close_attempt(attempt)
    stats = question_statistics([single.pk, text.pk])
    assert (stats[single.pk].top_wrong, stats[single.pk].top_wrong_count) == ("q1-single wrong option A", 2)
    assert (stats[text.pk].top_wrong, stats[text.pk].top_wrong_count) == ("appspec.yml", 2)


# --- fixed query counts --------------------------------------------------------------------------


def answered_quiz(questions: int, learners: int = 6):
    quiz = build_quiz(count=questions, slug=f"stats-{questions}")
    ordered = list(quiz.questions.order_by("order"))
    for n in range(learners):
        user = make_user(f"s{questions}-{n}")
        attempt = start_attempt(user, quiz)
        for q in ordered[: questions // 2]:
            submit_answer(attempt, q, form(**answer_data(attempt, q, "wrong" if n % 2 else "right")))
        close_attempt(attempt)
    return quiz, ordered


@pytest.mark.parametrize("size", [10, 100])
def test_statistics_are_a_fixed_number_of_queries(db, django_assert_max_num_queries, size):
    _quiz, questions = answered_quiz(size)
    with django_assert_max_num_queries(4):
        stats = question_statistics([q.pk for q in questions])
    assert sum(item.responses for item in stats.values()) == 6 * size


@pytest.mark.parametrize("size", [10, 100])
def test_the_admin_question_list_with_statistics_is_a_fixed_number_of_queries(
    client, instructor, django_assert_max_num_queries, size
):
    answered_quiz(size)
    client.force_login(instructor)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("admin:quizzes_question_changelist"))
    assert page.status_code == 200 and page.context["cl"].result_count >= size


@pytest.mark.parametrize("size", [10, 100])
def test_the_admin_statistics_page_is_a_fixed_number_of_queries(
    client, instructor, django_assert_max_num_queries, size
):
    _quiz, questions = answered_quiz(size)
    client.force_login(instructor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("admin:quizzes_question_statistics", args=[questions[0].pk]))
    assert page.status_code == 200
