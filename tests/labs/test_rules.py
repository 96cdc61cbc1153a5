"""Our own rules, each a pure function: one artifact that breaks it and one that keeps it."""

import pytest

from labs.grading import read
from labs.rules import RULES


def findings(rule_id, kind, text):
    return [(f.line, f.message) for f in RULES[rule_id].check(read(kind, text))]


def lines(rule_id, kind, text):
    return [line for line, _ in findings(rule_id, kind, text)]


def test_non_root_user_needs_a_user_in_the_final_stage():
    assert lines("non-root-user", "dockerfile", "FROM a:1 AS b\nUSER 1\nFROM c:2\nRUN x\n") == [3]
    assert lines("non-root-user", "dockerfile", "FROM c:2\nUSER 1000\nUSER root\n") == [3]
    assert lines("non-root-user", "dockerfile", "FROM c:2\nUSER 0:0\n") == [2]
    assert lines("non-root-user", "dockerfile", "FROM c:2\nUSER app:app\n") == []


def test_no_latest_tag_in_dockerfiles():
    text = "FROM python AS build\nFROM build\nFROM scratch\nFROM node:latest\nFROM a/b:1.2\nFROM c@sha256:abc\n"
    assert lines("no-latest-tag", "dockerfile", text) == [1, 4]


def test_no_latest_tag_in_kubernetes():
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: {image}\n"
    assert lines("no-latest-tag", "kubernetes", pod.replace("{image}", "nginx")) == [7]
    assert lines("no-latest-tag", "kubernetes", pod.replace("{image}", "repo.io:5000/nginx:latest")) == [7]
    assert lines("no-latest-tag", "kubernetes", pod.replace("{image}", "repo.io:5000/nginx:1.27")) == []


def test_multi_stage_build():
    assert lines("multi-stage-build", "dockerfile", "FROM golang:1.23\nRUN go build\n") == [1]
    assert lines("multi-stage-build", "dockerfile", "FROM golang:1.23 AS build\nFROM alpine:3.20\nRUN x\n") == [2]
    good = "FROM golang:1.23 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n"
    assert lines("multi-stage-build", "dockerfile", good) == []


WORKFLOW = """on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./local-action
      - uses: docker://alpine:3.20
      - run: pytest
  deploy:
    needs: [test]
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@0b93645e9fea7318ecaed2b359559ac225c90a2b # v5.3.0
  reuse:
    uses: org/repo/.github/workflows/x.yml@main
"""


def test_actions_pinned_to_sha():
    assert lines("actions-pinned-to-sha", "github_actions", WORKFLOW) == [6, 16]


def test_test_job_before_deploy():
    assert lines("test-job-before-deploy", "github_actions", WORKFLOW) == []
    assert lines("test-job-before-deploy", "github_actions", WORKFLOW.replace("    needs: [test]\n", "")) == [10]
    no_tests = "on: push\njobs:\n  deploy:\n    runs-on: x\n    steps:\n      - run: ./deploy\n"
    assert lines("test-job-before-deploy", "github_actions", no_tests) == [2]


def test_test_job_needed_transitively():
    text = WORKFLOW.replace("    needs: [test]\n", "    needs: build\n").replace(
        "  reuse:\n", "  build:\n    needs: test\n    runs-on: x\n    steps:\n      - run: make\n  reuse:\n"
    )
    assert lines("test-job-before-deploy", "github_actions", text) == []


def test_explicit_permissions():
    assert lines("explicit-permissions", "github_actions", WORKFLOW) == [1]
    assert lines("explicit-permissions", "github_actions", "permissions: {contents: read}\n" + WORKFLOW) == []


BUILDSPEC = """version: 0.2
env:
  variables:
    API_TOKEN: abc123
    REGION: us-east-1
phases:
  build:
    commands:
      - make build
reports:
  tests:
    files: [junit.xml]
"""


def test_buildspec_runs_tests():
    assert lines("buildspec-runs-tests", "buildspec", BUILDSPEC) == [6]
    assert lines("buildspec-runs-tests", "buildspec", BUILDSPEC.replace("make build", "python -m pytest -q")) == []


def test_buildspec_reports():
    assert lines("buildspec-reports", "buildspec", BUILDSPEC) == [11]
    fixed = BUILDSPEC.replace("    files: [junit.xml]\n", "    files: [junit.xml]\n    file-format: JUNITXML\n")
    assert lines("buildspec-reports", "buildspec", fixed) == []
    assert lines("buildspec-reports", "buildspec", "version: 0.2\nphases:\n  build:\n    commands: [make]\n") == [2]


def test_buildspec_no_plaintext_secrets():
    assert lines("buildspec-no-plaintext-secrets", "buildspec", BUILDSPEC) == [4]


def resource(type_name, properties="", logical_id="Thing"):
    return f"Resources:\n  {logical_id}:\n    Type: {type_name}\n    Properties:\n{properties}"


def test_s3_bucket_encryption_and_public_access_block():
    bare = resource("AWS::S3::Bucket", "      BucketName: b\n")
    assert lines("s3-bucket-encryption", "cloudformation", bare) == [2]
    assert lines("s3-public-access-block", "cloudformation", bare) == [4]  # its Properties
    good = resource(
        "AWS::S3::Bucket",
        "      BucketEncryption:\n        ServerSideEncryptionConfiguration:\n"
        "          - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}\n"
        "      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        BlockPublicPolicy: true\n"
        "        IgnorePublicAcls: true\n        RestrictPublicBuckets: 'true'\n",
    )
    assert lines("s3-bucket-encryption", "cloudformation", good) == []
    assert lines("s3-public-access-block", "cloudformation", good) == []
    half = good.replace("        IgnorePublicAcls: true\n", "        IgnorePublicAcls: false\n")
    assert [m for _, m in findings("s3-public-access-block", "cloudformation", half)][0].count("IgnorePublicAcls") == 1


PIPELINE = """Resources:
  Pipeline:
    Type: AWS::CodePipeline::Pipeline
    Properties:
      Stages:
        - Name: Source
          Actions: [{Name: S, ActionTypeId: {Category: Source}}]
        - Name: DeployProd
          Actions:
APPROVAL            - Name: Deploy
              ActionTypeId: {Category: Deploy, Provider: CodeDeploy}
              RunOrder: 2
"""
APPROVAL = (
    "            - Name: Approve\n"
    "              ActionTypeId: {Category: Approval, Owner: AWS, Provider: Manual}\n"
    "              RunOrder: 1\n"
)


def test_pipeline_manual_approval():
    assert lines("pipeline-manual-approval", "cloudformation", PIPELINE.replace("APPROVAL", "")) == [8]
    assert lines("pipeline-manual-approval", "cloudformation", PIPELINE.replace("APPROVAL", APPROVAL)) == []
    same_order = APPROVAL.replace("RunOrder: 1", "RunOrder: 2")
    assert lines("pipeline-manual-approval", "cloudformation", PIPELINE.replace("APPROVAL", same_order)) == [8]


def test_deployment_alarm_rollback():
    group = resource("AWS::CodeDeploy::DeploymentGroup", "      ApplicationName: a\n", "Group")
    assert lines("deployment-alarm-rollback", "cloudformation", group) == [2, 2]
    good = group + (
        "      AlarmConfiguration:\n        Enabled: true\n        Alarms: [{Name: !Ref Alarm}]\n"
        "      AutoRollbackConfiguration:\n        Enabled: true\n        Events: [DEPLOYMENT_STOP_ON_ALARM]\n"
    )
    assert lines("deployment-alarm-rollback", "cloudformation", good) == []
    assert lines("deployment-alarm-rollback", "cloudformation", resource("AWS::SNS::Topic", "      A: b\n")) == [1]


def test_alarm_on_5xx_reads_plain_and_metric_math_alarms():
    plain = resource("AWS::CloudWatch::Alarm", "      MetricName: RequestCount\n")
    assert lines("alarm-on-5xx", "cloudformation", plain) == [1]
    assert lines("alarm-on-5xx", "cloudformation", plain.replace("RequestCount", "HTTPCode_Target_5XX_Count")) == []
    math = resource(
        "AWS::CloudWatch::Alarm",
        "      Metrics:\n        - Id: e\n          MetricStat:\n            Metric:\n"
        "              MetricName: HTTPCode_ELB_5XX_Count\n",
    )
    assert lines("alarm-on-5xx", "cloudformation", math) == []


FILTER = """Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /app
  Filter:
    Type: AWS::Logs::MetricFilter
    Properties:
      LogGroupName: TARGET
      FilterPattern: ERROR
      MetricTransformations:
        - {MetricNamespace: App, MetricName: Errors, MetricValue: "1"}
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: App
      MetricName: ALARMED
"""


def test_metric_filter_on_log_group():
    assert lines("metric-filter-on-log-group", "cloudformation", FILTER.replace("TARGET", "!Ref Logs")) == []
    assert lines("metric-filter-on-log-group", "cloudformation", FILTER.replace("TARGET", "/app")) == []
    assert lines("metric-filter-on-log-group", "cloudformation", FILTER.replace("TARGET", "/apps")) == [9]


def test_metric_filter_alarmed():
    assert lines("metric-filter-alarmed", "cloudformation", FILTER.replace("ALARMED", "Errors")) == []
    assert lines("metric-filter-alarmed", "cloudformation", FILTER.replace("ALARMED", "Error")) == [6]


def test_log_retention():
    assert lines("log-retention", "cloudformation", FILTER) == [2]
    assert lines("log-retention", "cloudformation", FILTER.replace("/app\n", "/app\n      RetentionInDays: 7\n")) == []


def test_parameters_have_defaults():
    text = "Parameters:\n  Env:\n    Type: String\n  Size:\n    Type: Number\n    Default: 1\nResources: {}\n"
    assert lines("parameters-have-defaults", "cloudformation", text) == [2]


POD = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector:
    matchLabels: {app: web, tier: front}
  template:
    metadata:
      labels: {app: web, tier: FRONT}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {cpu: 100m}
            limits: {cpu: 200m, memory: 128Mi}
"""


def test_kubernetes_probes():
    assert lines("k8s-probes", "kubernetes", POD) == [12]
    probes = "          readinessProbe: {tcpSocket: {port: 80}}\n          livenessProbe: {tcpSocket: {port: 80}}\n"
    assert lines("k8s-probes", "kubernetes", POD + probes) == []


def test_kubernetes_probes_are_not_asked_of_jobs_that_run_to_completion():
    job = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    spec:\n"
        "      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: app:1.0\n"
    )
    assert lines("k8s-probes", "kubernetes", job) == []
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: a:1\n"
    assert lines("k8s-probes", "kubernetes", pod) == [6]  # a bare pod may serve: asked as before
    assert lines("k8s-resources", "kubernetes", job) == [9]  # a Job still requests and limits what it uses


def test_kubernetes_resources():
    assert [m for _, m in findings("k8s-resources", "kubernetes", POD)][0].count("requests.memory") == 1
    fixed = POD.replace("requests: {cpu: 100m}", "requests: {cpu: 100m, memory: 64Mi}")
    assert lines("k8s-resources", "kubernetes", fixed) == []


def test_kubernetes_selector_matches():
    assert lines("k8s-selector-matches", "kubernetes", POD) == [6]
    assert lines("k8s-selector-matches", "kubernetes", POD.replace("FRONT", "front")) == []


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_is_tested_here(rule_id):
    tested = {
        "non-root-user",
        "no-latest-tag",
        "multi-stage-build",
        "actions-pinned-to-sha",
        "test-job-before-deploy",
        "explicit-permissions",
        "buildspec-runs-tests",
        "buildspec-reports",
        "buildspec-no-plaintext-secrets",
        "s3-bucket-encryption",
        "s3-public-access-block",
        "pipeline-manual-approval",
        "deployment-alarm-rollback",
        "alarm-on-5xx",
        "metric-filter-on-log-group",
        "metric-filter-alarmed",
        "log-retention",
        "parameters-have-defaults",
        "k8s-probes",
        "k8s-resources",
        "k8s-selector-matches",
        "no-suppressions",  # test_suppressions.py
    }
    assert rule_id in tested
