"""The server `make run` starts (gunicorn with gunicorn.conf.py), tried over real sockets."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn started the way the Makefile's `run` target starts it, on a throwaway SQLite file."""

    def __init__(self, tmp_path: Path, **environment: str):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
        for name in ("SECURE_HTTPS", "BEHIND_TLS_PROXY", "FORWARDED_ALLOW_IPS", "DATABASE_URL"):
            env.pop(name, None)
        env.update(
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"sqlite:///{tmp_path / 'serving.sqlite3'}",
            LOG_LEVEL="WARNING",
            **environment,
        )
        self.process = subprocess.Popen(
            [str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                # Both workers booted: answer twice in a row.
                self.get("/healthz", timeout=5)
                self.get("/healthz", timeout=5)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited:\n" + self.process.stderr.read().decode()) from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start within 30 s")

    def get(self, path: str, timeout: float = 1.0, headers: dict | None = None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers or {})
        opener = urllib.request.build_opener(NoRedirect)
        try:
            return opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            return error

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path)
    yield running
    running.stop()


def test_the_makefile_serves_with_the_threaded_workers_of_gunicorn_conf():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "gunicorn --config gunicorn.conf.py" in run
    config: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), {"__file__": str(ROOT / "gunicorn.conf.py")}, config)  # noqa: S102
    from gunicorn.workers.gthread import ThreadWorker

    from devopslearn.lib.workers import PolledThreadWorker

    assert config["worker_class"] == "devopslearn.lib.workers.PolledThreadWorker" and config["threads"] >= 2
    assert issubclass(PolledThreadWorker, ThreadWorker)  # gunicorn's gthread worker


def test_healthz_answers_within_a_second_while_fifty_idle_connections_are_open(server):
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(50)]
    try:
        time.sleep(0.5)  # let the workers accept them all
        started = time.perf_counter()
        response = server.get("/healthz", timeout=1.0)
        elapsed = time.perf_counter() - started
        assert response.status == 200 and b'"ok"' in response.read()
        assert elapsed < 1.0
        # A slow client, sending half a request line, does not stall the server either.
        idle[0].sendall(b"GET /healthz HTTP/1.1\r\nHost: 127")
        assert server.get("/healthz", timeout=1.0).status == 200
    finally:
        for connection in idle:
            connection.close()


@pytest.mark.parametrize(
    ("behind_proxy", "expected"),
    [
        ("", 301),  # no proxy: a client claiming HTTPS over plain HTTP is still redirected to HTTPS
        ("1", 200),  # behind a TLS proxy on this machine: its X-Forwarded-Proto is believed
    ],
)
def test_gunicorn_believes_x_forwarded_proto_only_behind_a_tls_proxy(tmp_path, behind_proxy, expected):
    server = Server(tmp_path, SECURE_HTTPS="1", BEHIND_TLS_PROXY=behind_proxy)
    try:
        response = server.get("/healthz", timeout=5, headers={"X-Forwarded-Proto": "https"})
        assert response.status == expected
        if expected == 301:
            assert response.headers["Location"].startswith("https://")
    finally:
        server.stop()


def test_a_long_search_url_reaches_the_app_not_gunicorns_bare_414(server):
    """A pasted search of 3,000 Vietnamese characters (about 18,000 once percent-encoded): the app
    answers it (here, a visitor: the login page it redirects to), never gunicorn's "Request-URI Too Long"."""
    query = urllib.parse.quote("đường ống " * 300)
    response = server.get(f"/search/?q={query}", timeout=5)
    assert response.status == 302 and response.headers["Location"] == "/accounts/login/?next=/search/"
