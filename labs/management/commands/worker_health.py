"""The grading workers' probe (compose.yaml, deploy/k8s/worker.yaml): exit 0 when the database (and
Redis, scaled out) answer and, given --worker-name, when that RQ worker's heartbeat is recent."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devopslearn import health

# rq's workers write a heartbeat at least every worker_ttl (420 s by default) and, while a job runs,
# every job_monitoring_interval (30 s): a worker silent for longer has hung or died.
HEARTBEAT_SECONDS = 420


class Command(BaseCommand):
    help = "Exit 0 when the services a grading worker needs answer (and the named RQ worker is alive)."

    def add_arguments(self, parser):
        parser.add_argument("--worker-name", help="the name given to rqworker --name: its heartbeat must be recent")

    def handle(self, *args, worker_name=None, **options):
        problems = health.problems()
        if problems:
            raise CommandError(f"unavailable: {', '.join(problems)}")
        if worker_name:
            if not settings.REDIS_URL:
                raise CommandError("--worker-name is for RQ workers: set REDIS_URL")
            self._check_heartbeat(worker_name)
        self.stdout.write("ok")

    def _check_heartbeat(self, name: str) -> None:
        from datetime import UTC, datetime

        import django_rq
        from rq.worker import Worker

        worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=django_rq.get_connection())
        if worker is None:
            raise CommandError(f"no RQ worker named {name!r} is registered")
        beat = worker.last_heartbeat  # rq keeps it in UTC, with or without a zone
        if beat is None or (datetime.now(UTC) - beat.replace(tzinfo=UTC)).total_seconds() > HEARTBEAT_SECONDS:
            raise CommandError(f"the RQ worker {name!r} has not beaten since {beat}")
