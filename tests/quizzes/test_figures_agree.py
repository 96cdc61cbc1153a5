"""No figure shown contradicts the decision made beside it (issue 12, point 3): a percentage is shown
floored by the one helper (``devopslearn.lib.numbers``), so a failed attempt never reads as reaching
its pass mark, a module one step short never reads 100 %, and a lab that misses its mark never
shows the mark."""

import csv
import io
import re
from decimal import Decimal

from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from cohorts.models import Cohort, Membership
from devopslearn.lib.numbers import percent_text, share_percent
from labs.results import summary
from quizzes.attempts import close_attempt, start_attempt, submit_answer
from quizzes.models import Attempt, QuestionKind, Quiz
from tests.factories import make_path
from tests.quizzes.conftest import add_question, answer_data, questions_of
from tests.quizzes.test_grading import form

# The example of the issue: 17 points, pass mark 70 %, 11.83 points = 69.6 %.
LAYOUT = [  # (kind, points, how it is answered)
    (QuestionKind.SINGLE, 1, "wrong"),
    (QuestionKind.SINGLE, 3, "right"),
    (QuestionKind.SINGLE, 3, "right"),
    (QuestionKind.SINGLE, 1, "wrong"),
    (QuestionKind.SINGLE, 1, "wrong"),
    (QuestionKind.MULTIPLE, 2, "2 of 3"),
    (QuestionKind.MULTIPLE, 2, "3 of 4"),
    (QuestionKind.SINGLE, 1, "wrong"),
    (QuestionKind.SINGLE, 3, "right"),
]


def _quiz_of_the_example() -> Quiz:
    module = make_path(modules=1, lessons=1, slug="figures", with_quiz=False).modules.get()
    quiz = Quiz.objects.create(module=module, title="Seventeen points", published=True, pass_mark=70)
    for order, (kind, points, how) in enumerate(LAYOUT, start=1):
        question = add_question(quiz, kind, key=f"q{order}", order=order, points=Decimal(points))
        if how == "2 of 3":  # a third right choice: ticking two of three right earns 2/3
            question.choices.filter(text__endswith="bad one").update(is_correct=True)
        elif how == "3 of 4":
            question.choices.update(is_correct=True)
    return quiz


def _take_the_example(learner, quiz: Quiz) -> Attempt:
    attempt = start_attempt(learner, quiz)
    hows = {f"q{order}": how for order, (_, _, how) in enumerate(LAYOUT, start=1)}
    for question in questions_of(attempt):
        how = hows[question.key]
        if how.endswith(" of 3") or how.endswith(" of 4"):
            right = sorted((c for c in question.choices.all() if c.is_correct), key=lambda c: c.order)
            data = {"answer": [attempt.token("c", c.pk) for c in right[: int(how[0])]]}
        else:
            data = answer_data(attempt, question, how)
        submit_answer(attempt, question, form(**data))
    return close_attempt(attempt)


def test_a_score_of_69_6_percent_reads_69_and_not_passed_on_every_page(client, learner, lead):
    quiz = _quiz_of_the_example()
    attempt = _take_the_example(learner, quiz)
    assert (round(attempt.score, 2), attempt.max_score) == (Decimal("11.83"), Decimal(17))
    assert not attempt.passed and Decimal(69) < attempt.percent < Decimal(70)
    client.force_login(learner)

    result = client.get(reverse("quizzes:result", args=[attempt.public_id])).content.decode()
    assert '<p class="score-big">69%</p>' in result
    assert "Not passed (pass mark 70%)" in result and "70%</p>" not in result

    history = client.get(quiz.get_absolute_url()).content.decode()
    assert re.search(r'<td class="num">69%</td><td><span class="badge[^"]*">Not passed', history)

    module_page = client.get(quiz.module.get_absolute_url()).content.decode()
    assert "Best score 69%, last 69%" in module_page

    cohort = Cohort.objects.create(name="Figures", slug="figures", path=quiz.module.path)
    cohort.leads.add(lead)
    Membership.objects.create(cohort=cohort, user=learner)
    client.force_login(lead)
    overview = client.get(reverse("cohorts:overview", args=[cohort.slug])).content.decode()
    assert '<td class="num">69%</td>' in overview  # the quiz average
    # the drill-down is the learner's progress page ("My progress" for this path), read-only
    progress = client.get(reverse("cohorts:member", args=[cohort.slug, learner.pk])).content.decode()
    assert re.search(r'<td class="num">69%</td>\s*<td class="num">69%</td>', progress)  # best, last
    assert "70%" not in progress
    export = client.get(reverse("cohorts:export", args=[cohort.slug]), {"headers": "slugs"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0]["quiz_average"] == "69.6"
    assert [value for name, value in rows[0].items() if name.endswith("score")] == ["69.6"]


@given(
    max_score=st.integers(min_value=1, max_value=200),
    numerator=st.integers(min_value=0, max_value=10**6),
    pass_mark=st.integers(min_value=0, max_value=100),
    places=st.sampled_from([0, 1]),
)
@example(max_score=17, numerator=696078, pass_mark=70, places=0)  # the 69.6 %
@example(max_score=3, numerator=2 * 10**6 // 3, pass_mark=67, places=0)  # 66.67 % under 67
def test_the_percentage_shown_agrees_with_the_pass_decision(max_score, numerator, pass_mark, places):
    """For any score (0 to the maximum, at the stored six places), maximum and pass mark, the figure
    shown (on a page, to one place in the CSV) reaches the pass mark exactly when the attempt passed."""
    score = (Decimal(max_score) * numerator / 10**6).quantize(Decimal("0.000001"))
    attempt = Attempt(score=score, max_score=Decimal(max_score))
    passed = attempt.percent >= pass_mark  # the decision, as close_attempt and the regrade take it
    shown = Decimal(percent_text(attempt.percent, places, localized=False))
    assert (shown >= pass_mark) == passed
    assert shown <= attempt.percent and (shown == 100) == (attempt.percent >= 100)


@given(whole=st.integers(min_value=0, max_value=500), data=st.data())
def test_a_share_reads_100_only_when_all_is_done_and_reaches_a_mark_exactly_when_the_share_does(whole, data):
    part = data.draw(st.integers(min_value=0, max_value=whole))
    mark = data.draw(st.integers(min_value=0, max_value=100))
    shown = share_percent(part, whole)
    assert (shown == 100) == (whole > 0 and part == whole)
    if whole:
        assert (shown >= mark) == (100 * part >= mark * whole)


@given(points=st.lists(st.tuples(st.integers(1, 10), st.booleans()), min_size=1, max_size=12), mark=st.integers(0, 100))
def test_a_labs_percentage_agrees_with_its_pass_or_fail(points, mark):
    checks = [
        {"points": p if ok else 0, "max_points": p, "required": False, "status": "pass" if ok else "fail"}
        for p, ok in points
    ]
    result = summary(checks, mark, [], {}, {})
    exact = Decimal(result["score"]) * 100 / result["max_score"]
    assert (result["status"] == "pass") == (exact >= mark)
    assert (result["percent"] >= mark) == (result["status"] == "pass")


def test_a_module_one_lesson_short_of_200_does_not_read_100():
    assert share_percent(199, 200) == 99 and share_percent(200, 200) == 100 and share_percent(0, 0) == 0


def test_a_lab_at_69_6_percent_of_its_points_does_not_pass_a_70_mark():
    checks = [{"points": 0, "max_points": 7, "required": False, "status": "fail"}] + [
        {"points": 8, "max_points": 8, "required": False, "status": "pass"}
    ] * 2  # 16 of 23 = 69.57 %, rounded half up it read 70 and passed
    result = summary(checks, 70, [], {}, {})
    assert (result["percent"], result["status"]) == (69, "fail")
