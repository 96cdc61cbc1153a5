"""A submission's life: stored first, claimed once, recorded once, announced once; a stale one is
retried or closed, so that nobody waits on "Checking…" for ever."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from labs import results, signals
from labs.maintenance import sweep_stale_submissions
from labs.models import NO_WORKER_MESSAGE, STOPPED_MESSAGE, Lab, Submission, SubmissionState
from labs.tasks import grade_submission
from tests.labs.conftest import DOCKERFILE_FIXED, DOCKERFILE_STARTER, make_lab

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default", "labs"]}}


def passing():
    return {
        "status": "pass",
        "score": 5,
        "max_score": 5,
        "percent": 100,
        "checks": [],
        "message": "",
        "other_findings": [],
        "tools": {},
    }


def test_grading_a_stored_submission(learner, lab):
    submission = Submission.submit(learner, lab, DOCKERFILE_FIXED)
    assert submission.state == SubmissionState.QUEUED
    assert grade_submission.call(submission.pk) == "pass"
    submission.refresh_from_db()
    assert submission.state == SubmissionState.GRADED and submission.tries == 1
    assert submission.result["version"] == results.RESULT_VERSION
    assert [c["key"] for c in submission.result["checks"]] == ["tag", "recommends", "user", "no-suppressions"]


def test_a_task_that_runs_twice_grades_once(learner, lab):
    submission = Submission.submit(learner, lab, DOCKERFILE_FIXED)
    assert grade_submission.call(submission.pk) == "pass"
    assert grade_submission.call(submission.pk) == "skipped"
    submission.refresh_from_db()
    assert submission.tries == 1


def test_the_first_pass_is_announced_once(learner, lab):
    heard = []

    def listener(sender, user, lab, submission, **kwargs):
        heard.append((user.pk, lab.pk, submission.pk))

    signals.lab_passed.connect(listener)
    try:
        failing = Submission.submit(learner, lab, DOCKERFILE_STARTER)
        grade_submission.call(failing.pk)
        first = Submission.submit(learner, lab, DOCKERFILE_FIXED)
        grade_submission.call(first.pk)
        again = Submission.submit(learner, lab, DOCKERFILE_FIXED)
        grade_submission.call(again.pk)
        preview = Submission.submit(learner, lab, DOCKERFILE_FIXED, preview=True)
        grade_submission.call(preview.pk)
    finally:
        signals.lab_passed.disconnect(listener)
    assert heard == [(learner.pk, lab.pk, first.pk)]


def test_passed_labs_and_standing_for_progress(learner, other_learner, module, lab):
    optional = make_lab(module, slug="optional", required=False)
    Submission.submit(learner, lab, DOCKERFILE_FIXED).record(passing())
    Submission.submit(other_learner, optional, DOCKERFILE_FIXED).record(passing())
    Submission.submit(learner, optional, DOCKERFILE_FIXED, preview=True).record(passing())
    assert list(Lab.objects.passed_by(learner)) == [lab]
    assert list(Lab.objects.published().required().filter(module=module)) == [lab]
    standing = {lab.slug: (lab.passed, lab.tried) for lab in Lab.objects.filter(module=module).with_standing(learner)}
    assert standing == {"harden": (True, True), "optional": (False, False)}
    second = make_lab(module, slug="second")
    other_module = module.path.modules.exclude(pk=module.pk).get()
    assert Lab.objects.required_standing(learner, [module, other_module]) == {module.pk: (1, 2)}
    Submission.submit(learner, second, DOCKERFILE_FIXED).record(passing())
    assert Lab.objects.required_standing(learner, [module.pk]) == {module.pk: (2, 2)}


@override_settings(TASKS=DUMMY_TASKS)
def test_a_submission_whose_worker_died_is_retried_once_then_closed(learner, lab):
    submission = Submission.submit(learner, lab, DOCKERFILE_FIXED)
    submission.enqueue()
    claimed = Submission.claim(submission.pk)  # a worker takes it... and dies
    assert claimed.state == SubmissionState.RUNNING
    assert not claimed.sweep_if_stale()  # not yet stale
    later = timezone.now() + Submission.RUNNING_DEADLINE + timedelta(seconds=1)
    assert claimed.sweep_if_stale(later)
    claimed.refresh_from_db()
    assert claimed.state == SubmissionState.QUEUED  # retried: enqueued again
    second = Submission.claim(submission.pk)
    assert second.tries == 2
    assert second.sweep_if_stale(timezone.now() + Submission.RUNNING_DEADLINE + timedelta(seconds=1))
    second.refresh_from_db()
    assert second.state == SubmissionState.GRADED and second.status == "error"
    assert second.result["message"] == STOPPED_MESSAGE
    assert "press Check to try again" in STOPPED_MESSAGE
    assert second.artifact == DOCKERFILE_FIXED  # the learner's file is kept


@override_settings(TASKS=DUMMY_TASKS)
def test_a_submission_nobody_takes_is_closed_with_try_again(learner, lab):
    submission = Submission.submit(learner, lab, DOCKERFILE_FIXED)
    submission.enqueue()
    assert not submission.sweep_if_stale(timezone.now() + timedelta(minutes=5))
    assert submission.sweep_if_stale(timezone.now() + Submission.QUEUE_PATIENCE + timedelta(seconds=1))
    submission.refresh_from_db()
    assert submission.status == "error" and submission.result["message"] == NO_WORKER_MESSAGE


def test_a_submission_the_queue_never_received_is_enqueued_again(learner, lab, time_machine):
    time_machine.move_to("2026-11-29 10:00:00+00:00", tick=False)
    submission = Submission.submit(learner, lab, DOCKERFILE_FIXED)  # stored, but enqueue() never ran
    time_machine.shift(Submission.ENQUEUE_DEADLINE + timedelta(seconds=1))
    assert sweep_stale_submissions() == 1
    submission.refresh_from_db()
    assert submission.status == "pass"  # the immediate backend graded it at once


def test_an_unexpected_grading_error_is_recorded_not_left_running(learner, lab, monkeypatch):
    from labs import grading

    def broken(spec, text, limits=None):
        raise RuntimeError("bug")

    monkeypatch.setattr(grading, "grade_sandboxed", broken)
    submission = Submission.submit(learner, lab, DOCKERFILE_FIXED)
    with pytest.raises(RuntimeError):
        grade_submission.call(submission.pk)  # re-raised: the worker logs it and the backend marks it failed
    submission.refresh_from_db()
    assert submission.status == "error" and "try again" in submission.result["message"]


def test_no_sandbox_means_a_clear_refusal(learner, lab, monkeypatch):
    from labs import sandbox

    monkeypatch.setattr(sandbox, "capabilities", lambda: sandbox.Capabilities(None, False, False, 0, None))
    submission = Submission.submit(learner, lab, DOCKERFILE_FIXED)
    assert grade_submission.call(submission.pk) == "error"
    submission.refresh_from_db()
    assert "cannot isolate the checking tools" in submission.result["message"]
