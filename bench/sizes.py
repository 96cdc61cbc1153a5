#!/usr/bin/env python
"""The lead's pages at two cohort sizes side by side, in one run (issue 21).

The database holds a small and a large load cohort, made beforehand with ``seed_load`` (which
streams, so the large one fits in memory)::

    manage.py seed_load --learners 1000                      # "load-cohort"
    manage.py seed_load --learners 10000 --cohort load-10k   # "load-10k"

Serves it with gunicorn as bench/run.py does and measures, in interleaved rounds, the hello-world
ceiling and every lead page for both cohorts (hello, page@small, page@large, next page...), so the
ratio large/small of each page is taken within seconds on the same machine. Prints, for each page,
requests/s and ratio to the ceiling at both sizes, the cost ratio (small rps / large rps: 1.0 is
flat, 10 is linear), the load average during the page's measurement, and the slowest statement of
the page with its plan's row estimates at both sizes. Writes bench/results/<date>-sizes-<db>.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import PY, ROOT, environment, serve, serve_hello, wrk  # noqa: E402 - bench/run.py, found through the path above

PAGES = [
    ("overview", ""),
    ("overview, page 2", "{next}"),  # the first page's Next link (keyset pages)
    ("sorted by progress", "?sort=-progress"),
    ("sorted by last activity", "?sort=activity"),
    ("sorted by quiz average", "?sort=quiz"),
    ("sorted by a module", "?sort=-m{module}"),
    ("filtered: in progress", "?state=in_progress"),
    ("filtered: failed twice", "?state=stuck"),
    ("searched: a name", "?q=nguyen"),
    ("needs attention", "attention/"),
    ("needs attention, page 2", "attention/{next}"),
    ("questions", "questions/"),
    ("one question", "questions/{question}/"),
]

PROBE = r"""
import html, json, re, sys, time, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
from cohorts.models import Cohort
from progress.states import PathPlan
from quizzes.models import Question

sys.path.insert(0, "bench")
from personas import session_cookie

out = {"cohorts": {}}
for slug, lead in json.loads(sys.argv[1]):
    cohort = Cohort.objects.get(slug=slug)
    plan = PathPlan.of(cohort.path)
    module = plan.modules[len(plan.modules) // 2].pk
    question = Question.objects.filter(quiz__module__path=cohort.path, published=True).order_by("pk").first().pk
    user = User.objects.get(username=lead)
    task_seconds = None
    try:  # the question statistics are a task's work (issue 21): run it as the worker would, timed
        from cohorts import questions as cohort_statistics
        from django.utils import timezone
        started = time.perf_counter()
        cohort_statistics.store(cohort, timezone.now())
        task_seconds = time.perf_counter() - started
    except (ImportError, AttributeError):
        pass  # computed by the page itself (before issue 21)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    pages = {}
    for name, tail in json.loads(sys.argv[2]):
        url = f"/cohorts/{slug}/" + tail.format(module=module, question=question, next="")
        if "{next}" in tail:  # follow the page's Next link (keyset pages), or an old ?page=2
            found = re.search(r'rel="next" href="([^"]+)"', client.get(url).content.decode())
            url += html.unescape(found.group(1)) if found else "?page=2"
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        slowest, best, total = "", -1.0, 0.0
        for query in captured.captured_queries:
            spent = float("inf")
            with connection.cursor() as cursor:
                for _ in range(3):  # the best of three: the machine is shared
                    started = time.perf_counter()
                    cursor.execute(query["sql"])
                    cursor.fetchall()
                    spent = min(spent, time.perf_counter() - started)
            total += spent
            if spent > best:
                slowest, best = query["sql"], spent
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + slowest)
                plan_text = [row[-1] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN " + slowest)
                plan_text = [row[0] for row in cursor.fetchall()]
        pages[name] = {"url": url, "queries": len(captured), "slowest_ms": best * 1000, "sql_ms": total * 1000,
                       "sql": slowest[:200], "plan": plan_text[:12]}
    out["cohorts"][slug] = {"members": cohort.memberships.count(), "cookie": session_cookie(user)["cookie"],
                            "pages": pages, "task_seconds": task_seconds}
print(json.dumps(out))
"""


def load_average() -> float:
    return os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--small", default="load-cohort:load-lead", help="slug:lead of the small cohort")
    parser.add_argument("--large", default="load-10k:load-10k-lead", help="slug:lead of the large cohort")
    parser.add_argument("--duration", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8350)
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this")
    args = parser.parse_args()
    pages = [(name, tail) for name, tail in PAGES if args.only in name]
    env = environment(args.database_url)
    label = "SQLite" if args.database_url.startswith("sqlite") else "PostgreSQL"
    cohorts = [tuple(args.small.split(":")), tuple(args.large.split(":"))]
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    probe = subprocess.run(
        [PY, "-c", PROBE, json.dumps(cohorts), json.dumps(pages)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(probe.stdout.strip().splitlines()[-1])["cohorts"]
    small, large = (found[slug] for slug, _lead in cohorts)
    server = serve(env, args.port, args.workers)
    hello_server = serve_hello(args.port + 1, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    results: dict = {}
    try:
        for round_number in range(args.rounds):
            for name, _tail in pages:
                loads = [load_average()]
                hello = wrk(
                    f"http://127.0.0.1:{args.port + 1}/bench/hello",
                    args.duration,
                    args.connections,
                    args.threads,
                    "bench/get.lua",
                    "",
                )
                entry = results.setdefault(name, {"hello": [], "small": [], "large": [], "load": [], "errors": 0})
                entry["hello"].append(hello["rps"])
                for size, cohort in (("small", small), ("large", large)):
                    figures = wrk(
                        base + cohort["pages"][name]["url"],
                        args.duration,
                        args.connections,
                        args.threads,
                        "bench/get.lua",
                        cohort["cookie"],
                    )
                    entry[size].append(figures["rps"])
                    entry["errors"] += figures["errors"]  # wrk's timeouts (2 s) count too
                loads.append(load_average())
                entry["load"].append(statistics.mean(loads))
                print(
                    f"  round {round_number + 1} {name}: hello {hello['rps']:.0f}, "
                    f"{small['members']} members {entry['small'][-1]:.0f}, {large['members']} members "
                    f"{entry['large'][-1]:.0f} req/s (load {entry['load'][-1]:.1f})",
                    flush=True,
                )
    finally:
        for process in (server, hello_server):
            process.terminate()
            process.wait()
    lines = [
        f"### {label}: {small['members']:,} vs {large['members']:,} members",
        "",
        "| page | req/s (small) | ratio | req/s (large) | ratio | cost large/small | SQL ms small → large | queries "
        "| load avg | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _tail in pages:
        entry = results[name]
        ceiling = statistics.median(entry["hello"]) or float("nan")
        rs, rl = statistics.median(entry["small"]), statistics.median(entry["large"])
        queries = f"{small['pages'][name]['queries']} / {large['pages'][name]['queries']}"
        cost = rs / rl if rl else float("nan")
        lines.append(
            f"| {name} | {rs:.0f} | {rs / ceiling:.3f} | {rl:.0f} | {rl / ceiling:.3f} | {cost:.2f} | "
            f"{small['pages'][name]['sql_ms']:.1f} → {large['pages'][name]['sql_ms']:.1f} | "
            f"{queries} | {statistics.mean(entry['load']):.1f} | {entry['errors']} |"
        )
    if small.get("task_seconds") is not None:
        lines += [
            "",
            f"The statistics task (cohorts.tasks.refresh_statistics, every question of the path): "
            f"{small['task_seconds']:.2f} s for {small['members']:,} members, {large['task_seconds']:.2f} s for "
            f"{large['members']:,}; the question pages read what it stored.",
        ]
    lines += ["", "Slowest statement of each page, its time alone (best of three) and plan, at both sizes:", ""]
    for name, _tail in pages:
        lines.append(
            f"- **{name}**: {small['pages'][name]['slowest_ms']:.1f} ms → "
            f"{large['pages'][name]['slowest_ms']:.1f} ms; `{large['pages'][name]['sql'][:120]}…`"
        )
        for cohort in (small, large):
            plan = " / ".join(step.strip() for step in cohort["pages"][name]["plan"][:6])
            lines.append(f"  - {cohort['members']:,}: {plan}")
    report = "\n".join(lines)
    print("\n" + report)
    out = ROOT / "bench" / "results" / f"{datetime.now():%Y-%m-%d}-sizes-{label.lower()}.md"
    header = (
        f"# The lead's pages at two cohort sizes, {datetime.now():%Y-%m-%d %H:%M} UTC\n\n"
        f"bench/sizes.py: {os.cpu_count()} CPUs shared with other work (load average beside each page), gunicorn "
        f"{args.workers} workers, wrk {args.threads} threads / {args.connections} connections, {args.rounds} "
        f"interleaved rounds of {args.duration} s (hello, small, large per page). Ratios are to the hello-world "
        'view measured just before; "cost large/small" is requests/s at the small size over requests/s at the '
        "large one (1.00 = flat, 10 = linear). 'SQL ms' is the sum of the page's statements, each the best of "
        "three runs outside the server: steadier than requests/s on a loaded machine.\n\n"
    )
    out.write_text(header + report + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
