#!/usr/bin/env python
"""The benchmark suite (make bench).

Builds a benchmark database with the real curriculum and a large generated cohort, serves it with
gunicorn in production mode (DEBUG off, whitenoise, the same middleware) plus a hello-world endpoint,
and measures each page with wrk in interleaved rounds (A B C A B C ...), so that the machine's drift
affects all alike. Every figure is reported as a ratio to the hello-world ceiling measured in the
same run. Prints one table per database and writes it to bench/results/<date>.md.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
LEARNER_PAGES = ["path", "module", "lesson", "quiz question", "answer feedback", "result", "progress", "review"]
# Ratios to the hello-world ceiling measured in the same run, per database (issue 13).
GOALS = {
    "SQLite": {**dict.fromkeys(LEARNER_PAGES, 0.15), "answer POST": 0.10, "cohort dashboard": 0.04},
    "PostgreSQL": {**dict.fromkeys(LEARNER_PAGES, 0.12), "cohort dashboard": 0.03},
}


def environment(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="devopslearn.settings",
        DEBUG="0",
        EMAIL_CONSOLE="1",
        SECRET_KEY="bench-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def build(env: dict, database_url: str, learners: int) -> None:
    if database_url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(database_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "flush", "--noinput")
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    print("  " + manage(env, "load_content").splitlines()[0])
    print("  " + manage(env, "seed_demo", "--force").splitlines()[0])
    print("  " + manage(env, "seed_load", "--learners", str(learners)).replace("\n", " "))
    print(f"  database built in {time.perf_counter() - started:.0f} s")


def serve(env: dict, port: int, workers: int, app: str = "devopslearn.wsgi:application") -> subprocess.Popen:
    """Start gunicorn with the app's configuration (``app``: the WSGI application to serve) and wait
    until /healthz answers 200; exits the benchmark if it does not within 20 s."""
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            app,
            *("--pythonpath", str(ROOT / "bench")),  # for hello_world
            *("--config", str(ROOT / "gunicorn.conf.py")),  # gthread workers, as `make run` serves
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:  # noqa: S310 - 127.0.0.1
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def serve_hello(port: int, workers: int) -> subprocess.Popen:
    """The ceiling: bench/hello_world.py (startproject's settings and middleware, not the app's),
    served like the app. Its URL is /bench/hello."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    return serve(env, port, workers, app="hello_world:application")


def wrk(url: str, duration: int, connections: int, threads: int, script: str, *args: str) -> dict:
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{duration}s",
        "--latency",
        "-s",
        script,
        url,
        "--",
        *args,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def number(pattern, default=0.0):
        found = re.search(pattern, output)
        return float(found.group(1)) if found else default

    def millis(label):
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not found:
            return 0.0
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    connect, read, write, timeout = (int(x) for x in socket.groups()) if socket else (0, 0, 0, 0)
    kinds = {  # what went wrong, so that a failed request can be told apart from a slow one
        "non-2xx/3xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket": connect + read + write,
        "over 2 s (wrk's timeout)": timeout,
    }
    errors = sum(kinds.values())
    return {
        "error_kinds": kinds,
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": millis("50"),
        "p99": millis("99"),
        "requests": int(number(r"(\d+) requests in")),
        "errors": errors,
    }


def measure_csv(env: dict, port: int, lead: dict, csv_path: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{csv_path}", headers={"Cookie": lead["cookie"]})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - 127.0.0.1
        size = sum(len(chunk) for chunk in iter(lambda: response.read(65536), b""))
    seconds = time.perf_counter() - started
    # Peak memory of a process that streams the export, for the small demo cohort and the large one.
    probe = (
        "import resource, sys, django; django.setup();"
        "from django.test import Client; from accounts.models import User;"
        "c = Client(HTTP_HOST='127.0.0.1'); c.force_login(User.objects.get(username=sys.argv[2]));"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        "r = c.get(sys.argv[1]); n = sum(len(x) for x in r.streaming_content);"
        "print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, n)"
    )
    peaks = {}
    for name, url, user in (("25", "/cohorts/demo-cohort/export.csv", "lead"), ("1000", csv_path, "load-lead")):
        out = subprocess.run(
            [PY, "-c", probe, url, user], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        peaks[name] = (int(out[1]) - int(out[0])) / 1024  # MB grown while streaming
    return {"seconds": seconds, "bytes": size, "rss_small": peaks["25"], "rss_large": peaks["1000"]}


def run_suite(label: str, database_url: str, args) -> dict:
    print(f"\n== {label}: building the benchmark database")
    env = environment(database_url)
    if not args.reuse:
        build(env, database_url, args.learners)
    personas = json.loads(
        subprocess.run(
            [PY, "bench/personas.py", str(args.answer_learners)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    server = serve(env, args.port, args.workers)
    hello_server = serve_hello(args.port + 1, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, list] = {}
    answer_files = []
    try:
        lines = personas["answers"]
        per_round = len(lines) // args.rounds
        if not per_round:
            sys.exit("No fresh answers to post: the answer POST cannot be measured.")
        for r in range(args.rounds):
            with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
                for item in lines[r * per_round : (r + 1) * per_round]:
                    handle.write(f"{item['cookie']}\t{item['csrf']}\t{item['path']}\t{item['body']}\n")
            answer_files.append(handle.name)
        targets = [("hello", f"http://127.0.0.1:{args.port + 1}/bench/hello", "")]  # bare Django, no session
        targets += [(name, url, personas["learner"]["cookie"]) for name, url in personas["pages"].items()]
        targets += [("cohort dashboard", personas["dashboard"], personas["lead"]["cookie"])]
        print(
            f"== {label}: {args.rounds} interleaved rounds of {args.duration} s per page "
            f"({args.connections} connections, {args.threads} threads, {args.workers} gunicorn workers)"
        )
        for round_number in range(args.rounds):
            for name, url, cookie in targets:
                results.setdefault(name, []).append(
                    wrk(
                        url if url.startswith("http") else base + url,
                        args.duration,
                        args.connections,
                        args.threads,
                        "bench/get.lua",
                        cookie,
                    )
                )
            results.setdefault("answer POST", []).append(
                wrk(
                    base + "/",
                    args.duration,
                    args.connections,
                    args.threads,
                    "bench/answers.lua",
                    answer_files[round_number],
                    str(args.threads),
                )
            )
            print(
                f"   round {round_number + 1}: hello {results['hello'][-1]['rps']:.0f} req/s, "
                f"answer POST {results['answer POST'][-1]['rps']:.0f} req/s"
            )
        csv_figures = measure_csv(env, args.port, personas["lead"], personas["csv"])
        subprocess.run([PY, "bench/login.py", "--url", base], cwd=ROOT, env=env, check=True)  # login p50, printed
    finally:
        for process in (server, hello_server):
            process.terminate()
            process.wait()
        for name in answer_files:
            Path(name).unlink(missing_ok=True)
    return {
        "label": label,
        "results": results,
        "queries": personas["queries"],
        "csv": csv_figures,
        "members": personas["members"],
        "responses": personas["responses"],
    }


def table(suite: dict) -> str:
    results = suite["results"]
    ceiling = statistics.median(r["rps"] for r in results["hello"])
    lines = [
        f"### {suite['label']}",
        "",
        f"Load cohort: {suite['members']} members, {suite['responses']} responses. Hello-world ceiling: "
        f"{ceiling:.0f} requests/s.",
        "",
        "| page | requests/s | p50 ms | p99 ms | queries | ratio | goal | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    met = True
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        ratio = rps / ceiling if ceiling else 0
        goal = GOALS[suite["label"]].get(name)
        errors = sum(r["errors"] for r in runs)
        kinds = ", ".join(
            f"{n} {kind}" for kind in runs[0]["error_kinds"] if (n := sum(r["error_kinds"][kind] for r in runs))
        )
        ok = (goal is None or ratio >= goal) and errors == 0
        met &= ok
        mark = "" if goal is None else (" ✓" if ok else " ✗")
        lines.append(
            f"| {name} | {rps:.0f} | {statistics.median(r['p50'] for r in runs):.1f} | "
            f"{statistics.median(r['p99'] for r in runs):.1f} | {suite['queries'].get(name, '-')} | {ratio:.3f} | "
            f"{'' if goal is None else f'≥ {goal:.2f}'}{mark} | {errors}{f' ({kinds})' if kinds else ''} |"
        )
    csv_figures = suite["csv"]
    csv_ok = csv_figures["seconds"] < 2
    met &= csv_ok
    lines += [
        "",
        f"CSV export of the load cohort: {csv_figures['bytes'] / 1024:.0f} KB in {csv_figures['seconds']:.2f} s "
        f"(goal < 2 s{' ✓' if csv_ok else ' ✗'}); peak memory grown while streaming: "
        f"{csv_figures['rss_small']:.1f} MB for 25 members, {csv_figures['rss_large']:.1f} MB for "
        f"{suite['members']} members; {suite['queries'].get('cohort CSV', '-')} queries.",
        "",
        f"All goals met: {'yes' if met else 'NO'}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--answer-learners", type=int, default=1500)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", ""),
        help="also run the suite on this PostgreSQL database (it is flushed)",
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the benchmark database from the last run")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("The benchmarks need wrk (Debian: apt-get install wrk).")
    (ROOT / "var").mkdir(exist_ok=True)
    load_before = os.getloadavg()[0]
    suites = [run_suite("SQLite", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}", args)]
    if args.postgres:
        suites.append(run_suite("PostgreSQL", args.postgres, args))
    report = "\n\n".join(table(s) for s in suites)
    header = (
        f"# Benchmarks, {datetime.now():%Y-%m-%d %H:%M}\n\n{os.cpu_count()} CPUs, gunicorn {args.workers} gthread "
        f"workers, wrk {args.threads} threads / {args.connections} connections, {args.rounds} interleaved "
        f"rounds of {args.duration} s. Ratios are to the hello-world view measured in the same run. "
        f"Load average (1 min) {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end: above the "
        f"{os.cpu_count()} CPUs, other work shared the machine and the ratios are not comparable with a quiet run.\n\n"
    )
    print("\n" + report)
    out = ROOT / "bench" / "results" / f"{datetime.now():%Y-%m-%d}.md"
    out.write_text(header + report + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")
    subprocess.run([PY, str(ROOT / "bench" / "lab_grading.py"), "--port", str(args.port + 1)], check=True)


if __name__ == "__main__":
    main()
