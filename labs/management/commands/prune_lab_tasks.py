from django.conf import settings
from django.core.management.base import BaseCommand

from labs.maintenance import prune_task_results, sweep_stale_submissions


class Command(BaseCommand):
    help = (
        "Delete stored grading task results older than LABS_RESULT_DAYS (30) days, and retry or close "
        "lab submissions that no worker finished (run it daily, or more often)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.LABS_RESULT_DAYS)

    def handle(self, *args, days, **options):
        pruned = prune_task_results(days)
        swept = sweep_stale_submissions()
        self.stdout.write(
            f"Pruned {pruned} task result(s) older than {days} days; retried or closed {swept} stale submission(s)."
        )
