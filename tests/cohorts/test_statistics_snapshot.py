"""The lead's question statistics are computed by a task and stored with their time (issue 21):
the pages read the stored figures, say when they were computed, and ask for a new computation once
they are older than MAX_AGE (once, whoever views the page). The stored figures are what
quizzes.statistics computes from the answers."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cohorts import questions
from cohorts.models import CohortStatistics
from progress.states import PathPlan
from quizzes.models import Question
from quizzes.statistics import misconception_statistics, misconceptions_by_question, question_statistics
from tests.cohorts.test_dashboard import populate
from tests.progress.helpers import module_quiz, take_quiz

pytestmark = pytest.mark.django_db


def test_the_stored_statistics_are_what_the_answers_give(lead_client, cohort, curriculum):
    populate(cohort, 12, seed=3)
    page = lead_client.get(f"/cohorts/{cohort.slug}/questions/").content.decode()
    assert "Statistics as of" in page
    stored = questions.snapshot(cohort)
    plan = PathPlan.of(curriculum)
    ids = list(questions.path_questions(plan).values_list("pk", flat=True))
    members = cohort.memberships.values("user_id")
    assert stored.questions == question_statistics(ids, members)
    assert stored.by_question == misconceptions_by_question(ids, members)
    module_quizzes = list(questions.path_questions(plan).filter(quiz__lesson__isnull=True).values_list("pk", flat=True))
    assert stored.misconceptions == misconception_statistics(module_quizzes, members)
    for pk in ids:  # grouped by question, the counts of each question alone
        alone = misconception_statistics([pk], members)
        assert stored.by_question.get(pk, []) == alone
    answered = [pk for pk in ids if stored.questions[pk].responses]
    assert answered
    detail = lead_client.get(f"/cohorts/{cohort.slug}/questions/{answered[0]}/").content.decode()
    assert f"Responses: {stored.questions[answered[0]].responses}" in detail.replace("</li>", "").replace("<li>", "")


def test_statistics_are_computed_again_once_older_than_max_age(lead_client, cohort, curriculum, learner):
    quiz = module_quiz(curriculum.modules.order_by("order").first())
    url = f"/cohorts/{cohort.slug}/questions/"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        lead_client.get(url)
        first = CohortStatistics.objects.get(cohort=cohort)
        assert first.computed_at == start and not any(s["responses"] for s in first.questions.values())
    take_quiz(learner, quiz, wrong=set())
    with time_machine.travel(start + questions.MAX_AGE - timedelta(seconds=1), tick=False):
        lead_client.get(url)  # still fresh: the answers wait for the next computation
        assert CohortStatistics.objects.get(cohort=cohort).computed_at == start
    later = start + questions.MAX_AGE + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        page = lead_client.get(url).content.decode()
        stored = CohortStatistics.objects.get(cohort=cohort)
        assert stored.computed_at == later and any(s["responses"] for s in stored.questions.values())
        assert "No answers yet" not in page


def test_without_a_worker_the_page_says_so_and_asks_once(lead_client, cohort, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "labs"]}}
    url = f"/cohorts/{cohort.slug}/questions/"
    page = lead_client.get(url)
    assert page.status_code == 200
    assert "The statistics are being computed" in page.content.decode()
    requested = CohortStatistics.objects.get(cohort=cohort).requested_at
    lead_client.get(url)
    assert CohortStatistics.objects.get(cohort=cohort).requested_at == requested  # asked once
    # A computation asked for long ago and never done (a lost task) is asked for again.
    with time_machine.travel(requested + questions.MAX_AGE + timedelta(minutes=1), tick=False):
        lead_client.get(url)
        assert CohortStatistics.objects.get(cohort=cohort).requested_at > requested


def test_while_computing_htmx_asks_again_until_the_statistics_arrive_and_the_page_keeps_a_reload_link(
    lead_client, cohort, curriculum, settings
):
    """The page that says "being computed" refreshes itself with htmx (its statistics partial asks again
    every few seconds, and stops once they are there); without JavaScript its reload link works. Both the
    Questions tab and a question's page."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "labs"]}}
    question = Question.objects.filter(quiz__module__path=curriculum).order_by("pk").first()
    for url in [f"/cohorts/{cohort.slug}/questions/", f"/cohorts/{cohort.slug}/questions/{question.pk}/"]:
        page = lead_client.get(url).content.decode()
        assert "The statistics are being computed" in page
        assert f'<a href="{url}">reload the page</a>' in page, url
        assert f'id="cohort-statistics" hx-get="{url}" hx-trigger="load delay:3s"' in page, url
        polled = lead_client.get(url, headers={"HX-Request": "true"})
        fragment = polled.content.decode()
        assert fragment.lstrip().startswith('<div id="cohort-statistics" hx-get='), url  # the partial alone
        assert "<nav" not in fragment and "hx-trigger" in fragment
        assert polled.headers["Vary"].count("HX-Request") == 1
    questions.store(cohort, timezone.now())
    for url in [f"/cohorts/{cohort.slug}/questions/", f"/cohorts/{cohort.slug}/questions/{question.pk}/"]:
        fragment = lead_client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "Statistics as of" in fragment and "hx-get" not in fragment, url  # ready: the asking stops


def test_while_computing_the_page_asks_less_and_less_often_then_stops_and_says_so(client, lead, cohort, settings):
    """No worker: the page asks after 3 s, then after as long as it has waited (doubling), at most 30 s
    apart; it shows when the computation started (a polite status with a moving cue). Past two minutes
    it stops asking and says plainly that it takes longer than usual, with a reload link, and tells
    staff that a task worker must be running."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "labs"]}}
    url = f"/cohorts/{cohort.slug}/questions/"
    client.force_login(lead)
    start = timezone.now().replace(hour=7, minute=2, second=0, microsecond=0)  # 14:02 in Ho Chi Minh City
    with time_machine.travel(start, tick=False):
        page = client.get(url).content.decode()
    assert 'hx-trigger="load delay:3s"' in page
    assert 'role="status"><span class="spinner" aria-hidden="true"></span>' in page
    assert "The statistics are being computed… started at 14:02." in page
    for waited, delay in [(3, 3), (6, 6), (12, 12), (24, 24), (48, 30), (110, 30)]:
        with time_machine.travel(start + timedelta(seconds=waited), tick=False):
            fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert f'hx-trigger="load delay:{delay}s"' in fragment, waited
    with time_machine.travel(start + questions.POLL_GIVE_UP + timedelta(seconds=1), tick=False):
        fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "hx-get" not in fragment and "spinner" not in fragment  # the asking stops
        assert "Computing the statistics, started at 14:02, is taking longer than usual" in fragment
        assert f'<a href="{url}">reload the page</a> later' in fragment
        assert "task worker" not in fragment  # a lead is not the one who can start it
        lead.is_staff = True
        lead.save()
        staff = client.get(url).content.decode()
        assert "For staff: statistics are computed by a task worker" in staff


def test_a_new_computation_that_takes_long_keeps_the_old_figures_and_stops_asking(lead_client, cohort, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "labs"]}}
    url = f"/cohorts/{cohort.slug}/questions/"
    start = timezone.now()
    questions.store(cohort, start - questions.MAX_AGE - timedelta(minutes=1))
    with time_machine.travel(start, tick=False):
        page = lead_client.get(url).content.decode()
        assert "Statistics as of" in page and "Computing new statistics… started at" in page
        assert 'hx-trigger="load delay:3s"' in page
    with time_machine.travel(start + questions.POLL_GIVE_UP + timedelta(seconds=1), tick=False):
        page = lead_client.get(url).content.decode()
        assert "hx-get" not in page and "is taking longer than usual" in page
