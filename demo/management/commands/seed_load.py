import time

from django.core.management.base import BaseCommand
from django.db import reset_queries

from demo.seeds import LOAD_BATCH, seed_load


class Command(BaseCommand):
    help = (
        "Create a large synthetic cohort ('Load cohort', load-0001...) for benchmarks, a batch of learners at a "
        "time (memory does not grow with --learners). Idempotent: a second run adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--cohort", default="load-cohort", help="The cohort's slug (another gives other users).")
        parser.add_argument("--batch", type=int, default=LOAD_BATCH, help="Learners written per transaction.")
        parser.add_argument("--quiet", action="store_true", help="No progress lines.")

    def handle(self, *args, learners, seed, cohort, batch, quiet, **options):
        started = time.perf_counter()

        def report(done: int, total: int) -> None:
            reset_queries()  # with DEBUG on, Django keeps every statement of the run in memory
            if not quiet:
                self.stdout.write(f"  {done:,} of {total:,} learners ({time.perf_counter() - started:.0f} s)")

        self.stdout.write(
            seed_load(learners=learners, seed=seed, cohort_slug=cohort, batch=max(1, batch), report=report)
        )
        self.stdout.write(f"({time.perf_counter() - started:.1f} s)")
