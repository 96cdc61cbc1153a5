"""The test suite's small override of the one settings module: a fast hasher, local caches,
plain static storage (no manifest, so tests need no collectstatic)."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 50)

from devopslearn.settings import *  # noqa: E402,F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A real file (one per xdist worker), in WAL mode like production, rather than a shared in-memory DB.
    # The process id keeps two test runs on one machine apart; pytest-xdist adds its worker suffix.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["*"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # serve static files from their folders, no collectstatic needed
WHITENOISE_USE_FINDERS = True  # (without it whitenoise looks only in STATIC_ROOT, which a fresh clone lacks)
SITE_URL = "https://learn.example.com"  # not the test client's Host: links must come from here
ACCOUNT_ANSWER_SECONDS = 0.0  # the constant-time test sets its own
# Lab grading runs inside the request in tests (each grading still forks a sandboxed child); the
# worker tests switch to the database backend and run real db_worker processes.
TASKS = {
    "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "labs"]},
}
# The suite's own processes keep the embedded caches and database sessions even where REDIS_URL is
# set (xdist workers must not share one cache): the scale-out tests start real instances with REDIS_URL.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "devopslearn"},
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "devopslearn-fragments"},
}
SESSION_ENGINE = "accounts.sessions"
REDIS_URL = ""  # (so /healthz asks no Redis of the suite's own processes either)
