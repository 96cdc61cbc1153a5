"""/metrics (Prometheus' text format, behind settings.METRICS) and the request id that follows a
request into its log lines and its lab grading."""

import json
import logging

import pytest
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from devopslearn.lib.logging import JsonFormatter, new_request_id, request_context
from labs.models import Submission
from tests.factories import make_path
from tests.labs.conftest import DOCKERFILE_FIXED, make_lab

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "labs"]}}


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_off_unless_switched_on(client):
    assert client.get("/metrics").status_code == 404


@override_settings(METRICS=True)
def test_requests_are_counted_and_timed_by_view_never_by_path(client):
    before = scrape(client)
    for _ in range(3):
        client.get("/healthz")
    client.get("/no/such/page/42")
    after = scrape(client)
    ok = {"view": "healthz", "method": "GET", "status": "200"}
    assert value(after, "devopslearn_requests_total", **ok) - value(before, "devopslearn_requests_total", **ok) == 3
    count = "devopslearn_request_duration_seconds_count"
    assert value(after, count, view="healthz") - value(before, count, view="healthz") == 3
    missing = {"view": "(unmatched)", "method": "GET", "status": "404"}
    assert (
        value(after, "devopslearn_requests_total", **missing) - value(before, "devopslearn_requests_total", **missing)
        == 1
    )
    assert not any("/no/such" in str(labels) for _, labels in after)


@override_settings(METRICS=True, TASKS=DB_TASKS)
def test_the_queue_depth_is_read_from_the_queue(client, learner):
    lab = make_lab(make_path(modules=1, lessons=1, with_quiz=False).modules.get())
    assert value(scrape(client), "devopslearn_task_queue_depth", queue="labs") == 0
    for n in range(2):  # two files: the same file twice at once would be one check
        Submission.submit(learner, lab, DOCKERFILE_FIXED + f"# {n}\n").enqueue()
    assert value(scrape(client), "devopslearn_task_queue_depth", queue="labs") == 2


@override_settings(METRICS=True)
def test_grading_time_is_observed_by_tool(client, learner):
    lab = make_lab(make_path(modules=1, lessons=1, with_quiz=False).modules.get())
    before = scrape(client)
    client.force_login(learner)
    response = client.post(lab.get_absolute_url() + "check/", {"artifact": DOCKERFILE_FIXED})
    assert response.status_code == 302  # graded inside the request by the suite's immediate backend
    after = scrape(client)
    count = "devopslearn_grading_seconds_count"
    for tool in ("hadolint", "devopslearn", "(grading)"):
        assert value(after, count, tool=tool) - value(before, count, tool=tool) == 1, tool
    submission = Submission.objects.get(user=learner)
    assert set(submission.result["seconds"]) == {"hadolint", "devopslearn"}


def test_each_response_carries_its_request_id_and_a_proxys_id_is_kept_if_it_looks_like_one(client):
    own = client.get("/healthz")["X-Request-ID"]
    assert len(own) == 32 and own != client.get("/healthz")["X-Request-ID"]
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-0a1b2c3d"})["X-Request-ID"] == "nginx-0a1b2c3d"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" injected {"level": "ERROR"}'})["X-Request-ID"]
    assert len(forged) == 32 and forged.isalnum()  # replaced by a fresh id
    assert new_request_id("short") != "short"


def test_log_lines_carry_the_request_id_only_inside_the_request():
    formatter = JsonFormatter()
    record = logging.LogRecord("devopslearn", logging.INFO, __file__, 1, "graded", None, None)
    with request_context("abcdef123456"):
        assert json.loads(formatter.format(record))["request_id"] == "abcdef123456"
    assert "request_id" not in json.loads(formatter.format(record))


class Lines(logging.Handler):
    """The JSON lines a log handler writes, formatted as they are emitted."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


def test_a_lab_submissions_grading_logs_the_submitting_requests_id(client, learner):
    lab = make_lab(make_path(modules=1, lessons=1, with_quiz=False).modules.get())
    client.force_login(learner)
    handler, tasks_log = Lines(), logging.getLogger("labs.tasks")
    tasks_log.addHandler(handler)
    level = tasks_log.level
    tasks_log.setLevel(logging.INFO)
    try:
        response = client.post(
            lab.get_absolute_url() + "check/", {"artifact": DOCKERFILE_FIXED}, headers={"X-Request-ID": "req-12345678"}
        )
    finally:
        tasks_log.removeHandler(handler)
        tasks_log.setLevel(level)
    assert response["X-Request-ID"] == "req-12345678"
    graded = [line for line in handler.lines if line["message"] == "lab submission graded"]
    assert len(graded) == 1
    assert graded[0]["request_id"] == "req-12345678"
    assert graded[0]["submission_id"] == Submission.objects.get(user=learner).pk
