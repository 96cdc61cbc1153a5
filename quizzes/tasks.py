"""The periodic closing of attempts whose time ran out.

A learner who leaves a timed quiz does not come back to close it: every minute the scheduler
(django-crontask's ``manage.py crontask``, started by bin/with-graders) enqueues this task, and a
worker of the django.tasks backend (settings.TASKS) runs it. Pages that read attempts close the
expired ones they meet too (quizzes.attempts.close_expired), so nobody waits for the minute.

Why a scheduler rather than a task that re-enqueues itself with ``run_after``: a self-enqueueing
chain breaks for good when one run fails or its row is pruned, and doubles when it is started
twice; the scheduler enqueues a fresh run each minute whatever happened to the last one, holds a
lock so that one scheduler runs (with Redis), and closing is idempotent if two runs overlap.
"""

from crontask import cron
from django.tasks import task

from quizzes import attempts


@cron("* * * * *")
@task()
def close_expired_attempts() -> int:
    """Close every open attempt past its deadline, at its deadline; returns how many were closed."""
    return attempts.close_expired()
