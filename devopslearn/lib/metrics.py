"""The app's own metrics, in Prometheus' text format at /metrics when settings.METRICS is on.

- ``devopslearn_requests_total{view, method, status}`` and
  ``devopslearn_request_duration_seconds{view}`` (a histogram): every request, by its URL pattern's
  name (``courses:lesson``), never by its path (a path holds ids: one series per learner).
- ``devopslearn_grading_seconds{tool}``: how long each tool took on a submission (the tools' own
  timings from the result, ``labs.results``), and ``tool="(grading)"`` for the whole grading
  (fork, sandbox and tools).
- ``devopslearn_task_queue_depth{queue}``: tasks waiting, read from the queue at scrape time
  (RQ's queue length, or the database backend's ready rows).

With several processes (gunicorn workers, grading workers) set PROMETHEUS_MULTIPROC_DIR to a folder
they all share and empty at start: any process's /metrics then adds up every process's counts
(prometheus_client's multiprocess mode). Without it each process reports its own.
"""

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

REQUESTS = Counter("devopslearn_requests", "Requests answered, by view", ["view", "method", "status"])
REQUEST_SECONDS = Histogram(
    "devopslearn_request_duration_seconds",
    "Time to answer a request, by view",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
GRADING_SECONDS = Histogram(
    "devopslearn_grading_seconds",
    "Time a lab grading took, by tool; tool=(grading) for the whole sandboxed grading",
    ["tool"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
)
# Every name and label here is in the classic character set: the 0.0.4 text format, which every
# Prometheus version reads.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(view: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(view, method if method in _METHODS else "other", str(status)).inc()
    REQUEST_SECONDS.labels(view).observe(seconds)


def observe_grading(result: dict, seconds: float) -> None:
    for tool, took in (result.get("seconds") or {}).items():
        GRADING_SECONDS.labels(tool).observe(took)
    GRADING_SECONDS.labels("(grading)").observe(seconds)


class QueueDepthCollector:
    """Tasks waiting in each queue of the default django.tasks backend, read at scrape time."""

    def collect(self):
        from django.conf import settings

        family = GaugeMetricFamily("devopslearn_task_queue_depth", "Tasks waiting to run, by queue", labels=["queue"])
        backend = settings.TASKS["default"]["BACKEND"]
        for queue in settings.TASKS["default"].get("QUEUES", ["default"]):
            depth = _depth(backend, queue)
            if depth is not None:
                family.add_metric([queue], depth)
        yield family


def _depth(backend: str, queue: str) -> int | None:
    if backend == "django_tasks_rq.RQBackend":
        import django_rq

        return django_rq.get_queue(queue).count
    if backend == "django_tasks_db.DatabaseBackend":
        from django.tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(queue_name=queue, status=TaskResultStatus.READY).count()
    return None  # the immediate and dummy backends have no queue


def exposition() -> bytes:
    """Every metric of this process (or, in multiprocess mode, of every process), as text."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(REQUEST_SECONDS)
        registry.register(GRADING_SECONDS)
    registry.register(QueueDepthCollector())
    return generate_latest(registry)
