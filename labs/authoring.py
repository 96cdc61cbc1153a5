"""For lab authors: grade each lab folder's starter and solution as they are on disk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from labs import grading, tools
from labs.importers import parse_lab
from labs.results import CheckSpec


@dataclass
class Report:
    labs: int = 0
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def spec_of_folder(folder: Path) -> tuple[grading.LabSpec, dict]:
    data = parse_lab(folder)
    checks = tuple(
        CheckSpec(
            key=check.key,
            name=check.values["title"],
            tool=check.values["tool"],
            rules=tuple(r.strip() for r in check.values["rules"].split(",")),
            points=check.values["points"],
            required=check.values["required"],
        )
        for check in data.checks
    )
    return grading.LabSpec(kind=data.values["kind"], pass_mark=data.values["pass_mark"], checks=checks), data.values


def check_lab_folders(root: Path | str) -> Report:
    """The solution of every lab under ``root`` must pass every check with no finding left, and its
    starter must fail at least one check."""
    tools.preload()
    report = Report()
    for lab_yaml in sorted(Path(root).glob("*/labs/*/lab.yaml")):
        folder = lab_yaml.parent
        name = f"{folder.parent.parent.name}/labs/{folder.name}"
        spec, values = spec_of_folder(folder)
        report.labs += 1
        solution = grading.grade_sandboxed(spec, values["solution"])
        starter = grading.grade_sandboxed(spec, values["starter"])
        failing = [c["key"] for c in solution["checks"] if c["status"] != "pass"]
        if solution["status"] != "pass" or failing:
            report.problems.append(f"{name}: the solution does not pass: {solution['message']} {failing}")
        for finding in solution["other_findings"]:
            report.problems.append(f"{name}: the solution has a finding: {finding}")
        starter_failing = [c["key"] for c in starter["checks"] if c["status"] == "fail"]
        if starter["status"] == "error" or not starter_failing:
            report.problems.append(f"{name}: the starter fails no check ({starter['status']}: {starter['message']})")
        report.lines.append(
            f"{name}: solution {solution['status']} {solution['score']}/{solution['max_score']}; "
            f"starter {starter['status']} {starter['score']}/{starter['max_score']}, "
            f"failing {', '.join(starter_failing)}"
        )
    return report
