"""Real grading workers (django-tasks-db's db_worker in their own processes): a worker killed in the
middle of a grading loses nothing, and hostile files leave the worker up for the next learner."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from labs.models import Submission, SubmissionState
from tests.labs.conftest import DOCKERFILE_FIXED, make_lab

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "labs"]}}
TEMPLATE = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n'

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("db_tasks")]


@pytest.fixture
def db_tasks():
    with override_settings(TASKS=DB_TASKS):
        yield


def database_url() -> str:
    """The test database, for the worker processes."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(*extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "devopslearn.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEVOPSLEARN_GRADER", None)
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--queue-name",
        "labs",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
        "--verbosity",
        "0",
        *extra,
    ]
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def test_a_worker_killed_mid_grading_loses_nothing(module, learner):
    lab = make_lab(
        module,
        kind="cloudformation",
        starter=TEMPLATE,
        solution=TEMPLATE,
        checks=[("valid", "cfn-lint", "E*", 1)],
    )
    submission = Submission.submit(learner, lab, TEMPLATE)
    submission.enqueue()
    worker = start_worker()
    try:
        # The worker claims it, then imports cfn-lint (seconds): it dies in the middle.
        wait_for(lambda: Submission.objects.get(pk=submission.pk).state == SubmissionState.RUNNING, 120, "a claim")
        os.killpg(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(30)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.RUNNING and submission.artifact == TEMPLATE  # kept

    # Nobody is left on "Checking…": the sweep (run by the learner's next poll) enqueues it again.
    assert submission.sweep_if_stale(timezone.now() + Submission.RUNNING_DEADLINE + timedelta(seconds=1))
    replacement = start_worker("--batch")
    try:
        assert replacement.wait(180) == 0, replacement.stderr.read().decode()[-2000:]
    finally:
        replacement.kill()
    submission.refresh_from_db()
    assert submission.state == SubmissionState.GRADED
    assert submission.status == "pass" and submission.tries == 2


def test_hostile_files_leave_the_worker_up_for_the_next_learner(module, learner, other_learner):
    lab = make_lab(
        module,
        kind="kubernetes",
        starter="a: 1\n",
        solution="a: 1\n",
        checks=[("valid", "kubernetes-validate", "required, type", 1)],
    )
    docker = make_lab(module, slug="docker")
    bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    hostile = {
        "alias bomb": "\n".join(bomb) + "\n",
        "deep": "a: " + "[" * 15000 + "]" * 15000 + "\n",
        "1 MB": "a: b\n" * 200_000,
    }
    stored = {name: Submission.submit(learner, lab, text) for name, text in hostile.items()}
    honest = Submission.submit(other_learner, docker, DOCKERFILE_FIXED)
    for submission in (*stored.values(), honest):
        submission.enqueue()
    worker = start_worker("--batch")
    try:
        assert worker.wait(180) == 0, worker.stderr.read().decode()[-2000:]
    finally:
        worker.kill()
    for name, submission in stored.items():
        submission.refresh_from_db()
        assert submission.status == "error", name
        assert submission.result["message"], name
    honest.refresh_from_db()
    assert honest.status == "pass"
