"""What /healthz and the workers' probe (manage.py worker_health) check: the services this process
needs answer. Embedded: the database. Scaled out (REDIS_URL): Redis too, which holds the sessions'
cache and the task queue."""

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection


def problems() -> dict[str, str]:
    """{service: "unavailable"} for each service that does not answer; {} when all do."""
    found = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        connection.close_if_unusable_or_obsolete()
        found["database"] = "unavailable"
    if settings.REDIS_URL:
        from redis.exceptions import RedisError

        try:
            caches["default"].has_key("healthz")
        except RedisError:
            found["redis"] = "unavailable"
    return found


def services() -> list[str]:
    return ["database", "redis"] if settings.REDIS_URL else ["database"]
