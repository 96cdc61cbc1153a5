"""The scale-out tests: several real app instances (and grading workers) sharing one database and,
where REDIS_URL names one, one Redis. `.ci/run` starts a local Redis and runs them with REDIS_URL."""

import os
import urllib.parse

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.factories import PASSWORD, make_user
from tests.scaleout.instances import Instance

NO_REDIS = "needs a Redis server: set REDIS_URL=redis://127.0.0.1:6379/0 (.ci/run starts one and sets it)"


def _own_redis_database(url: str, worker: str) -> str:
    """REDIS_URL with a database number of this xdist worker's own (gw0 -> 1, gw1 -> 2, ...), emptied:
    two workers never read each other's queue or sessions."""
    import redis

    number = int(worker[2:]) + 1 if worker.startswith("gw") else 1
    parts = urllib.parse.urlsplit(url)
    own = urllib.parse.urlunsplit(parts._replace(path=f"/{number}"))
    redis.Redis.from_url(own).flushdb()
    return own


@pytest.fixture
def redis_url(worker_id):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip(NO_REDIS)
    return _own_redis_database(url, worker_id)


@pytest.fixture(params=["embedded", "redis"])
def deployment(request, worker_id):
    """Each test twice: the embedded settings (no REDIS_URL) and the scaled-out ones (with it)."""
    if request.param == "embedded":
        return None
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip(NO_REDIS)
    return _own_redis_database(url, worker_id)


@pytest.fixture
def instances(deployment):
    """Two app servers with identical settings, as behind a load balancer."""
    started = []
    try:
        for _ in range(2):
            started.append(Instance(deployment).start())
        yield started
    finally:
        for instance in started:
            instance.stop()


@pytest.fixture
def member(db):
    """A learner whose password the instances' own hashers verify (the suite's MD5 is not among them)."""
    user = make_user("member")
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt", iterations=1000)
    user.save(update_fields=["password"])
    return user
