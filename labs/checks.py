"""System checks for lab grading (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Warning, register


@register("labs", deploy=True)
def grading_runs_in_workers(app_configs, **kwargs):
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    if backend.endswith("ImmediateBackend"):
        return [
            Warning(
                "Lab grading would run inside web requests (the immediate tasks backend): cfn-lint would be "
                "imported by web workers and a grading would hold a request for seconds.",
                hint="Use django_tasks_db.DatabaseBackend (or another worker backend) and run its worker.",
                id="labs.W001",
            )
        ]
    return []
