"""The grading task. Any django.tasks backend runs it (settings.TASKS): the database backend's
``db_worker`` by default, RQ with the scale-out settings. The task loads the submission, keeps the
heavy tools imported in the worker (``tools.preload``), grades in a sandboxed child per submission
and stores the result. A task that runs twice for one submission grades it once (``claim``).

``request_id`` is the id of the web request that enqueued it: the worker's log lines carry it, so a
submission is followed from the learner's request to its verdict (devopslearn/lib/logging.py)."""

import logging
import time

from django.conf import settings
from django.tasks import task
from django.utils import translation

from devopslearn.lib.logging import request_context
from labs import grading, results, tools
from labs.messages import Message
from labs.models import BROKEN_MESSAGE, Submission
from labs.sandbox import UNAVAILABLE_MESSAGE, SandboxUnavailable

logger = logging.getLogger(__name__)


@task(queue_name="labs")
def grade_submission(submission_id: int, request_id: str = "") -> str:
    """Grade one stored submission; returns its status ("pass", "fail", "error") or "skipped"."""
    with request_context(request_id):
        started = time.perf_counter()
        status = _claim_and_grade(submission_id)
        logger.info(
            "lab submission graded",
            extra={
                "fields": {
                    "submission_id": submission_id,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
            },
        )
        return status


def _claim_and_grade(submission_id: int) -> str:
    """Claim the submission (another worker may have it) and grade it in the language of the page
    where Check was pressed."""
    submission = Submission.claim(submission_id)
    if submission is None:
        return "skipped"
    with translation.override(submission.language or settings.LANGUAGE_CODE):  # the learner's page's language
        return _grade(submission)


def _grade(submission: Submission) -> str:
    submission_id = submission.pk
    try:
        spec = submission.lab.spec()
        if settings.LABS_PRELOAD_TOOLS:
            tools.preload({check.tool for check in spec.checks})
        started = time.perf_counter()
        result = grading.grade_sandboxed(spec, submission.artifact)
        if settings.METRICS:
            from devopslearn.lib import metrics

            metrics.observe_grading(result, time.perf_counter() - started)
    except SandboxUnavailable:
        result = results.error(Message(UNAVAILABLE_MESSAGE), max_score=submission.max_score)
    except Exception:
        logger.exception("grading lab submission %s failed", submission_id)
        submission.record(results.error(Message(BROKEN_MESSAGE)))
        raise
    submission.record(result)
    return result["status"]
