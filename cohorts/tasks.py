"""The cohorts app's background work (django.tasks: any backend of settings.TASKS runs it)."""

from django.tasks import task
from django.utils import timezone

from cohorts import questions
from cohorts.models import Cohort


@task()
def refresh_statistics(cohort_id: int) -> None:
    """Compute a cohort's question statistics and store them with the time they were computed."""
    started = timezone.now()
    cohort = Cohort.objects.select_related("path").filter(pk=cohort_id).first()
    if cohort is not None:  # deleted since: nothing to do
        questions.store(cohort, started)
