"""prune_lab_tasks: task results older than 30 days go; the learners' submissions stay."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from labs.models import Submission
from tests.labs.conftest import DOCKERFILE_FIXED

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "labs"]}}


@pytest.mark.django_db
@override_settings(TASKS=DB_TASKS)
def test_prune_deletes_finished_results_older_than_30_days(learner, lab, capsys):
    # Three different files: the same file again at once would be the same check (Submission.submit).
    old = Submission.submit(learner, lab, DOCKERFILE_FIXED + "# 1\n")
    old.enqueue()
    recent = Submission.submit(learner, lab, DOCKERFILE_FIXED + "# 2\n")
    recent.enqueue()
    waiting = Submission.submit(learner, lab, DOCKERFILE_FIXED + "# 3\n")
    waiting.enqueue()
    now = timezone.now()
    DBTaskResult.objects.filter(id=old.task_id).update(status="SUCCESSFUL", finished_at=now - timedelta(days=31))
    DBTaskResult.objects.filter(id=recent.task_id).update(status="SUCCESSFUL", finished_at=now - timedelta(days=29))
    call_command("prune_lab_tasks")
    assert {str(i) for i in DBTaskResult.objects.values_list("id", flat=True)} == {recent.task_id, waiting.task_id}
    assert Submission.objects.filter(user=learner).count() == 3
    assert "Pruned 1 task result(s) older than 30 days" in capsys.readouterr().out
