"""Statistics of a find-the-faulty-line question (facility, discrimination, most chosen wrong line)
and wrong answers grouped by misconception, against values computed by hand; and the admin pages
that show them."""

import math

import pytest
from django.urls import reverse

from quizzes.attempts import close_attempt, start_attempt, submit_answer
from quizzes.models import Misconception, QuestionKind
from quizzes.statistics import misconception_statistics, question_statistics
from tests.factories import make_user
from tests.quizzes.conftest import BUILD_LOG, build_quiz
from tests.quizzes.test_grading import form

pytestmark = pytest.mark.django_db

# Five learners' first attempts: the line each picks in the faulty-line question (2 points, line 4 is
# the faulty one) and whether they answer the single-choice question (1 point) right.
PICKS = [(4, True), (2, True), (4, False), (2, False), (5, True)]


@pytest.fixture
def answered_quiz(db):
    quiz = build_quiz(kinds=[QuestionKind.FAULTY_LINE, QuestionKind.SINGLE], slug="faulty-stats")
    faulty = quiz.questions.get(kind=QuestionKind.FAULTY_LINE)
    faulty.points = 2
    faulty.save()
    single = quiz.questions.get(kind=QuestionKind.SINGLE)
    warnings = Misconception.objects.create(tag="t-warnings-fail-builds", description="Believes warnings fail builds.")
    phases = Misconception.objects.create(
        tag="t-last-line-is-the-cause", description="Believes the last line is the cause."
    )
    faulty.choices.filter(order=2).update(misconception=warnings)
    faulty.choices.filter(order=5).update(misconception=phases)
    single.choices.filter(is_correct=False, order=2).update(misconception=warnings)
    for n, (line, single_right) in enumerate(PICKS, start=1):
        user = make_user(f"reader{n}")
        attempt = start_attempt(user, quiz)
        picked = faulty.choices.get(order=line)
        submit_answer(attempt, faulty, form(answer=attempt.token("c", picked.pk)))
        choice = single.choices.get(is_correct=True) if single_right else single.choices.get(order=2)
        submit_answer(attempt, single, form(answer=attempt.token("c", choice.pk)))
        close_attempt(attempt)
        # A second attempt, all wrong: never counted (statistics use each learner's first attempt).
        retake = start_attempt(user, quiz)
        submit_answer(retake, faulty, form(answer=retake.token("c", faulty.choices.get(order=2).pk)))
        close_attempt(retake)
    return quiz, faulty, single


def test_faulty_line_statistics_match_a_hand_computed_example(answered_quiz):
    _quiz, faulty, single = answered_quiz

    stats = question_statistics([faulty.pk, single.pk])

    # Faulty line: scores x = 2, 0, 2, 0, 0 of 2; the rest of each attempt r = 1, 1, 0, 0, 1.
    # Facility = mean(x) / 2 = 0.8 / 2 = 0.4. Pearson: sum dx.dr = -0.4, sum dx^2 = 4.8, sum dr^2 = 1.2,
    # so r = -0.4 / sqrt(4.8 x 1.2) = -0.4 / 2.4 = -1/6: discrimination -16.67.
    item = stats[faulty.pk]
    assert item.responses == 5
    assert item.facility == pytest.approx(0.4)
    assert item.discrimination == pytest.approx(-100 / 6)
    assert (item.top_wrong, item.top_wrong_count) == (f"line 2: {BUILD_LOG[1]}", 2)
    # The single choice: x = 1, 1, 0, 0, 1; r = 2, 0, 2, 0, 0: facility 0.6, the same correlation.
    other = stats[single.pk]
    assert other.facility == pytest.approx(0.6)
    assert other.discrimination == pytest.approx(-100 / 6)
    assert math.isclose(other.top_wrong_count, 2)


def test_wrong_answers_are_grouped_by_misconception_across_questions(answered_quiz):
    _quiz, faulty, single = answered_quiz

    rows = misconception_statistics()

    # warnings-fail-builds: line 2 picked by learners 2 and 4, the tagged single choice by 3 and 4.
    assert [(r.tag, r.picks, r.learners, r.questions) for r in rows] == [
        ("t-warnings-fail-builds", 4, 3, 2),
        ("t-last-line-is-the-cause", 1, 1, 1),
    ]
    assert misconception_statistics([single.pk])[0].picks == 2
    assert misconception_statistics(user_ids=[]) == []


def test_the_quiz_statistics_page_shows_every_question_and_the_misconceptions(client, instructor, answered_quiz):
    quiz, faulty, _single = answered_quiz
    client.force_login(instructor)

    page = client.get(reverse("admin:quizzes_quiz_statistics", args=[quiz.pk])).content.decode()

    assert "40.0%" in page and "-16.67" in page
    assert f"line 2: {BUILD_LOG[1]} (2)" in page
    assert (
        "<td>t-warnings-fail-builds</td><td>Believes warnings fail builds.</td><td>4</td><td>3</td><td>2</td>" in page
    )
    question_page = client.get(reverse("admin:quizzes_question_statistics", args=[faulty.pk])).content.decode()
    assert f"line 2: {BUILD_LOG[1]} (2)" in question_page
    overall = client.get(reverse("admin:quizzes_misconception_statistics")).content.decode()
    assert "<td>t-last-line-is-the-cause</td>" in overall


def test_the_misconception_pages_are_for_staff_only(client, learner, answered_quiz):
    quiz, _faulty, _single = answered_quiz
    client.force_login(learner)
    for url in (
        reverse("admin:quizzes_quiz_statistics", args=[quiz.pk]),
        reverse("admin:quizzes_misconception_statistics"),
    ):
        assert client.get(url).status_code == 302  # to the admin login


def test_an_empty_misconception_page_says_what_to_do(client, instructor):
    client.force_login(instructor)
    page = client.get(reverse("admin:quizzes_misconception_statistics")).content.decode()
    assert "No learner has picked a wrong answer tagged with a misconception yet." in page
