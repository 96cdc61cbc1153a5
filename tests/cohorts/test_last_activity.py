"""One definition of activity (issue 12, point 9): a lesson completed, a question answered or a card
reviewed makes the day active on the learner's calendar and in the lead's "Last activity" (overview,
CSV, needs attention, drill-down). The lead's overview once showed "—" for a learner who had only
answered questions today."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from fsrs import Rating

from cohorts.attention import needs_attention
from progress import services
from progress.models import ReviewCard
from progress.states import PathPlan
from quizzes import attempts
from tests.cohorts.conftest import make_cohort
from tests.progress.helpers import answer_data, as_post, ask_every_question, module, module_quiz

# 12:00 UTC: 19:00 the same day in the learners' default zone (Asia/Ho_Chi_Minh).
NOON_UTC = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _answer_one_question(learner, curriculum):
    quiz = ask_every_question(module_quiz(module(curriculum, "devops-mindset")))
    attempt = attempts.start_attempt(learner, quiz)
    question = attempt.quiz.questions.get(pk=attempt.question_order[0])
    attempts.submit_answer(attempt, question, as_post(answer_data(attempt.asked(question), attempt.token)))


def _review_one_card(learner, curriculum):
    question = module_quiz(module(curriculum, "devops-mindset")).questions.first()
    card = ReviewCard.objects.create(user=learner, question=question, module_id=question.quiz.module_id)
    services.review(card, Rating.Good)


def _complete_one_lesson(learner, curriculum):
    services.complete_lesson(learner, module(curriculum, "devops-mindset").lessons.order_by("order").first())


@pytest.mark.parametrize("action", [_answer_one_question, _review_one_card, _complete_one_lesson])
def test_every_kind_of_activity_is_the_last_activity_everywhere(action, curriculum, learner, lead, client):
    cohort = make_cohort(curriculum, leads=[lead], members=[learner])
    cohort.memberships.update(joined_at=NOON_UTC - timedelta(days=30))
    with time_machine.travel(NOON_UTC, tick=False):
        action(learner, curriculum)
        client.force_login(lead)
        overview = client.get(reverse("cohorts:overview", args=[cohort.slug])).content.decode()
        export = client.get(reverse("cohorts:export", args=[cohort.slug]), {"headers": "slugs"})
        rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
        attention = needs_attention(cohort, PathPlan.of(curriculum), today=NOON_UTC.date())
        drill_down = client.get(reverse("cohorts:member", args=[cohort.slug, learner.pk])).content.decode()
    assert "<td>10 March 2026</td>" in overview  # the one date style (DATE_FORMAT)
    assert rows[0]["last_active_day (learner's time zone)"] == "2026-03-10"
    assert attention == []  # not "No activity since joining"
    assert "Active on 1 of the last" in drill_down and "<title>Tue 10 Mar: 1</title>" in drill_down


def test_a_learner_who_did_nothing_has_no_last_activity(curriculum, learner, lead, client):
    cohort = make_cohort(curriculum, leads=[lead], members=[learner])
    cohort.memberships.update(joined_at=NOON_UTC - timedelta(days=30))
    client.force_login(lead)
    with time_machine.travel(NOON_UTC, tick=False):
        overview = client.get(reverse("cohorts:overview", args=[cohort.slug])).content.decode()
        attention = needs_attention(cohort, PathPlan.of(curriculum), today=NOON_UTC.date())
    assert "<td>—</td>" in overview
    assert [a.membership.user_id for a in attention] == [learner.pk]
