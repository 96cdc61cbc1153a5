"""The scale demo's load figures from locust's CSV: throughput, p50/p95/p99 and failures per request
kind, and the failures by message. Usage: python bench/scale/report.py RUN_FOLDER"""

import csv
import sys
from pathlib import Path


def main(run: Path) -> None:
    rows = list(csv.DictReader((run / "locust_stats.csv").open()))
    print(f"{'request kind':<26} {'count':>7} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in rows:
        print(
            f"{row['Name']:<26} {row['Request Count']:>7} {row['Failure Count']:>5} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    failures = run / "locust_failures.csv"
    if failures.exists():
        for row in csv.DictReader(failures.open()):
            print(f"failure: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}")


def grading(run: Path) -> None:
    """Mean grading time by tool from the run's /metrics scrape (all processes: multiprocess mode)."""
    from prometheus_client.parser import text_string_to_metric_families

    path = run / "metrics.txt"
    if not path.exists() or not path.stat().st_size:
        return
    sums, counts = {}, {}
    for family in text_string_to_metric_families(path.read_text()):
        for sample in family.samples:
            if sample.name == "devopslearn_grading_seconds_sum":
                sums[sample.labels["tool"]] = sample.value
            elif sample.name == "devopslearn_grading_seconds_count":
                counts[sample.labels["tool"]] = sample.value
    for tool in sorted(counts):
        if counts[tool]:
            print(f"grading time {tool:<20} n={int(counts[tool]):>5} mean={1000 * sums[tool] / counts[tool]:7.1f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
    grading(Path(sys.argv[1]))
