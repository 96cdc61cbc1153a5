#!/usr/bin/env python
"""Lab grading under load: time to verdict per tool, alone and with 30 learners at once.

Builds its own database (the real curriculum, learners, and one bench lab per tool whose checks use
that tool only), serves it with gunicorn in production mode and runs GRADERS grading workers
(django-tasks-db's db_worker, nice 10, tools imported once, a sandboxed child per grading). Then,
through HTTP as a browser would (POST "Check", poll the result as HTMX does):

- each tool alone: SAMPLES checks one after another; time from the POST to the verdict, p50 / p95;
- 30 at once: LEARNERS learners press Check in the same instant; every one must get a verdict (none
  lost, counted in the database), with p50 / p95; meanwhile the lab page is loaded over and over,
  and its p95 is reported beside the same load on an idle server;
- while grading runs (the goal: the lab page's p95 within twice its idle value): the learners' checks
  are posted with the graders paused, then graded while every learner polls and the page is loaded;
- the sandbox's own cost: each tool graded in-process and in a sandboxed child, p50 of each;
- how many graders a room of 300 needs, from the measured grading time.

Run on its own (python bench/lab_grading.py; not bench/labs.py, which would shadow the labs app) or
by bench/run.py (make bench). Writes bench/results/<date>-labs.md.
"""

import argparse
import json
import math
import multiprocessing
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT / "bench"))
TOOLS = ["hadolint", "actionlint", "kubernetes-validate", "yamllint", "devopslearn", "cfn-lint"]
GOALS = {
    "hadolint": 1.0,
    "actionlint": 1.0,
    "kubernetes-validate": 1.0,
    "yamllint": 1.0,
    "devopslearn": 1.0,
    "cfn-lint": 3.0,
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


# --- inside the benchmark's Django (a subprocess with the bench settings) ---------------------------

PERSONAS = r"""
import json, sys, time
import django
django.setup()
from personas import session_cookie
from accounts.models import User
from courses.models import Module
from labs.models import Check, Lab

SOURCES = {  # tool: (real lab to borrow the artifact from, kind, rules)
    "hadolint": ("dockerfile-hardening", "dockerfile", "*"),
    "devopslearn": ("kubernetes-deployment", "kubernetes", "k8s-probes, k8s-resources, k8s-selector-matches"),
    "actionlint": ("github-actions-pipeline", "github_actions", "*"),
    "kubernetes-validate": ("kubernetes-deployment", "kubernetes", "*"),
    "yamllint": ("buildspec-tests-and-reports", "buildspec", "*"),
    "cfn-lint": ("codepipeline-approval", "cloudformation", "*"),
}
learners = int(sys.argv[1])
labs = {}
for tool, (key, kind, rules) in SOURCES.items():
    source = Lab.objects.get(key=key)
    lab, _ = Lab.objects.update_or_create(
        module=source.module, key=f"bench-{tool}",
        defaults=dict(slug=f"bench-{tool}", title=f"Bench {tool}", kind=kind, instructions_md="Bench.",
                      starter=source.starter, solution=source.solution, published=True, required=False),
    )
    Check.objects.update_or_create(lab=lab, key="only", defaults=dict(
        title=tool, tool=tool, rules=rules, points=1, explanation_md="Bench."))
    labs[tool] = {"url": lab.get_absolute_url(), "artifact": source.starter}
users = []
for n in range(learners):
    user, created = User.objects.get_or_create(username=f"bench-labs-{n}", defaults={"email": f"bl{n}@example.com"})
    if created:
        user.set_unusable_password(); user.save()
    users.append(session_cookie(user))
print(json.dumps({"labs": labs, "users": users}))
"""

OVERHEAD = r"""
import json, sys, time, statistics
import django
django.setup()
from labs import grading, tools
from labs.models import Lab
samples = int(sys.argv[1])
out = {}
for tool in %r:
    lab = Lab.objects.get(key=f"bench-{tool}")
    spec = lab.spec()
    tools.preload({tool})
    timings = {"in-process": [], "sandboxed": []}
    for _ in range(samples):
        for label, grade in (("in-process", grading.grade), ("sandboxed", grading.grade_sandboxed)):
            started = time.perf_counter()
            grade(spec, lab.starter)
            timings[label].append(time.perf_counter() - started)
    out[tool] = {label: statistics.median(values) for label, values in timings.items()}
print(json.dumps(out))
""".replace("%r", repr(TOOLS))


def django_script(env: dict, script: str, *args: str) -> dict:
    result = subprocess.run([PY, "-c", script, *args], cwd=ROOT / "bench", env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"bench script failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- HTTP, as a browser does -----------------------------------------------------------------------


class Learner:
    def __init__(self, base: str, persona: dict):
        self.base, self.cookie, self.csrf = base, persona["cookie"], persona["csrf"]

    def request(self, path: str, data: dict | None = None, htmx: bool = False):
        headers = {"Cookie": self.cookie}
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - http://127.0.0.1
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:  # noqa: S310 - our own server on 127.0.0.1
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def check(self, lab: dict, poll: float | None) -> dict:
        """POST Check, then poll the result every ``poll`` seconds, or (None) after the delay the result
        panel's hx-trigger names, as HTMX does, until the verdict is there. Returns the POST's duration,
        the submission's id and what the learner saw."""
        started = time.perf_counter()
        public_id, status = self.post_check(lab)
        posted = time.perf_counter() - started
        if public_id is None:
            return {"post": posted, "id": None, "seen": f"POST {status}"}
        return {"post": posted, "id": public_id, "seen": self.wait(public_id, poll, started)}

    def post_check(self, lab: dict) -> tuple[str | None, int]:
        """POST Check as a form without JavaScript does: (the submission's id or None, the status)."""
        status, headers, _ = self.request(lab["url"] + "check/", {"artifact": lab["artifact"]})
        if status != 302:
            return None, status
        return urllib.parse.parse_qs(urllib.parse.urlparse(headers["Location"]).query)["submission"][0], status

    def wait(self, public_id: str, poll: float | None, started: float) -> str:
        """Poll a submission's result panel until it shows a verdict ("verdict"), an error ("error"), or
        180 s after ``started`` ("timeout")."""
        while time.perf_counter() - started < 180:
            status, _, html = self.request(f"/labs/submissions/{public_id}/", htmx=True)
            if status == 200 and "Checking…" not in html:
                return "error" if "Could not check" in html else "verdict"
            asked = POLL_DELAY.search(html)
            time.sleep(poll if poll is not None or not asked else int(asked.group(1)) / 1000)
        return "timeout"


POLL_DELAY = re.compile(r'hx-trigger="load delay:(\d+)ms"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def page_load_p95(learner: Learner, url: str, stop: threading.Event, seconds: float | None = None) -> float:
    """Load ``url`` over and over (one connection) until ``stop`` is set or ``seconds`` passed: p95."""
    timings = []
    until = time.perf_counter() + seconds if seconds else None
    while not stop.is_set() and (until is None or time.perf_counter() < until):
        started = time.perf_counter()
        learner.request(url)
        timings.append(time.perf_counter() - started)
    return percentile(timings, 0.95)


def _load_until(learner: Learner, url: str, stop, out) -> None:
    out.put(page_load_p95(learner, url, stop))


@contextmanager
def page_loads_apart(learner: Learner, url: str):
    """Load ``url`` over and over in a process of its own while the block runs; the dict yielded gets
    "p95" (seconds) when the block ends. Apart, because in this process thirty learner threads share
    one GIL: a timing taken here waits for them too and would blame the server for it."""
    context = multiprocessing.get_context("fork")
    stop, out = context.Event(), context.Queue()
    process = context.Process(target=_load_until, args=(learner, url, stop, out))
    process.start()
    figures: dict = {}
    try:
        yield figures
    finally:
        stop.set()
        figures["p95"] = out.get(timeout=120)
        process.join(30)


def alone_lab(labs: dict, n: int) -> dict:
    """The tools in turn, each file changed by a comment (the same file again within seconds is the same
    check, Submission.REPEAT_SECONDS, and these learners checked these files in the burst just before)."""
    lab = labs[TOOLS[n % len(TOOLS)]]
    return {**lab, "artifact": lab["artifact"] + "\n# graded alone\n"}


def pause(graders: list, database: str) -> None:
    """SIGSTOP the grading workers, each outside a transaction: on SQLite (IMMEDIATE transactions) one
    stopped inside its claim would hold the write lock and every Check would wait for it."""
    path = database.removeprefix("sqlite:///") if database.startswith("sqlite") else None
    for _ in range(100):
        for process in graders:
            process.send_signal(signal.SIGSTOP)
        if path is None:
            return
        try:
            connection = sqlite3.connect(path, timeout=0)
            connection.execute("BEGIN IMMEDIATE")
            connection.rollback()
            connection.close()
            return
        except sqlite3.OperationalError:  # a grader holds the lock: let it finish, then try again
            for process in graders:
                process.send_signal(signal.SIGCONT)
            time.sleep(0.02)
    sys.exit("could not pause the graders outside a transaction")


def while_grading(learners: list[Learner], labs: dict, graders: list, page: str, database: str) -> dict:
    """The lab page's p95 while grading runs: one check per learner (the tools in turn) is posted with
    the graders paused (SIGSTOP), so that every POST is answered first; then the graders are resumed
    and, while they grade, every learner polls as its page does (after the delay the panel names) and
    the page is loaded over and over. The burst's figure (30 POSTs arriving in the same instant) is the
    web's own load, measured per tool beside it. Returns {"p95": seconds, "verdicts": n, "checks": n}."""
    pause(graders, database)
    try:
        with ThreadPoolExecutor(len(learners)) as pool:
            posted = list(pool.map(lambda pair: pair[1].post_check(alone_lab(labs, pair[0])), enumerate(learners)))
    finally:
        for process in graders:
            process.send_signal(signal.SIGCONT)
    with page_loads_apart(learners[0], page) as loads, ThreadPoolExecutor(len(learners)) as pool:
        started = time.perf_counter()
        seen = list(
            pool.map(
                lambda pair: pair[0].wait(pair[1][0], None, started) if pair[1][0] else "POST failed",
                zip(learners, posted, strict=True),
            )
        )
    return {"p95": loads["p95"], "verdicts": seen.count("verdict"), "checks": len(seen)}


# --- the run ------------------------------------------------------------------------------------


def main() -> None:
    import run as suite  # bench/run.py: the same environment and server as the page benchmarks

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench-labs.sqlite3'}")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--graders", type=int, default=2, help="grading workers")
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--samples", type=int, default=20, help="checks per tool, one at a time")
    args = parser.parse_args()

    (ROOT / "var").mkdir(exist_ok=True)
    env = suite.environment(args.database)
    env["LABS_CHECKS_PER_MINUTE"] = "100000"  # the bench learners check far more often than people do
    if args.database.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(args.database.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    print("== Labs: building the benchmark database")
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"], ["load_content"]):
        suite.manage(env, *command)
    world = django_script(env, PERSONAS, str(args.learners))
    overhead = django_script(env, OVERHEAD, "15")

    server = suite.serve(env, args.port, args.workers)
    grader_env = {**env, "DEVOPSLEARN_GRADER": "1"}
    graders = [
        subprocess.Popen(
            [
                "nice",
                "-n",
                "10",
                PY,
                "manage.py",
                "db_worker",
                "--queue-name",
                "labs",
                "--interval",
                "0.1",
                "--no-reload",
                "--no-startup-delay",
                "--verbosity",
                "0",
            ],
            cwd=ROOT,
            env=grader_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.graders)
    ]
    base = f"http://127.0.0.1:{args.port}"
    learners = [Learner(base, persona) for persona in world["users"]]
    results: dict = {"alone": {}, "burst": {}, "pages": {}}
    try:
        print("== Labs: warming the graders up (they import the tools once)")
        for tool in TOOLS:
            for learner in learners[: args.graders * 2]:
                learner.check(world["labs"][tool], 0.05)
        print(f"== Labs: {args.samples} checks per tool, one at a time")
        for tool in TOOLS:
            lab = world["labs"][tool]
            results["alone"][tool] = [learners[n % len(learners)].check(lab, 0.05) for n in range(args.samples)]
        page = world["labs"]["hadolint"]["url"]
        with page_loads_apart(learners[0], page) as idle_figures:
            time.sleep(8)
        idle = results["pages"]["idle"] = idle_figures["p95"]
        print(f"== Labs: {len(learners)} learners at once, per tool (lab page p95 idle: {idle * 1000:.0f} ms)")
        for tool in TOOLS:
            lab = world["labs"][tool]
            with page_loads_apart(learners[0], page) as loads, ThreadPoolExecutor(len(learners)) as pool:
                barrier = threading.Barrier(len(learners))

                def one(learner, lab=lab, barrier=barrier):
                    barrier.wait()
                    return learner.check(lab, None)  # polling as HTMX does

                results["burst"][tool] = list(pool.map(one, learners))
            results["pages"][tool] = loads["p95"]
            print(f"   {tool}: lab page p95 {results['pages'][tool] * 1000:.0f} ms while grading")
        results["grading"] = while_grading(learners, world["labs"], graders, page, args.database)
        print(f"   while grading: lab page p95 {results['grading']['p95'] * 1000:.0f} ms")
    finally:
        for process in (*graders, server):
            process.terminate()
        for process in (*graders, server):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:  # a loaded machine: a niced grader may not have run since
                process.kill()
                process.wait(10)
    ids = [c["id"] for runs in (*results["alone"].values(), *results["burst"].values()) for c in runs if c["id"]]
    counts = django_script(env, COUNTS, *ids)
    for runs in (*results["alone"].values(), *results["burst"].values()):
        for check in runs:  # time to verdict: the POST, then stored -> graded as the database says
            check["verdict"] = check["post"] + counts["graded_after"].get(check["id"], float("nan"))
    report = table(results, overhead, counts, args)
    print("\n" + report)
    out = ROOT / "bench" / "results" / f"{datetime.now():%Y-%m-%d}-labs.md"
    out.write_text(report + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")


COUNTS = r"""
import json, sys
import django
django.setup()
from labs.models import Submission
learners = Submission.objects.of_learners()
graded_after = {
    str(s.public_id): (s.graded_at - s.created_at).total_seconds()
    for s in learners.filter(public_id__in=sys.argv[1:], graded_at__isnull=False)
}
print(json.dumps({"stored": learners.count(), "graded": learners.filter(state="graded").count(),
                  "errors": learners.filter(status="error").count(), "graded_after": graded_after}))
"""


def table(results: dict, overhead: dict, counts: dict, args) -> str:
    lines = [
        f"# Lab grading, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        f"{os.cpu_count()} CPUs (load average {os.getloadavg()[1]:.1f} over the last 5 minutes: other work on the "
        "machine slows every figure), "
        f"gunicorn {args.workers} workers, {args.graders} grading workers (nice 10, each grading in the idle class), "
        f"{args.learners} learners. Time to verdict: the POST of Check, then from the stored submission to its stored "
        "result (the database's timestamps); learners poll for it as HTMX does, after the delay the page names "
        "(about a second at first).",
        "",
        "| tool | alone p50 | alone p95 | goal | 30 at once p50 | p95 | verdicts | lab page p95 in the burst (idle "
        f"{results['pages']['idle'] * 1000:.0f} ms) | sandbox: in-process / sandboxed p50 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    met = True
    service = []
    for tool in TOOLS:
        alone = [c["verdict"] for c in results["alone"][tool]]
        burst = results["burst"][tool]
        times = [c["verdict"] for c in burst]
        verdicts = sum(c["seen"] == "verdict" for c in burst)
        page = results["pages"][tool]
        ok = percentile(alone, 0.95) < GOALS[tool] and verdicts == len(burst)
        met = met and ok
        cost = overhead[tool]
        service.append(cost["sandboxed"])
        lines.append(
            f"| {tool} | {percentile(alone, 0.5):.3f} s | {percentile(alone, 0.95):.3f} s | < {GOALS[tool]:g} s | "
            f"{percentile(times, 0.5):.2f} s | {percentile(times, 0.95):.2f} s | {verdicts}/{len(burst)} | "
            f"{page * 1000:.0f} ms | {cost['in-process'] * 1000:.0f} / {cost['sandboxed'] * 1000:.0f} ms |"
        )
    mean = statistics.mean(service)
    per_grader_per_minute = 60 / mean
    grading, idle = results["grading"], results["pages"]["idle"]
    met = met and grading["p95"] <= 2 * idle and grading["verdicts"] == grading["checks"]
    lines += [
        "",
        f"**While grading runs** (goal: the lab page's p95 within twice its idle value): the {args.learners} checks "
        f"(the tools in turn) were posted with the graders paused, then graded while every learner polled as its "
        f"page does and the lab page was loaded over and over: lab page p95 {grading['p95'] * 1000:.0f} ms, "
        f"{grading['p95'] / idle:.1f} times idle ({'✓' if grading['p95'] <= 2 * idle else '✗'}); verdicts "
        f"{grading['verdicts']}/{grading['checks']}. The per-tool column above is the page in the burst itself: "
        f"{args.learners} POSTs arriving in the same instant queue on {args.workers} workers, the web's own load, "
        f"whatever grades them.",
        "",
        f"Submissions stored {counts['stored']}, graded {counts['graded']}, errors {counts['errors']}: "
        f"{'none lost' if counts['stored'] == counts['graded'] else 'SOME NOT GRADED'}.",
        "",
        f"A room of 300: one grading costs {mean * 1000:.0f} ms of a grader on average over the tools (sandboxed), so "
        f"a grader serves about {per_grader_per_minute:.0f} checks a minute. 300 learners pressing Check once a "
        f"minute need {math.ceil(300 / per_grader_per_minute)} grader(s) busy on average; for all 300 pressing in "
        f"the same instant to have a verdict within 10 s, {math.ceil(300 * mean / 10)} graders (one core each: "
        f"this 2-core machine runs 2 at full speed).",
        "",
        f"All goals met: {'yes' if met else 'NO'}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
