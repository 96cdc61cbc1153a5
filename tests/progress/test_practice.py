"""Practice now: right after a quiz the missed questions can be practised at once, and before a
review card is due its question can be practised too (a failed quiz no longer leaves the review page
empty for ten minutes). A practice answer is graded and explained, changes no review schedule, no
score and no statistic, counts as activity for the streak, and joins the data export and deletion."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import personal_data
from progress.models import DailyActivity, PracticeAnswer, ReviewCard
from progress.practice import Asked
from progress.views import streak
from quizzes.models import Question, QuestionKind, Response
from quizzes.statistics import question_statistics
from tests.quizzes.conftest import answer_data, build_quiz
from tests.quizzes.test_result_page import take

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def failed(learner):
    """A closed attempt at a quiz of the eight kinds: six questions missed (see test_result_page.HOW)."""
    return take(learner, build_quiz())


def keyed(data: dict, key: str = "K" * 22) -> dict:
    """The answer as the page's form posts it: with the form's key."""
    return {**data, "form_key": key}


def form_key_of(page: str) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', page).group(1)


def practice_url(attempt, position=1):
    return reverse("progress:practice_missed", args=[attempt.public_id, position])


def missed_questions(attempt) -> list[Question]:
    missed = set(Response.objects.filter(attempt=attempt, is_correct=False).values_list("question_id", flat=True))
    questions = Question.objects.prefetch_related("choices").in_bulk(attempt.question_order)
    return [questions[pk] for pk in attempt.question_order if pk in missed]


def test_the_result_offers_to_practise_the_missed_questions_now(client, learner, failed):
    client.force_login(learner)
    page = client.get(reverse("quizzes:result", args=[failed.public_id])).content.decode()
    assert "Review what I missed: practise 6 questions now" in page
    assert practice_url(failed) in page
    assert "Show only the 6 questions I missed" in page


def test_a_question_left_unanswered_is_missed_alike_on_the_result_in_practice_and_in_review(client, learner, failed):
    """One rule for "missed" (ResponseQuerySet.missed): wrong, partly right or left unanswered. The
    result's count, its breakdown, the practice set and the review cards name the same questions."""
    unanswered = Response.objects.get(attempt=failed, answered=False).question_id
    missed = [q.pk for q in missed_questions(failed)]
    assert unanswered in missed and len(missed) == 6
    client.force_login(learner)
    page = client.get(reverse("quizzes:result", args=[failed.public_id])).content.decode()
    assert "You missed 6 questions: 5 answered wrong or partly right, 1 left unanswered." in page
    assert "practise 6 questions now" in page
    assert set(ReviewCard.objects.filter(user=learner).values_list("question_id", flat=True)) == set(missed)
    last = client.get(practice_url(failed, 6)).content.decode()  # the practice set has the six, no more
    assert "Question 6 of 6" in last
    assert client.get(practice_url(failed, 7)).status_code == 404


def test_it_is_not_offered_when_nothing_was_missed(client, learner):
    quiz = build_quiz(slug="perfect")
    attempt = take(learner, quiz, dict.fromkeys(QuestionKind, "right"))
    client.force_login(learner)
    page = client.get(reverse("quizzes:result", args=[attempt.public_id])).content.decode()
    assert "Review what I missed" not in page and "practise" not in page.lower()
    assert "Show only" not in page
    response = client.get(practice_url(attempt))
    assert response.status_code == 302 and response.url == reverse("quizzes:result", args=[attempt.public_id])


def test_the_result_can_show_only_the_missed_questions(client, learner, failed):
    client.force_login(learner)
    page = client.get(reverse("quizzes:result", args=[failed.public_id]) + "?show=missed").content.decode()
    assert page.count('class="feedback ') == 6 and "Show every question" in page
    assert "Question 1 ·" not in page  # the single choice, answered right, is left out; numbers stay


def test_a_practice_answer_is_explained_and_changes_no_schedule_score_or_statistic(client, learner, failed):
    client.force_login(learner)
    question = missed_questions(failed)[0]
    cards_before = list(ReviewCard.objects.filter(user=learner).values_list("question_id", "due", "reviews", "state"))
    responses_before = Response.objects.count()
    statistics_before = question_statistics([question.pk])
    score_before = (failed.score, failed.passed)

    page = client.get(practice_url(failed)).content.decode()
    assert question.prompt_html in page and "Check my answer" in page
    assert "do not change your review schedule" in page
    data = keyed(answer_data(Asked(learner.pk, question), question, "right"))
    response = client.post(practice_url(failed), data)
    practice = PracticeAnswer.objects.get(user=learner)
    assert response.status_code == 302 and response.url == f"{practice_url(failed)}?answer={practice.pk}"
    page = client.get(response.url).content.decode()
    assert "Correct" in page and question.explanation_html in page and "Next question" in page
    assert practice.fraction == Decimal(1) and practice.question_id == question.pk

    assert list(ReviewCard.objects.filter(user=learner).values_list("question_id", "due", "reviews", "state")) == (
        cards_before
    )
    assert Response.objects.count() == responses_before
    assert question_statistics([question.pk]) == statistics_before
    failed.refresh_from_db()
    assert (failed.score, failed.passed) == score_before
    today = DailyActivity.objects.get(user=learner, day=timezone.localdate(timezone=learner.zone))
    assert today.practice_answers == 1


def test_a_practice_answer_over_htmx_swaps_the_panel_and_the_last_one_leads_back(client, learner, failed):
    client.force_login(learner)
    questions = missed_questions(failed)
    last = len(questions)
    question = questions[-1]
    data = keyed(answer_data(Asked(learner.pk, question), question, "wrong"))
    fragment = client.post(practice_url(failed, last), data, headers=HTMX).content.decode()
    assert "<html" not in fragment and "Not quite" in fragment
    assert "That was the last one." in fragment and reverse("quizzes:result", args=[failed.public_id]) in fragment


def test_an_empty_answer_is_a_form_error_and_stores_nothing(client, learner, failed):
    client.force_login(learner)
    response = client.post(practice_url(failed), {})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not PracticeAnswer.objects.exists()


def test_the_same_form_posted_twice_stores_one_answer_and_counts_one_activity(client, learner, failed):
    client.force_login(learner)
    question = missed_questions(failed)[0]
    page = client.get(practice_url(failed)).content.decode()
    key = form_key_of(page)
    data = keyed(answer_data(Asked(learner.pk, question), question, "right"), key)
    first = client.post(practice_url(failed), data)
    again = client.post(practice_url(failed), data)  # a double click, or the browser resending
    assert first.url == again.url  # the same answer's feedback
    assert PracticeAnswer.objects.filter(user=learner).count() == 1
    today = DailyActivity.objects.get(user=learner, day=timezone.localdate(timezone=learner.zone))
    assert today.practice_answers == 1
    assert (
        re.search(r'name="form_key" value="([^"]+)"', client.get(practice_url(failed)).content.decode()).group(1) != key
    )
    stale = client.post(practice_url(failed, 2), data)  # a key used for another question
    assert stale.status_code == 200 and "This form is out of date" in stale.content.decode()
    without = client.post(practice_url(failed), answer_data(Asked(learner.pk, question), question, "right"))
    assert without.status_code == 200 and "This form is out of date" in without.content.decode()
    assert PracticeAnswer.objects.filter(user=learner).count() == 1


def test_another_learners_attempt_or_answer_is_not_found(client, learner, other_learner, failed):
    client.force_login(other_learner)
    assert client.get(practice_url(failed)).status_code == 404
    assert client.get(practice_url(failed, 99)).status_code == 404
    question = missed_questions(failed)[0]
    theirs = PracticeAnswer.objects.create(user=learner, question=question, answer={}, fraction=0)
    client.force_login(learner)
    page = client.get(f"{practice_url(failed)}?answer={theirs.pk + 1000}").content.decode()
    assert "Check my answer" in page  # no such answer of theirs: the form, not someone's feedback


def test_right_after_a_failed_quiz_the_review_page_offers_practice_not_an_empty_page(client, learner, failed):
    client.force_login(learner)
    assert not ReviewCard.objects.filter(user=learner).due().exists()  # ten minutes away
    cards = ReviewCard.objects.filter(user=learner).count()
    page = client.get(reverse("progress:review")).content.decode()
    assert "Nothing to review right now" in page
    assert f"Practise {cards} cards now" in page and reverse("progress:practice_upcoming", args=[1]) in page
    assert "(Ho Chi Minh time (UTC+07:00))" in page  # the due time says its zone, as a person reads it
    assert "Asia/Ho_Chi_Minh" not in page

    card = ReviewCard.objects.filter(user=learner).order_by("due", "id").first()
    question = Question.objects.prefetch_related("choices").get(pk=card.question_id)
    page = client.get(reverse("progress:practice_upcoming", args=[1])).content.decode()
    assert question.prompt_html in page
    client.post(
        reverse("progress:practice_upcoming", args=[1]), keyed(answer_data(Asked(learner.pk, question), question))
    )
    assert PracticeAnswer.objects.filter(user=learner, question=question).exists()
    assert ReviewCard.objects.get(pk=card.pk).due == card.due  # the schedule stays


def test_practice_counts_as_activity_for_the_streak(learner):
    today = timezone.localdate(timezone=learner.zone)
    DailyActivity.add(learner.pk, today, {"practice_answers": 2})
    days = set(DailyActivity.objects.filter(user=learner).active().values_list("day", flat=True))
    assert days == {today} and streak(days, today) == 1


def test_practice_answers_join_the_data_export_and_go_with_the_account(learner, failed):
    question = missed_questions(failed)[0]
    PracticeAnswer.objects.create(user=learner, question=question, answer={"text": "x"}, fraction=Decimal("0.5"))
    exported = personal_data.export_data(learner)["practice_answers"]
    assert exported == [
        {
            "question": question.key,
            "answer": {"text": "x"},
            "fraction": "0.500000",
            "answered_at": PracticeAnswer.objects.get().answered_at.isoformat(),
        }
    ]
    personal_data.delete_account(learner)
    assert not PracticeAnswer.objects.exists()
