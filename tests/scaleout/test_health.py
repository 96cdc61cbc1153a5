"""/healthz and the workers' probe name what they cannot reach: a load balancer or Kubernetes takes
an instance out (or restarts a worker) for the right reason."""

import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tests.scaleout.instances import instance_env


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


def unreachable_redis():
    url = f"redis://127.0.0.1:{closed_port()}/0"
    return override_settings(
        REDIS_URL=url,
        CACHES={
            **settings.CACHES,
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
            },
        },
    )


def test_healthz_names_an_unreachable_redis(client, db):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}  # embedded: no Redis asked
    with unreachable_redis():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "unavailable"}


def test_the_worker_probe_fails_when_redis_is_unreachable(db):
    call_command("worker_health")
    with unreachable_redis(), pytest.raises(CommandError, match="unavailable: redis"):
        call_command("worker_health")


@pytest.mark.django_db(transaction=True)
def test_the_worker_probe_follows_the_named_workers_heartbeat(redis_url):
    env = instance_env(redis_url)
    command = [sys.executable, "manage.py", "rqworker", "labs", "--job-class", "django_tasks_rq.Job", "--name"]
    worker = subprocess.Popen([*command, "probe-me"], cwd=settings.BASE_DIR, env=env, stderr=subprocess.DEVNULL)
    probe = [sys.executable, "manage.py", "worker_health", "--worker-name"]
    try:
        for _ in range(100):
            alive = subprocess.run([*probe, "probe-me"], cwd=settings.BASE_DIR, env=env, capture_output=True)
            if alive.returncode == 0:
                break
        assert alive.returncode == 0, alive.stderr.decode()
        other = subprocess.run([*probe, "somebody-else"], cwd=settings.BASE_DIR, env=env, capture_output=True)
        assert other.returncode == 1 and b"no RQ worker named 'somebody-else'" in other.stderr
    finally:
        worker.terminate()
        worker.wait(30)
