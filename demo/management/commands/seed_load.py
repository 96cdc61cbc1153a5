import time

from django.core.management.base import BaseCommand

from demo.seeds import seed_load


class Command(BaseCommand):
    help = "Create a large synthetic cohort ('Load cohort', load-0001...) for benchmarks. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, learners, seed, **options):
        started = time.perf_counter()
        self.stdout.write(seed_load(learners=learners, seed=seed))
        self.stdout.write(f"({time.perf_counter() - started:.1f} s)")
