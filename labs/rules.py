"""Our own rules, for what the real tools miss: each a small pure function of the parsed artifact.

A rule takes an ``Artifact`` (the text and its parsed form) and returns findings with the line they
are about; its id is what a lab's check names with ``tool: devopslearn``. The rules read the
artifact as data and never run it.

``no-suppressions`` is applied to every grading, whatever the lab's checks: a comment or setting that
switches a tool's rule off does not make a check pass (the tools run with their ignore pragmas
disabled where they allow it, and this rule reports the comments where they do not).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from labs.documents import Instruction, YamlDocument
from labs.kinds import OWN, ArtifactKind
from labs.messages import ours as _  # our messages keep their msgid: a page writes them in its language
from labs.results import Finding

K = ArtifactKind


@dataclass
class Artifact:
    kind: str
    text: str
    documents: list[YamlDocument] = field(default_factory=list)  # YAML kinds
    instructions: list[Instruction] = field(default_factory=list)  # Dockerfiles


@dataclass(frozen=True)
class Rule:
    id: str
    kinds: frozenset[str]
    summary: str
    check: Callable[[Artifact], list[Finding]]


RULES: dict[str, Rule] = {}
VERSION = 1  # goes up when a rule changes what it reports (shown in a result's "tools")


def rule(rule_id: str, kinds: tuple[str, ...], summary: str):
    def register(function: Callable[[Artifact], Iterator[tuple[int | None, str]]]):
        def check(artifact: Artifact) -> list[Finding]:
            return [Finding(OWN, rule_id, line, message) for line, message in function(artifact)]

        RULES[rule_id] = Rule(rule_id, frozenset(kinds), summary, check)
        return function

    return register


# --- helpers --------------------------------------------------------------------------------------


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _resources(artifact: Artifact, type_name: str) -> Iterator[tuple[YamlDocument, str, dict]]:
    """(document, logical id, properties) of every CloudFormation resource of ``type_name``."""
    for document in artifact.documents:
        for logical_id, resource in _mapping(_mapping(document.data).get("Resources")).items():
            if isinstance(resource, dict) and resource.get("Type") == type_name:
                yield document, logical_id, _mapping(resource.get("Properties"))


def _truthy(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _image_tag_problem(image: str) -> str | None:
    """Why an image reference has no fixed version, or None ("name@sha256:..." and "name:1.2" are fixed)."""
    if "@sha256:" in image or image.startswith("$") or "${" in image:
        return None
    name = image.rsplit("/", 1)[-1]
    if ":" not in name:
        return _("The image '%(image)s' has no tag, so it means ':latest'. Pin a version (name:1.2.3) or a digest.") % {
            "image": image
        }
    if name.rsplit(":", 1)[1] == "latest":
        return _(
            "The image '%(image)s' uses ':latest', which changes under you. Pin a version (name:1.2.3) or a digest."
        ) % {"image": image}
    return None


# --- Dockerfile -----------------------------------------------------------------------------------


def _stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    stages: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            stages.append([instruction])
        elif stages:
            stages[-1].append(instruction)
    return stages


@rule("non-root-user", (K.DOCKERFILE,), "The final stage switches to a non-root USER")
def non_root_user(artifact: Artifact):
    stages = _stages(artifact.instructions)
    if not stages:
        return
    users = [i for i in stages[-1] if i.keyword == "USER"]
    if not users:
        yield stages[-1][0].line, _("The final stage has no USER instruction, so the container runs as root.")
        return
    user = users[-1].arguments.split(":", 1)[0].strip()
    if user in ("root", "0", ""):
        yield users[-1].line, _("The last USER of the final stage is root; switch to an unprivileged user.")


@rule("no-latest-tag", (K.DOCKERFILE, K.KUBERNETES, K.CLOUDFORMATION), "Every image has a fixed tag or digest")
def no_latest_tag(artifact: Artifact):
    if artifact.kind == K.DOCKERFILE:
        aliases: set[str] = set()
        for instruction in artifact.instructions:
            if instruction.keyword != "FROM":
                continue
            words = [w for w in instruction.arguments.split() if not w.startswith("--")]
            if not words:
                continue
            image = words[0]
            if len(words) >= 3 and words[1].lower() == "as":
                aliases.add(words[2].lower())
            if image.lower() in aliases or image == "scratch":
                continue
            problem = _image_tag_problem(image)
            if problem:
                yield instruction.line, problem
        return
    for document, path, image in _images(artifact):
        problem = _image_tag_problem(image)
        if problem:
            yield document.line(*path), problem


def _images(artifact: Artifact) -> Iterator[tuple[YamlDocument, tuple, str]]:
    """Every container image a Kubernetes manifest or an ECS task definition names."""
    if artifact.kind == K.KUBERNETES:
        for document in artifact.documents:
            for path, container in _containers(document):
                if isinstance(container.get("image"), str):
                    yield document, (*path, "image"), container["image"]
    else:
        for document, logical_id, properties in _resources(artifact, "AWS::ECS::TaskDefinition"):
            for index, container in enumerate(_list(properties.get("ContainerDefinitions"))):
                image = _mapping(container).get("Image")
                if isinstance(image, str):
                    path = ("Resources", logical_id, "Properties", "ContainerDefinitions", index, "Image")
                    yield document, path, image


@rule("multi-stage-build", (K.DOCKERFILE,), "A build stage compiles; the final stage copies only the result")
def multi_stage_build(artifact: Artifact):
    stages = _stages(artifact.instructions)
    if len(stages) < 2:
        line = stages[0][0].line if stages else 1
        yield (
            line,
            _(
                "The Dockerfile has one stage, so the build tools ship in the image. Build in a first stage "
                "('FROM ... AS build') and start the final stage from a small runtime image."
            ),
        )
        return
    aliases = set()
    for stage in stages[:-1]:
        words = stage[0].arguments.split()
        if len(words) >= 3 and words[-2].lower() == "as":
            aliases.add(words[-1].lower())
    copies = [
        i
        for i in stages[-1]
        if i.keyword in ("COPY", "ADD")
        and any(
            w.lower().startswith("--from=") and w.split("=", 1)[1].lower() in aliases | {str(n) for n in range(9)}
            for w in i.arguments.split()
        )
    ]
    if not copies:
        yield (
            stages[-1][0].line,
            _(
                "The final stage copies nothing from the build stage: add 'COPY --from=<build stage> ...' for the "
                "built result."
            ),
        )


# --- GitHub Actions -------------------------------------------------------------------------------

_SHA = re.compile(r"^[0-9a-f]{40}$")


def _jobs(document: YamlDocument) -> dict:
    return _mapping(_mapping(document.data).get("jobs"))


@rule("actions-pinned-to-sha", (K.GITHUB_ACTIONS,), "Every action is pinned to a full commit SHA")
def actions_pinned(artifact: Artifact):
    for document in artifact.documents:
        for job_id, job in _jobs(document).items():
            job = _mapping(job)
            uses = [(("jobs", job_id, "uses"), job.get("uses"))]  # a reusable workflow
            uses += [
                (("jobs", job_id, "steps", index, "uses"), _mapping(step).get("uses"))
                for index, step in enumerate(_list(job.get("steps")))
            ]
            for path, reference in uses:
                if not isinstance(reference, str) or reference.startswith("./") or reference.startswith("docker://"):
                    continue
                version = reference.partition("@")[2]
                if not _SHA.match(version):
                    yield (
                        document.line(*path),
                        _(
                            "'%(reference)s' is pinned to a tag or branch that can be moved. Pin the full 40-character "
                            "commit SHA and keep the version in a comment (uses: owner/action@<sha> # v4.2.2)."
                        )
                        % {"reference": reference},
                    )


def _needs(job: dict) -> set[str]:
    needs = job.get("needs")
    return {needs} if isinstance(needs, str) else {n for n in _list(needs) if isinstance(n, str)}


@rule("test-job-before-deploy", (K.GITHUB_ACTIONS,), "A test job runs, and every deploy job needs it")
def test_before_deploy(artifact: Artifact):
    for document in artifact.documents:
        jobs = {job_id: _mapping(job) for job_id, job in _jobs(document).items()}
        tests = {
            job_id
            for job_id, job in jobs.items()
            if "test" in f"{job_id} {job.get('name', '')}".lower()
            and any(isinstance(_mapping(step).get("run"), str) for step in _list(job.get("steps")))
        }
        if not tests:
            yield (
                document.line("jobs"),
                _("No job runs the tests: add a job whose name says 'test' and that runs them."),
            )
            continue
        for job_id, job in jobs.items():
            if "deploy" not in job_id.lower():
                continue
            seen, queue = set(), list(_needs(job))
            while queue:
                need = queue.pop()
                if need not in seen:
                    seen.add(need)
                    queue.extend(_needs(jobs.get(need, {})))
            if not seen & tests:
                yield (
                    document.line("jobs", job_id),
                    _("The job '%(job)s' deploys without waiting for the tests: add 'needs: [%(test)s]'.")
                    % {"job": job_id, "test": sorted(tests)[0]},
                )


@rule("explicit-permissions", (K.GITHUB_ACTIONS,), "The workflow sets its token's permissions")
def explicit_permissions(artifact: Artifact):
    for document in artifact.documents:
        data = _mapping(document.data)
        if "permissions" in data:
            continue
        missing = [job_id for job_id, job in _jobs(document).items() if "permissions" not in _mapping(job)]
        if missing:
            yield (
                document.first_line,
                _(
                    "The workflow does not set 'permissions:', so its token gets the repository's default (often "
                    "write access). Add 'permissions: {contents: read}' at the top and widen it per job where needed."
                ),
            )


# --- CodeBuild buildspec --------------------------------------------------------------------------

_TEST_COMMAND = re.compile(
    r"\b(pytest|py\.test|python3? -m (pytest|unittest)|tox|nox|npm (run )?test|npm ci && npm test|yarn test|"
    r"pnpm test|jest|vitest|go test|mvn (-\S+ )*(test|verify)|gradle(w)? (test|check)|\./gradlew (test|check)|"
    r"dotnet test|make test|cargo test|bundle exec rspec|rspec|phpunit)\b"
)
_SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)", re.I)


def _phase_commands(document: YamlDocument) -> Iterator[tuple[tuple, str]]:
    for phase, body in _mapping(_mapping(document.data).get("phases")).items():
        for index, command in enumerate(_list(_mapping(body).get("commands"))):
            if isinstance(command, str):
                yield ("phases", phase, "commands", index), command


@rule("buildspec-runs-tests", (K.BUILDSPEC,), "The build runs the tests before it packages anything")
def buildspec_runs_tests(artifact: Artifact):
    for document in artifact.documents:
        commands = list(_phase_commands(document))
        if not any(_TEST_COMMAND.search(command) for _, command in commands):
            yield (
                document.line("phases"),
                _(
                    "No phase runs the tests. Run them in 'pre_build' or 'build' (for example 'pytest'), so that a "
                    "failing test stops the build."
                ),
            )


@rule("buildspec-reports", (K.BUILDSPEC,), "Test results are published as a CodeBuild report")
def buildspec_reports(artifact: Artifact):
    for document in artifact.documents:
        reports = _mapping(_mapping(document.data).get("reports"))
        if not reports:
            yield (
                document.line("phases"),
                _(
                    "There is no 'reports:' section, so CodeBuild shows no test results. Add a report group with "
                    "'files' and 'file-format' (for example JUNITXML)."
                ),
            )
            continue
        for name, group in reports.items():
            group = _mapping(group)
            if not _list(group.get("files")) or not group.get("file-format"):
                yield (
                    document.line("reports", name),
                    _("The report group '%(name)s' needs 'files' and 'file-format'.") % {"name": name},
                )


@rule("buildspec-no-plaintext-secrets", (K.BUILDSPEC,), "No secret is written in the buildspec")
def buildspec_secrets(artifact: Artifact):
    for document in artifact.documents:
        variables = _mapping(_mapping(_mapping(document.data).get("env")).get("variables"))
        for name, value in variables.items():
            if _SECRET_NAME.search(str(name)) and value not in (None, ""):
                yield (
                    document.line("env", "variables", name),
                    _(
                        "'%(name)s' is written in plain text in the buildspec (and so in the repository and the build "
                        "logs). Read it from 'env: secrets-manager:' or 'env: parameter-store:' instead."
                    )
                    % {"name": name},
                )


# --- CloudFormation -------------------------------------------------------------------------------


@rule("s3-bucket-encryption", (K.CLOUDFORMATION,), "Every S3 bucket states its encryption")
def s3_encryption(artifact: Artifact):
    for document, logical_id, properties in _resources(artifact, "AWS::S3::Bucket"):
        rules = _list(_mapping(properties.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"))
        if not rules:
            yield (
                document.line("Resources", logical_id),
                _(
                    "The bucket '%(bucket)s' has no BucketEncryption. State it (SSE-S3 'AES256' or SSE-KMS "
                    "'aws:kms'), so that the template says how its data is encrypted and policy checks can verify it."
                )
                % {"bucket": logical_id},
            )


_PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


@rule("s3-public-access-block", (K.CLOUDFORMATION,), "Every S3 bucket blocks public access")
def s3_public_access(artifact: Artifact):
    for document, logical_id, properties in _resources(artifact, "AWS::S3::Bucket"):
        block = _mapping(properties.get("PublicAccessBlockConfiguration"))
        missing = [flag for flag in _PUBLIC_ACCESS_FLAGS if not _truthy(block.get(flag))]
        if missing:
            yield (
                document.line("Resources", logical_id, "Properties", "PublicAccessBlockConfiguration"),
                _(
                    "The bucket '%(bucket)s' does not block public access: set %(flags)s to true in "
                    "PublicAccessBlockConfiguration (serve it through CloudFront with origin access control instead)."
                )
                % {"bucket": logical_id, "flags": ", ".join(missing)},
            )


def _is_manual_approval(action: dict) -> bool:
    type_id = _mapping(action.get("ActionTypeId"))
    return type_id.get("Category") == "Approval" and type_id.get("Provider") == "Manual"


@rule("pipeline-manual-approval", (K.CLOUDFORMATION,), "A manual approval comes before every production stage")
def pipeline_manual_approval(artifact: Artifact):
    for document, logical_id, properties in _resources(artifact, "AWS::CodePipeline::Pipeline"):
        approved = False
        for index, stage in enumerate(_list(properties.get("Stages"))):
            stage = _mapping(stage)
            name = str(stage.get("Name", ""))
            actions = [_mapping(a) for a in _list(stage.get("Actions"))]
            if re.search(r"prod", name, re.I):
                first_deploy = min(
                    (int(a.get("RunOrder", 1)) for a in actions if not _is_manual_approval(a)), default=1
                )
                earlier = any(_is_manual_approval(a) and int(a.get("RunOrder", 1)) < first_deploy for a in actions)
                if not (approved or earlier):
                    yield (
                        document.line("Resources", logical_id, "Properties", "Stages", index),
                        _(
                            "The stage '%(stage)s' deploys to production with no manual approval before it. Add an "
                            "action with ActionTypeId Category: Approval, Owner: AWS, Provider: Manual in an earlier "
                            "stage (or with a lower RunOrder)."
                        )
                        % {"stage": name},
                    )
            approved = approved or any(_is_manual_approval(a) for a in actions)


@rule("deployment-alarm-rollback", (K.CLOUDFORMATION,), "A CodeDeploy deployment rolls back when its alarm fires")
def deployment_alarm_rollback(artifact: Artifact):
    groups = list(_resources(artifact, "AWS::CodeDeploy::DeploymentGroup"))
    if not groups:
        for document in artifact.documents:
            yield document.line("Resources"), _("The template has no AWS::CodeDeploy::DeploymentGroup to roll back.")
    for document, logical_id, properties in groups:
        alarms = _mapping(properties.get("AlarmConfiguration"))
        rollback = _mapping(properties.get("AutoRollbackConfiguration"))
        where = document.line("Resources", logical_id)
        if not _truthy(alarms.get("Enabled")) or not _list(alarms.get("Alarms")):
            yield (
                where,
                _(
                    "The deployment group '%(group)s' watches no alarm: set AlarmConfiguration with Enabled: "
                    "true and the alarm in Alarms."
                )
                % {"group": logical_id},
            )
        events = _list(rollback.get("Events"))
        if not _truthy(rollback.get("Enabled")) or "DEPLOYMENT_STOP_ON_ALARM" not in events:
            yield (
                where,
                _(
                    "The deployment group '%(group)s' does not roll back on an alarm: set "
                    "AutoRollbackConfiguration with Enabled: true and Events including DEPLOYMENT_STOP_ON_ALARM."
                )
                % {"group": logical_id},
            )


def _alarm_metrics(properties: dict) -> Iterator[tuple[object, object]]:
    """(namespace, metric name) of every metric an alarm reads: its own, or those of its metric math."""
    if properties.get("MetricName"):
        yield properties.get("Namespace"), properties.get("MetricName")
    for query in _list(properties.get("Metrics")):
        metric = _mapping(_mapping(_mapping(query).get("MetricStat")).get("Metric"))
        if metric.get("MetricName"):
            yield metric.get("Namespace"), metric.get("MetricName")


@rule("alarm-on-5xx", (K.CLOUDFORMATION,), "An alarm watches the 5xx errors")
def alarm_on_5xx(artifact: Artifact):
    metrics = [
        str(name).lower()
        for _, _, properties in _resources(artifact, "AWS::CloudWatch::Alarm")
        for _, name in _alarm_metrics(properties)
    ]
    if not any("5xx" in name for name in metrics):
        for document in artifact.documents:
            yield (
                document.line("Resources"),
                _("No alarm watches a 5xx metric (for example HTTPCode_Target_5XX_Count of the load balancer)."),
            )


@rule("metric-filter-alarmed", (K.CLOUDFORMATION,), "A metric filter feeds a metric that an alarm watches")
def metric_filter_alarmed(artifact: Artifact):
    filters = list(_resources(artifact, "AWS::Logs::MetricFilter"))
    if not filters:
        for document in artifact.documents:
            yield document.line("Resources"), _("The template has no AWS::Logs::MetricFilter.")
        return
    watched = {
        metric
        for _, _, properties in _resources(artifact, "AWS::CloudWatch::Alarm")
        for metric in _alarm_metrics(properties)
    }
    for document, logical_id, properties in filters:
        where = document.line("Resources", logical_id)
        if not properties.get("FilterPattern"):
            yield (
                where,
                _("The metric filter '%(filter)s' has no FilterPattern: it would match nothing useful.")
                % {"filter": logical_id},
            )
        for transformation in _list(properties.get("MetricTransformations")):
            transformation = _mapping(transformation)
            metric = (transformation.get("MetricNamespace"), transformation.get("MetricName"))
            if metric not in watched:
                yield (
                    where,
                    _(
                        "No alarm watches the metric %(metric)s in %(namespace)s that '%(filter)s' publishes: "
                        "add an AWS::CloudWatch::Alarm with that Namespace and MetricName."
                    )
                    % {"metric": metric[1], "namespace": metric[0], "filter": logical_id},
                )


@rule("metric-filter-on-log-group", (K.CLOUDFORMATION,), "Every metric filter reads a log group of the template")
def metric_filter_on_log_group(artifact: Artifact):
    groups = {}
    for _document, logical_id, properties in _resources(artifact, "AWS::Logs::LogGroup"):
        groups[logical_id] = properties.get("LogGroupName")
    for document, logical_id, properties in _resources(artifact, "AWS::Logs::MetricFilter"):
        target = properties.get("LogGroupName")
        if isinstance(target, dict) and target.get("Ref") in groups:
            continue
        if isinstance(target, str) and target in groups.values():
            continue
        yield (
            document.line("Resources", logical_id, "Properties", "LogGroupName"),
            _(
                "The metric filter '%(filter)s' reads the log group %(group)s, which this template does not "
                "create: the stack fails if it does not exist. Use '!Ref' of the AWS::Logs::LogGroup resource."
            )
            % {"filter": logical_id, "group": repr(target)},
        )


@rule("log-retention", (K.CLOUDFORMATION,), "Every log group has a retention period")
def log_retention(artifact: Artifact):
    for document, logical_id, properties in _resources(artifact, "AWS::Logs::LogGroup"):
        if "RetentionInDays" not in properties:
            yield (
                document.line("Resources", logical_id),
                _("The log group '%(group)s' keeps its logs for ever (and bills for them): set RetentionInDays.")
                % {"group": logical_id},
            )


@rule("parameters-have-defaults", (K.CLOUDFORMATION,), "The stack deploys without parameter overrides")
def parameters_have_defaults(artifact: Artifact):
    for document in artifact.documents:
        for name, parameter in _mapping(_mapping(document.data).get("Parameters")).items():
            if "Default" not in _mapping(parameter):
                yield (
                    document.line("Parameters", name),
                    _(
                        "The parameter '%(name)s' has no Default, so creating the stack without a value for it fails "
                        "('Parameters: [...] must have values'). Give it a Default (and AllowedValues where it helps)."
                    )
                    % {"name": name},
                )


# --- Kubernetes -----------------------------------------------------------------------------------

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}


def _containers(document: YamlDocument) -> Iterator[tuple[tuple, dict]]:
    data = _mapping(document.data)
    kind = data.get("kind")
    if kind == "Pod":
        spec_path = ("spec",)
    elif kind in WORKLOADS:
        spec_path = ("spec", "template", "spec")
    elif kind == "CronJob":
        spec_path = ("spec", "jobTemplate", "spec", "template", "spec")
    else:
        return
    spec = data
    for key in spec_path:
        spec = _mapping(spec.get(key))
    for index, container in enumerate(_list(spec.get("containers"))):
        if isinstance(container, dict):
            yield (*spec_path, "containers", index), container


# Workloads whose containers run to completion: nothing routes traffic to them and nothing restarts
# them when they end, so readiness and liveness probes mean nothing there (activeDeadlineSeconds bounds
# a hung one).
RUN_TO_COMPLETION = {"Job", "CronJob"}


@rule("k8s-probes", (K.KUBERNETES,), "Every long-running container has readiness and liveness probes")
def kubernetes_probes(artifact: Artifact):
    for document in artifact.documents:
        if _mapping(document.data).get("kind") in RUN_TO_COMPLETION:
            continue
        for path, container in _containers(document):
            missing = [p for p in ("readinessProbe", "livenessProbe") if p not in container]
            if missing:
                yield (
                    document.line(*path),
                    _(
                        "The container '%(container)s' has no %(probes)s: Kubernetes cannot tell when it is ready "
                        "for traffic or when it has hung."
                    )
                    % {
                        "container": container.get("name", "?"),
                        "probes": _("%(first)s and no %(second)s") % {"first": missing[0], "second": missing[1]}
                        if len(missing) == 2
                        else missing[0],
                    },
                )


@rule("k8s-resources", (K.KUBERNETES,), "Every container requests and limits CPU and memory")
def kubernetes_resources(artifact: Artifact):
    for document in artifact.documents:
        for path, container in _containers(document):
            resources = _mapping(container.get("resources"))
            missing = [
                f"{section}.{name}"
                for section in ("requests", "limits")
                for name in ("cpu", "memory")
                if name not in _mapping(resources.get(section))
            ]
            if missing:
                yield (
                    document.line(*path, "resources"),
                    _(
                        "The container '%(container)s' does not set %(settings)s: the scheduler cannot place it well "
                        "and one container can starve the node."
                    )
                    % {"container": container.get("name", "?"), "settings": ", ".join(missing)},
                )


@rule("k8s-selector-matches", (K.KUBERNETES,), "The selector matches the pod template's labels")
def kubernetes_selector(artifact: Artifact):
    for document in artifact.documents:
        data = _mapping(document.data)
        if data.get("kind") not in WORKLOADS - {"Job"}:
            continue
        spec = _mapping(data.get("spec"))
        selector = _mapping(_mapping(spec.get("selector")).get("matchLabels"))
        labels = _mapping(_mapping(_mapping(spec.get("template")).get("metadata")).get("labels"))
        if not selector:
            yield document.line("spec"), _("spec.selector.matchLabels is missing: the workload cannot find its pods.")
            continue
        wrong = {key: value for key, value in selector.items() if labels.get(key) != value}
        if wrong:
            # each pair a message of its own, so that "missing" is written in the page's language too
            pairs = [
                _("%(key)s: %(wanted)s vs %(found)s")
                % {"key": k, "wanted": v, "found": labels[k] if k in labels else _("missing")}
                for k, v in wrong.items()
            ]
            yield (
                document.line("spec", "selector", "matchLabels"),
                _(
                    "spec.selector.matchLabels does not match the pod template's labels (%(pairs)s): the API server "
                    "refuses the Deployment."
                )
                % {"pairs": pairs},
            )


# --- suppression tricks ---------------------------------------------------------------------------

_SUPPRESSIONS = [
    (re.compile(r"#\s*hadolint\s+(global\s+)?ignore\s*=", re.I), gettext_noop("a '# hadolint ignore=' comment")),
    (re.compile(r"#\s*yamllint\s+(disable|enable)", re.I), gettext_noop("a '# yamllint disable' comment")),
    (re.compile(r"#\s*shellcheck\s+disable\s*=", re.I), gettext_noop("a '# shellcheck disable=' comment")),
    (re.compile(r"#\s*checkov:skip", re.I), gettext_noop("a '# checkov:skip' comment")),
]


@rule("no-suppressions", tuple(K.values), "No comment or setting switches a check off")
def no_suppressions(artifact: Artifact):
    for number, line in enumerate(artifact.text.splitlines(), start=1):
        for pattern, what in _SUPPRESSIONS:
            if pattern.search(line):
                yield (
                    number,
                    _(  # shown after "Line N:", which names the line
                        "This line has %(what)s. Suppressing a finding does not fix it, and the checks here run "
                        "with such comments ignored: fix what the tool reports instead."
                    )
                    % {"what": _(what)},
                )
    if artifact.kind != K.CLOUDFORMATION:
        return
    for document in artifact.documents:
        data = _mapping(document.data)
        places = [(("Metadata", "cfn-lint"), _mapping(data.get("Metadata")))]
        places += [
            (("Resources", logical_id, "Metadata", "cfn-lint"), _mapping(_mapping(resource).get("Metadata")))
            for logical_id, resource in _mapping(data.get("Resources")).items()
        ]
        for path, metadata in places:
            if "cfn-lint" in metadata:
                yield (
                    document.line(*path),
                    _(
                        "A 'Metadata: cfn-lint' section configures the linter from inside the template "
                        "(ignore_checks). It is ignored here: fix what cfn-lint reports instead."
                    ),
                )


SUPPRESSION_RULE = "no-suppressions"


def run(artifact: Artifact, rule_ids: set[str]) -> list[Finding]:
    """The findings of the given rules (those that apply to the artifact's kind)."""
    findings: list[Finding] = []
    for rule_id in sorted(rule_ids):
        own = RULES.get(rule_id)
        if own and artifact.kind in own.kinds:
            findings.extend(own.check(artifact))
    return findings
