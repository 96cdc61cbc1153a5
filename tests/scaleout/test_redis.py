"""With REDIS_URL: the caches, the sessions' cache and the task queue are in the one Redis every
instance and worker shares, and a lab submitted through one instance is graded by an RQ worker."""

import json
import subprocess
import sys

import pytest
import redis
import rq
from django.conf import settings

from labs.models import Submission, SubmissionState
from tests.factories import PASSWORD, make_path
from tests.labs.conftest import DOCKERFILE_FIXED, make_lab
from tests.scaleout.instances import Instance, Visitor, instance_env

pytestmark = pytest.mark.django_db(transaction=True)


def keys(url: str, pattern: str) -> list[bytes]:
    return list(redis.Redis.from_url(url).scan_iter(pattern))


def test_fragments_and_sessions_live_in_the_shared_redis(redis_url, member):
    make_path(modules=1, lessons=1, slug="scale", with_quiz=False)
    instance = Instance(redis_url).start()
    try:
        visitor = Visitor()
        visitor.log_in(instance, "member", PASSWORD)
        assert visitor.get(instance, "/paths/scale/m1/").status == 200
        assert keys(redis_url, "devopslearn-fragments:*"), "no rendered fragment in Redis"
        assert len(keys(redis_url, "devopslearn:*cached_db*")) == 1, "the session is not cached in Redis"

        visitor.post(instance, "/accounts/logout/", form_from="/accounts/me/")
        assert keys(redis_url, "devopslearn:*cached_db*") == []
    finally:
        instance.stop()


def test_a_lab_submitted_through_an_instance_is_graded_by_an_rq_worker(redis_url, member):
    path = make_path(modules=1, lessons=1, slug="scale", with_quiz=False)
    lab = make_lab(path.modules.get())
    instance = Instance(redis_url).start()
    try:
        visitor = Visitor()
        visitor.log_in(instance, "member", PASSWORD)
        answer = visitor.post(
            instance,
            lab.get_absolute_url() + "check/",
            {"artifact": DOCKERFILE_FIXED},
            form_from=lab.get_absolute_url(),
        )
        assert answer.status == 302
    finally:
        instance.stop()

    submission = Submission.objects.get(user=member, lab=lab)
    assert submission.state == SubmissionState.QUEUED and submission.task_id
    queue = rq.Queue("labs", connection=redis.Redis.from_url(redis_url))
    assert queue.job_ids == [submission.task_id]  # on RQ, not in the database queue

    worker = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "labs", "--burst", "--job-class", "django_tasks_rq.Job"],
        cwd=settings.BASE_DIR,
        env={**instance_env(redis_url), "LOG_LEVEL": "INFO"},
        capture_output=True,
        timeout=180,
    )
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]
    submission.refresh_from_db()
    assert submission.state == SubmissionState.GRADED and submission.status == "pass"
    assert queue.count == 0

    # The worker's log line of this grading carries the id of the web request that submitted it.
    lines = [json.loads(line) for line in worker.stderr.decode().splitlines() if line.startswith("{")]
    graded = [line for line in lines if line["message"] == "lab submission graded"]
    assert len(graded) == 1 and answer.request_id
    assert graded[0]["request_id"] == answer.request_id
    assert graded[0]["submission_id"] == submission.pk and graded[0]["status"] == "pass"
