"""The result of one grading: one documented, versioned shape (like exercism's results.json).

Stored as JSON on the submission (``Submission.result``), shown on the learner's page and the admin
preview, exported with the learner's data. Version 1::

    {
      "version": 1,
      "status": "pass" | "fail" | "error",
      "message": "...",            # error: what the learner can do about it; otherwise the summary
                                   # (both in the language the check ran in; pages write the summary
                                   # again in their own language from the figures: summary_message)
      "text": {"id": "...", "args": {...}},  # error, when the message is ours: its msgid and
                                   # arguments, written again in the page's language (labs.messages)
      "line": 12 | null,           # error only: the line the problem is on, when there is one
      "score": 7,                  # points of the checks that passed
      "max_score": 10,
      "percent": 70,               # floor(100 * score / max_score); 100 when a lab has no points
      "pass_mark": 70,
      "checks": [                  # one per check of the lab, in the lab's order (empty on error)
        {
          "key": "base-image-tag",
          "name": "The base image has a fixed tag",
          "status": "pass" | "fail",
          "points": 2,             # earned: max_points on pass, 0 on fail
          "max_points": 2,
          "required": true,
          "tool": "hadolint",      # hadolint, cfn-lint, actionlint, kubernetes-validate, yamllint, devopslearn
          "rules": ["DL3006", "DL3007"],
          "lines": [1],            # the lines the tool reported, ascending (empty on pass)
          "message": "...",        # the tool's own message for the first finding ("" on pass)
          "findings": [{"rule": "DL3007", "line": 1, "message": "..."}]
                                   # a finding of our rules also has "text", as an error has
        }
      ],
      "other_findings": [          # what the tools reported that no check grades (not scored)
        {"tool": "hadolint", "rule": "DL3008", "line": 3, "message": "..."}
      ],
      "tools": {"hadolint": "2.15.1"},  # the versions that graded it
      "seconds": {"hadolint": 0.031}    # how long each tool took (wall clock, inside the sandbox)
    }

``status`` is "error" only when the artifact could not be checked at all (it does not parse, it is
too large, too deep, an alias bomb, or checking it ran out of time or memory); "pass" when every
required check passed and ``percent >= pass_mark``; "fail" otherwise. A new field may be added to
version 1; a field that changes meaning or goes away makes version 2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from devopslearn.lib.numbers import percentage_text, share_percent
from labs.messages import Message

RESULT_VERSION = 1
PASS, FAIL, ERROR = "pass", "fail", "error"


@dataclass(frozen=True)
class Finding:
    """One thing a tool reported: its rule id, the 1-based line (None: the whole file), its message."""

    tool: str
    rule: str
    line: int | None
    message: str

    def as_dict(self, *, with_tool: bool = False) -> dict:
        data = asdict(self)
        data["message"] = str(self.message)
        if isinstance(self.message, Message):  # ours: written again in the page's language (labs.messages)
            data["text"] = self.message.data()
        if not with_tool:
            del data["tool"]
        return data


@dataclass(frozen=True)
class CheckSpec:
    """A check as the grader needs it (built from the model, so that the sandbox needs no database)."""

    key: str
    name: str
    tool: str
    rules: tuple[str, ...]
    points: int
    required: bool

    def covers(self, finding: Finding) -> bool:
        """Whether this check grades ``finding``: its tool, and one of its rule ids ("E3012"), or a
        rule id ending in "*" as a prefix ("E*": every error of cfn-lint; "*": everything the tool reports)."""
        if finding.tool != self.tool:
            return False
        return any(
            finding.rule == rule or (rule.endswith("*") and finding.rule.startswith(rule[:-1])) for rule in self.rules
        )

    def verdict(self, findings: list[Finding]) -> dict:
        mine = sorted((f for f in findings if self.covers(f)), key=lambda f: (f.line or 0, f.rule))
        passed = not mine
        return {
            "key": self.key,
            "name": self.name,
            "status": PASS if passed else FAIL,
            "points": self.points if passed else 0,
            "max_points": self.points,
            "required": self.required,
            "tool": self.tool,
            "rules": list(self.rules),
            "lines": sorted({f.line for f in mine if f.line}),
            "message": str(mine[0].message) if mine else "",
            "findings": [f.as_dict() for f in mine],
        }


def summary(
    checks: list[dict], pass_mark: int, other: list[Finding], tools: dict[str, str], seconds: dict[str, float]
) -> dict:
    """The whole result from the checks' verdicts (see the module docstring)."""
    score = sum(check["points"] for check in checks)
    max_score = sum(check["max_points"] for check in checks)
    result = {
        "version": RESULT_VERSION,
        "status": FAIL,
        "message": "",
        "line": None,
        "score": score,
        "max_score": max_score,
        "percent": share_percent(score, max_score) if max_score else 100,
        "pass_mark": pass_mark,
        "checks": checks,
        "other_findings": [f.as_dict(with_tool=True) for f in other],
        "tools": tools,
        "seconds": seconds,
    }
    short = falls_short(result)
    result["status"] = FAIL if short["required"] or short["below_mark"] else PASS
    result["message"] = summary_message(result)
    return result


def falls_short(result: dict) -> dict:
    """What keeps a graded result from passing, by the one rule of "passed" (the pass mark AND every
    required check): ``required``, the required checks that fail, and ``below_mark``, whether the points
    are under the pass mark (decided on the exact share: 69.6% does not pass a 70% mark; a lab without
    points is never under it). A result passes when both are empty; ``summary`` sets its status so, and
    the page's verdict names what falls short."""
    required = [check for check in result.get("checks", []) if check["required"] and check["status"] == FAIL]
    max_score = result.get("max_score", 0)
    below_mark = bool(max_score) and 100 * result.get("score", 0) < result.get("pass_mark", 0) * max_score
    return {"required": required, "below_mark": below_mark}


def summary_message(result: dict) -> str:
    """The summary sentence of a graded result, in the active language, from its stored figures: the
    page shows it in the page's language whatever the language of the grading (the stored ``message``
    is this sentence in the language the check ran in, kept for the data export)."""
    if result["status"] == ERROR:
        return result["message"]
    checks = result["checks"]
    failed = sum(check["status"] == FAIL for check in checks)
    required_failed = len(falls_short(result)["required"])
    if result["status"] == PASS and not failed:
        return _("Every check passed.")
    if result["status"] == PASS:
        return ngettext(
            "Passed: %(n)d optional check still fails.", "Passed: %(n)d optional checks still fail.", failed
        ) % {"n": failed}
    if required_failed:
        return ngettext("%(n)d required check still fails.", "%(n)d required checks still fail.", required_failed) % {
            "n": required_failed
        }
    return _("%(percent)s of the points; the pass mark is %(mark)s.") % {
        "percent": percentage_text(result["percent"]),
        "mark": percentage_text(result["pass_mark"]),
    }


def error(message: str, *, line: int | None = None, max_score: int = 0, pass_mark: int = 0) -> dict:
    """The result of an artifact that could not be checked at all. A ``labs.messages.Message`` is stored
    with its ``text`` as well, so that a page writes it again in its own language."""
    result = {
        "version": RESULT_VERSION,
        "status": ERROR,
        "message": str(message),
        "line": line,
        "score": 0,
        "max_score": max_score,
        "percent": 0,
        "pass_mark": pass_mark,
        "checks": [],
        "other_findings": [],
        "tools": {},
    }
    if isinstance(message, Message):
        result["text"] = message.data()
    return result
