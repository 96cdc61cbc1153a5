"""Timed attempts: an attempt whose time ran out is closed at its deadline with its answers, by the
periodic task and by any page or file that reads it; extra time for one learner (an accommodation),
granted by staff in the admin or by the learner's cohort lead, before or during an attempt."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.backends import load_user
from progress.models import ModuleProgress
from quizzes.attempts import OPEN_TIMED_FLAG, AttemptRefused, close_expired_of, start_attempt, submit_answer
from quizzes.models import Attempt, AttemptAllowance
from quizzes.tasks import close_expired_attempts
from tests.cohorts.conftest import make_cohort
from tests.factories import make_user
from tests.quizzes.conftest import answer_data, build_quiz

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def at(minutes: float):
    return time_machine.travel(START + timedelta(minutes=minutes), tick=False)


@pytest.fixture
def timed_quiz():
    """A 1-minute quiz of two single-choice questions, one attempt allowed."""
    return build_quiz(kinds=["single"], count=2, slug="timed", time_limit_minutes=1, max_attempts=1)


@pytest.fixture
def abandoned(learner, timed_quiz):
    """The issue's example: the learner answers one question right, then leaves."""
    with at(0):
        attempt = start_attempt(learner, timed_quiz)
        first = timed_quiz.questions.get(pk=attempt.question_order[0])
        submit_answer(attempt, first, answer_data(attempt, first, "right"))
    return attempt


@pytest.fixture
def cohort_of(lead, learner, timed_quiz):
    return make_cohort(timed_quiz.module.path, slug="timed-cohort", leads=[lead], members=[learner])


def assert_closed_at_its_deadline(attempt):
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.timed_out
    assert attempt.submitted_at == START + timedelta(minutes=1)  # at the deadline, not when it was noticed
    assert attempt.score == 1 and attempt.max_score == 2  # the answer given counts; the other scores 0
    unanswered = attempt.responses.get(answered=False)
    assert unanswered.answered_at == attempt.submitted_at


def test_the_periodic_task_closes_an_abandoned_attempt_at_its_deadline(abandoned, learner, timed_quiz):
    with at(0.5):
        assert close_expired_attempts.enqueue().return_value == 0  # still running: left alone
    assert Attempt.objects.get(pk=abandoned.pk).is_open
    with at(30):
        assert close_expired_attempts.enqueue().return_value == 1
        assert close_expired_attempts.enqueue().return_value == 0  # idempotent
    assert_closed_at_its_deadline(abandoned)
    progress = ModuleProgress.objects.get(user=learner, module=timed_quiz.module)
    assert progress.attempts == 1 and progress.best_percent == 50  # the lead now sees the score


def test_the_task_is_scheduled_every_minute():
    import crontask

    jobs = {job.name: job for job in crontask.scheduler.get_jobs()}
    trigger = str(jobs[close_expired_attempts.name].trigger)
    assert "minute='*'" in trigger and "hour='*'" in trigger


def read_quiz_page(client, world):
    client.force_login(world["learner"])
    return client.get(world["quiz"].get_absolute_url())


def read_progress_page(client, world):
    client.force_login(world["learner"])
    return client.get(reverse("progress:mine"))


def read_path_page(client, world):
    client.force_login(world["learner"])
    return client.get(world["quiz"].module.path.get_absolute_url())


def read_path_page_signed_in(client, world):
    """As after a real login: the session names accounts' backend, whose one user query loads the
    user's flags, "has an open timed attempt" among them (quizzes.attempts.close_expired_of)."""
    client.force_login(world["learner"], backend="accounts.backends.UserBackend")
    return client.get(world["quiz"].module.path.get_absolute_url())


def read_overview(client, world):
    client.force_login(world["lead"])
    return client.get(reverse("cohorts:overview", args=[world["cohort"].slug]))


def read_member(client, world):
    client.force_login(world["lead"])
    return client.get(reverse("cohorts:member", args=[world["cohort"].slug, world["learner"].pk]))


def read_csv(client, world):
    client.force_login(world["lead"])
    response = client.get(reverse("cohorts:export", args=[world["cohort"].slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[1][6:8] == ["In progress", "50.0"]  # the module's state label and best score, after closing
    return response


def read_admin(client, world):
    client.force_login(world["superuser"])
    return client.get(reverse("admin:quizzes_attempt_changelist"))


def read_export(client, world):
    client.force_login(world["learner"])
    response = client.get(reverse("privacy-export"))
    assert response.json()["attempts"][0]["submitted_at"] == "2026-11-29T09:01:00+00:00"
    return response


@pytest.mark.parametrize(
    "read",
    [
        read_quiz_page,
        read_progress_page,
        read_path_page,
        read_path_page_signed_in,
        read_overview,
        read_member,
        read_csv,
        read_admin,
        read_export,
    ],
)
def test_any_page_or_file_that_reads_an_expired_attempt_closes_it_first(
    client, abandoned, learner, lead, superuser, timed_quiz, cohort_of, read
):
    world = {"learner": learner, "lead": lead, "superuser": superuser, "quiz": timed_quiz, "cohort": cohort_of}
    with at(45):
        assert read(client, world).status_code == 200
    assert_closed_at_its_deadline(abandoned)


def test_a_learner_without_an_open_timed_attempt_costs_no_query_to_close_expired_ones(
    learner, timed_quiz, django_assert_num_queries
):
    signed_in = load_user(learner.pk)
    assert getattr(signed_in, OPEN_TIMED_FLAG) is False
    with django_assert_num_queries(0):
        assert close_expired_of(signed_in) == 0
    with at(0):
        start_attempt(learner, timed_quiz)
    assert getattr(load_user(learner.pk), OPEN_TIMED_FLAG) is True
    with at(45):
        assert close_expired_of(load_user(learner.pk)) == 1
    assert getattr(load_user(learner.pk), OPEN_TIMED_FLAG) is False


def test_the_quiz_page_shows_the_closed_attempt_and_no_open_one(client, abandoned, learner, timed_quiz):
    client.force_login(learner)
    with at(45):
        html = client.get(timed_quiz.get_absolute_url()).content.decode()
    assert reverse("quizzes:result", args=[abandoned.public_id]) in html


def grant_as_lead(client, lead, cohort, learner, quiz, **fields):
    client.force_login(lead)
    data = {"quiz": quiz.pk, "extra_attempts": 0, "extra_minutes": 0, "reason": "Accommodation agreed", **fields}
    return client.post(reverse("cohorts:grant", args=[cohort.slug, learner.pk]), data)


def test_a_lead_grants_extra_time_before_the_attempt(client, lead, learner, timed_quiz, cohort_of):
    with at(0):
        response = grant_as_lead(client, lead, cohort_of, learner, timed_quiz, extra_minutes=30)
        assert response.status_code == 302
        attempt = start_attempt(learner, timed_quiz)
    assert attempt.deadline == START + timedelta(minutes=31)
    grant = AttemptAllowance.objects.get()
    assert (grant.granted_by, grant.reason, grant.created_at) == (lead, "Accommodation agreed", START)


def test_a_lead_grants_extra_time_during_the_attempt(client, lead, learner, timed_quiz, cohort_of):
    with at(0):
        attempt = start_attempt(learner, timed_quiz)
    with at(0.5):
        assert grant_as_lead(client, lead, cohort_of, learner, timed_quiz, extra_minutes=10).status_code == 302
    attempt.refresh_from_db()
    assert attempt.deadline == START + timedelta(minutes=11)
    with at(5):  # past the quiz's own minute: the learner still answers
        question = timed_quiz.questions.get(pk=attempt.question_order[0])
        assert submit_answer(attempt, question, answer_data(attempt, question, "right")).created
        assert close_expired_attempts.enqueue().return_value == 0
    with at(20):
        assert close_expired_attempts.enqueue().return_value == 1
    attempt.refresh_from_db()
    assert attempt.submitted_at == START + timedelta(minutes=11) and attempt.timed_out


def test_staff_grant_extra_time_in_the_admin_during_the_attempt(client, instructor, learner, timed_quiz):
    with at(0):
        attempt = start_attempt(learner, timed_quiz)
    client.force_login(instructor)
    with at(0.5):
        response = client.post(
            reverse("admin:quizzes_attemptallowance_add"),
            {"quiz": timed_quiz.pk, "user": learner.pk, "extra_attempts": 0, "extra_minutes": 15, "reason": "Dyslexia"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    attempt.refresh_from_db()
    assert attempt.deadline == START + timedelta(minutes=16)
    assert AttemptAllowance.objects.get().granted_by == instructor


def test_extra_time_does_not_reopen_an_attempt_whose_time_ran_out(
    client, lead, learner, abandoned, timed_quiz, cohort_of
):
    with at(10):
        assert grant_as_lead(client, lead, cohort_of, learner, timed_quiz, extra_minutes=30).status_code == 302
    assert_closed_at_its_deadline(abandoned)  # the page's read closed it at 09:01, before the grant


def test_a_longer_time_limit_reaches_a_running_attempt_and_a_shorter_one_does_not(learner, timed_quiz):
    with at(0):
        attempt = start_attempt(learner, timed_quiz)
    with at(0.5):
        timed_quiz.time_limit_minutes = 20
        timed_quiz.save()
        attempt.refresh_from_db()
        assert attempt.deadline == START + timedelta(minutes=20)
        timed_quiz.time_limit_minutes = 2
        timed_quiz.save()
        attempt.refresh_from_db()
        assert attempt.deadline == START + timedelta(minutes=20)  # the learner was told 20 minutes


def test_a_lead_cannot_grant_outside_their_cohort(client, lead, learner, other_learner, timed_quiz, cohort_of):
    other_lead = make_user("lead-elsewhere")
    other = make_cohort(timed_quiz.module.path, slug="elsewhere", leads=[other_lead], members=[other_learner])
    # a member of another cohort, through the lead's own cohort; the other cohort itself
    assert grant_as_lead(client, lead, cohort_of, other_learner, timed_quiz, extra_minutes=5).status_code == 404
    assert grant_as_lead(client, lead, other, other_learner, timed_quiz, extra_minutes=5).status_code == 404
    assert client.get(reverse("cohorts:grant", args=[other.slug, other_learner.pk])).status_code == 404
    assert not AttemptAllowance.objects.exists()


def test_a_grant_of_nothing_or_on_another_paths_quiz_is_a_form_error(client, lead, learner, timed_quiz, cohort_of):
    response = grant_as_lead(client, lead, cohort_of, learner, timed_quiz)
    assert (
        response.status_code == 400
        and "Grant at least one extra attempt or one extra minute." in response.content.decode()
    )
    elsewhere = build_quiz(kinds=["single"], count=1, slug="elsewhere-path", time_limit_minutes=5)
    response = grant_as_lead(client, lead, cohort_of, learner, elsewhere, extra_minutes=5)
    assert response.status_code == 400
    response = grant_as_lead(client, lead, cohort_of, learner, timed_quiz, extra_minutes="lots")
    assert response.status_code == 400
    assert not AttemptAllowance.objects.exists()


def test_the_grant_page_lists_who_granted_what_when_and_why(client, lead, learner, timed_quiz, cohort_of):
    with at(0):
        grant_as_lead(client, lead, cohort_of, learner, timed_quiz, extra_attempts=1, reason="Power cut")
    html = client.get(reverse("cohorts:grant", args=[cohort_of.slug, learner.pk])).content.decode()
    assert "+1 attempt" in html and "Power cut" in html and lead.shown_name in html
    roster = client.get(reverse("cohorts:roster", args=[cohort_of.slug])).content.decode()
    assert reverse("cohorts:grant", args=[cohort_of.slug, learner.pk]) in roster


def test_the_refusal_names_who_can_grant_another_attempt(client, lead, learner, abandoned, timed_quiz, cohort_of):
    with at(45), pytest.raises(AttemptRefused) as refusal:
        start_attempt(learner, timed_quiz)
    assert f"Your cohort lead ({lead.shown_name}) or an instructor" in str(refusal.value)
    loner = make_user("loner")
    with at(50):
        start_attempt(loner, timed_quiz)
    with at(60), pytest.raises(AttemptRefused, match="An instructor can grant you an extra attempt"):
        start_attempt(loner, timed_quiz)
    with at(61):
        grant_as_lead(client, lead, cohort_of, learner, timed_quiz, extra_attempts=1)
        assert start_attempt(learner, timed_quiz).number == 2
