#!/usr/bin/env python
"""Login timing: the median (p50) and p90 time of a login POST, the password check included.

`make bench` runs it against its server (``--url``) with the demo learner. Alone,
``python bench/login.py`` builds a throwaway SQLite database with one account, serves it with
gunicorn as `make run` does (gunicorn.conf.py, DEBUG off, the production password hashers) and
times the logins itself. Goal (issue 12.9): p50 under 0.3 s.
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.3  # seconds, p50


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the login's answer is the redirect itself: the page after it is not timed


def one_login(base: str, username: str, password: str) -> float:
    """Seconds the login POST took, until its redirect arrived (a fresh browser: the form is read
    first for its CSRF token)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()  # noqa: S310 - our own server
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    started = time.perf_counter()
    try:
        opener.open(f"{base}/accounts/login/", body.encode(), timeout=30).read()  # noqa: S310 - 127.0.0.1
        status, location = 200, ""
    except urllib.error.HTTPError as answer:  # the 302, unfollowed
        status, location = answer.code, answer.headers.get("Location", "")
    elapsed = time.perf_counter() - started
    if status != 302 or "/accounts/login/" in location:
        sys.exit(f"the login as {username} failed ({status})")
    return elapsed


def measure(base: str, username: str, password: str, count: int) -> str:
    one_login(base, username, password)  # warm the worker
    times = sorted(one_login(base, username, password) for _ in range(count))
    p50, p90 = statistics.median(times), times[int(0.9 * (len(times) - 1))]
    mark = "✓" if p50 < GOAL else "✗"
    return f"login POST ({count} logins): p50 {p50 * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms (goal p50 < {GOAL} s {mark})"


def standalone(count: int) -> str:
    folder = Path(tempfile.mkdtemp(prefix="bench-login-"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{folder / 'login.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    create = "from accounts.models import User; User.objects.create_user('timer', 'timer@example.com', 'a-long-pass-8')"
    subprocess.run([*manage, "shell", "-v", "0", "-c", create], cwd=ROOT, env=env, check=True)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()  # noqa: S310 - 127.0.0.1
                break
            except OSError:
                time.sleep(0.2)
        return measure(f"http://127.0.0.1:{port}", "timer", "a-long-pass-8", count)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (else one is started on a throwaway database)")
    parser.add_argument("--username", default="learner")
    parser.add_argument("--password", default="devops-demo")
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()
    print("  " + (measure(args.url, args.username, args.password, args.count) if args.url else standalone(args.count)))


if __name__ == "__main__":
    main()
