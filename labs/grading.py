"""Grading one artifact against a lab's checks: ``grade_sandboxed(spec, text) -> result``.

The result follows labs/results.py (versioned). ``grade`` is the part that reads untrusted text;
``grade_sandboxed`` runs it in a sandboxed child of the calling process (labs/sandbox.py) and turns
a sandbox failure into an ``error`` result with a message the learner can act on. It raises only
``SandboxUnavailable`` (the server cannot isolate the tools: grading is refused, not run).
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from functools import partial

from django.utils.translation import gettext_noop

from labs import documents, rules, sandbox, tools
from labs.kinds import KINDS, OWN, ArtifactKind
from labs.messages import ours as _  # our messages keep their msgid: a page writes them in its language
from labs.results import CheckSpec, Finding, error, summary

TOOLS = {
    "hadolint": lambda artifact: tools.hadolint(artifact.text),
    "actionlint": lambda artifact: tools.actionlint(artifact.text, KINDS[artifact.kind].filename),
    "cfn-lint": lambda artifact: tools.cfn_lint(artifact.text),
    "kubernetes-validate": lambda artifact: tools.kubernetes_validate(artifact.documents),
    "yamllint": lambda artifact: tools.yamllint(artifact.text),
}
# Findings that mean the tool could not read the file at all: the result is an error, not a fail.
UNREADABLE = {("hadolint", "DL1000"), ("cfn-lint", "E0000")}

SUPPRESSION_CHECK = CheckSpec(
    key=rules.SUPPRESSION_RULE,
    name=gettext_noop("No comment or setting switches a check off"),  # stored in English, shown translated
    tool=OWN,
    rules=(rules.SUPPRESSION_RULE,),
    points=0,
    required=True,
)


@dataclass(frozen=True)
class LabSpec:
    """What grading needs of a lab (``Lab.spec()`` builds it), so that the sandbox needs no database."""

    kind: str
    pass_mark: int
    checks: tuple[CheckSpec, ...]

    @property
    def all_checks(self) -> tuple[CheckSpec, ...]:
        """The lab's checks, and the suppression check that every grading applies."""
        if any(check.tool == OWN and rules.SUPPRESSION_RULE in check.rules for check in self.checks):
            return self.checks
        return (*self.checks, SUPPRESSION_CHECK)

    @property
    def every_lab_checks(self) -> tuple[CheckSpec, ...]:
        """The checks that grading adds to this lab's own (listed on its page with them)."""
        return tuple(check for check in self.all_checks if check not in self.checks)

    @property
    def max_score(self) -> int:
        return sum(check.points for check in self.checks)


def read(kind: str, text: str) -> rules.Artifact:
    """The artifact parsed for our rules, after the limits (raises documents.Refused)."""
    documents.check_size(kind, text)
    artifact = rules.Artifact(kind=kind, text=text)
    if KINDS[kind].yaml:
        documents.check_yaml_structure(text)
        artifact.documents = documents.parse_yaml(text)
        if not artifact.documents:
            raise documents.Refused(_("The file holds no YAML document. Write the file, or reset to the starter."))
    else:
        artifact.instructions = documents.parse_dockerfile(text)
    return artifact


def grade(spec: LabSpec, text: str) -> dict:
    """The result of ``text`` against ``spec`` (runs the tools: call it inside the sandbox)."""
    try:
        artifact = read(spec.kind, text)
    except documents.Refused as refusal:
        return error(refusal.message, line=refusal.line, max_score=spec.max_score, pass_mark=spec.pass_mark)
    checks = spec.all_checks
    findings: list[Finding] = []
    seconds: dict[str, float] = {}
    for tool in sorted({check.tool for check in checks} - {OWN}):
        started = time.perf_counter()
        try:
            found = TOOLS[tool](artifact)
        except tools.ToolMissing as missing:
            return error(
                _("This lab cannot be checked here: %(missing)s. Tell your instructor.") % {"missing": missing},
                max_score=spec.max_score,
                pass_mark=spec.pass_mark,
            )
        except subprocess.TimeoutExpired:
            return error(
                _("%(tool)s took too long on this file and was stopped. Simplify the file and check again.")
                % {"tool": tool},
                max_score=spec.max_score,
                pass_mark=spec.pass_mark,
            )
        unreadable = [f for f in found if (f.tool, f.rule) in UNREADABLE]
        if unreadable:
            first = unreadable[0]
            where = _(" (line %(n)d)") % {"n": first.line} if first.line else ""
            return error(
                _("%(tool)s cannot read the file%(where)s: %(message)s")
                % {"tool": tool, "where": where, "message": first.message},
                line=first.line,
                max_score=spec.max_score,
                pass_mark=spec.pass_mark,
            )
        findings.extend(found)
        seconds[tool] = round(time.perf_counter() - started, 4)
    own = {rule for check in checks if check.tool == OWN for rule in check.rules}
    started = time.perf_counter()
    findings.extend(rules.run(artifact, own))
    if own:
        seconds[OWN] = round(time.perf_counter() - started, 4)
    graded = {(check.tool, rule) for check in checks for rule in check.rules}
    other = sorted((f for f in findings if (f.tool, f.rule) not in graded), key=lambda f: (f.line or 0, f.tool, f.rule))
    versions = {tool: version for tool, version in tools.versions().items() if tool in {c.tool for c in checks}}
    if any(check.tool == OWN for check in checks):
        versions[OWN] = str(rules.VERSION)
    return summary([check.verdict(findings) for check in checks], spec.pass_mark, other, versions, seconds)


def grade_sandboxed(spec: LabSpec, text: str, limits: sandbox.Limits = sandbox.DEFAULT_LIMITS) -> dict:
    """``grade`` in a sandboxed child; a sandbox failure becomes an ``error`` result."""
    try:
        return sandbox.run(partial(grade, spec, text), limits)
    except sandbox.SandboxFailure as failure:
        return error(failure.message, max_score=spec.max_score, pass_mark=spec.pass_mark)


def tools_of_kind(kind: str) -> tuple[str, ...]:
    """The tools a check of a lab of ``kind`` may name (ours included)."""
    return (*KINDS[ArtifactKind(kind)].tools, OWN)
