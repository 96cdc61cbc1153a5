"""Upkeep of the grading queue: old task results pruned, stale submissions swept."""

from datetime import timedelta

from django.apps import apps
from django.tasks import task_backends
from django.utils import timezone

from labs.models import Submission


def prune_task_results(days: int) -> int:
    """Delete finished task results older than ``days`` days from backends that store them in the
    database (django-tasks-db); other backends keep results by their own rules (RQ: result_ttl).
    The learners' submissions, with their scores and results, are kept: they are the learner's data."""
    if not apps.is_installed("django_tasks_db"):
        return 0
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    aliases = [alias for alias in task_backends.settings if isinstance(task_backends[alias], DatabaseBackend)]
    if not aliases:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    old = DBTaskResult.objects.filter(backend_name__in=aliases, finished_at__lt=cutoff)
    deleted, _ = old.delete()
    return deleted


def sweep_stale_submissions() -> int:
    """Retry or close every submission that no worker is going to finish (``Submission.sweep_if_stale``)."""
    now = timezone.now()
    candidates = Submission.objects.pending().filter(created_at__lt=now - Submission.ENQUEUE_DEADLINE)
    return sum(submission.sweep_if_stale(now) for submission in candidates.select_related("lab", "user"))
