"""Real app instances for the scale-out tests: gunicorn processes on the test database (and, when
given one, a shared Redis), and a cookie-keeping client that may send each request to any of them,
as a load balancer would."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection


def database_url() -> str:
    """The test database, for processes other than the test's own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def instance_env(redis_url: str | None) -> dict[str, str]:
    """The environment of an app server or worker: the project's one settings module, as deployed."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "devopslearn.settings",
        "DEBUG": "1",  # static files without collectstatic; nothing else here depends on it
        "DATABASE_URL": database_url(),
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    for name in ("REDIS_URL", "TASKS_BACKEND", "DEVOPSLEARN_GRADER"):
        env.pop(name, None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@dataclass
class Instance:
    """One gunicorn app server (one worker process) on a port of its own."""

    redis_url: str | None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Instance":
        command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=instance_env(self.redis_url),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.process.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:  # noqa: S310 - our own server
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    text: str
    location: str
    request_id: str = ""


class Visitor:
    """A browser without JavaScript: one cookie jar, requests sent to whichever instance is named."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def copy(self) -> "Visitor":
        """Another client holding the same cookies (the session cookie copied before a logout)."""
        twin = Visitor()
        for cookie in self.cookies:
            twin.cookies.set_cookie(cookie)
        return twin

    def _send(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=60) as answer:
                headers = answer.headers
                return Answer(answer.status, answer.read().decode(), headers["Location"] or "", headers["X-Request-ID"])
        except urllib.error.HTTPError as error:
            headers = error.headers
            return Answer(error.code, error.read().decode(), headers["Location"] or "", headers["X-Request-ID"] or "")

    def get(self, instance: Instance, path: str) -> Answer:
        return self._send(urllib.request.Request(instance.url + path))  # noqa: S310 - our own server

    def post(self, instance: Instance, path: str, data: dict | None = None, *, form_from: str | None = None) -> Answer:
        """POST ``data`` with the CSRF token of the form on page ``form_from`` (read from ``instance``)."""
        page = self.get(instance, form_from or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no CSRF token on {form_from or path} ({page.status})"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **(data or {})}).encode()
        request = urllib.request.Request(  # noqa: S310 - our own server
            instance.url + path, data=body, headers={"Referer": instance.url + (form_from or path)}
        )
        return self._send(request)

    def log_in(self, instance: Instance, username: str, password: str) -> None:
        answer = self.post(instance, "/accounts/login/", {"username": username, "password": password})
        assert answer.status == 302, f"login refused ({answer.status})"
