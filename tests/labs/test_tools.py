"""Each real tool on a good and a bad sample: the rule ids and lines are the tool's own."""

import pytest

from labs import documents, tools


def rules(findings):
    return {(f.rule, f.line) for f in findings}


def test_hadolint_reports_its_rule_ids_with_lines():
    bad = "FROM ubuntu:latest\nRUN apt-get update && apt-get install -y curl\nCMD curl --version\n"
    found = rules(tools.hadolint(bad))
    assert {("DL3007", 1), ("DL3015", 2), ("DL3008", 2), ("DL3009", 2), ("DL3025", 3)} <= found


def test_hadolint_passes_a_clean_dockerfile():
    good = 'FROM debian:12.8-slim\nUSER 10001\nCMD ["sleep", "1"]\n'
    assert tools.hadolint(good) == []


def test_actionlint_reports_its_kinds():
    bad = (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.head_commit.message }}\n"
        "      - run: echo ${{ matrix.missing }}\n"
    )
    found = rules(tools.actionlint(bad))
    assert ("expression", 6) in found
    assert ("expression", 7) in found


def test_actionlint_reports_a_syntax_problem():
    found = rules(tools.actionlint("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    stepz: []\n"))
    assert any(rule == "syntax-check" for rule, _ in found)


def test_actionlint_passes_a_clean_workflow():
    good = (
        "on: push\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo hello\n"
    )
    assert tools.actionlint(good) == []


def test_cfn_lint_reports_a_bad_ref_and_a_deprecated_runtime():
    bad = (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n'
        "    Properties:\n      BucketName: !Ref Missing\n"
    )
    assert ("E1020", 6) in rules(tools.cfn_lint(bad))


def test_cfn_lint_reports_a_parse_error_as_e0000():
    assert any(f.rule == "E0000" for f in tools.cfn_lint("Resources: [unclosed\n"))


def test_cfn_lint_passes_a_clean_template():
    good = (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n'
        "    Properties:\n      TopicName: alerts\n"
    )
    assert tools.cfn_lint(good) == []


def kubernetes(text):
    return tools.kubernetes_validate(documents.parse_yaml(text))


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: PORT
"""


def test_kubernetes_validate_reports_the_schema_keyword_and_line():
    bad = DEPLOYMENT.replace("PORT", '"80"').replace("          image: nginx:1.27\n", "          imag: nginx:1.27\n")
    found = rules(kubernetes(bad))
    assert ("type", 16) in found
    assert ("additionalProperties", 13) in found


def test_kubernetes_validate_reports_an_unknown_kind():
    assert {f.rule for f in kubernetes("apiVersion: v1\nkind: Nonsense\nmetadata: {name: x}\n")} == {"schema-not-found"}


def test_kubernetes_validate_passes_a_valid_deployment():
    assert kubernetes(DEPLOYMENT.replace("PORT", "80")) == []


def test_yamllint_reports_its_rule_names():
    found = rules(tools.yamllint("a: 1\na: 2\nb:   [1,2]\nc: yes \n"))
    assert ("key-duplicates", 2) in found
    assert ("truthy", 4) in found
    assert ("trailing-spaces", 4) in found


def test_yamllint_passes_clean_yaml():
    assert tools.yamllint("a: 1\nb:\n  - 2\n") == []


@pytest.mark.parametrize("name", ["hadolint", "actionlint"])
def test_the_binaries_come_from_the_python_packages(name):
    assert tools.binary(name).endswith(name)
    assert tools.versions()[name]
