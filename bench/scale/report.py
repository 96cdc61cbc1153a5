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


if __name__ == "__main__":
    main(Path(sys.argv[1]))
