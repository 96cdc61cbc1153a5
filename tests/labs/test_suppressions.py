"""Suppression tricks do not pass: the tools run with their ignore pragmas disabled where they
allow it, and our no-suppressions rule flags the comments and settings where they do not."""

from labs.grading import LabSpec, grade
from labs.results import CheckSpec


def verdicts(kind, checks, text):
    spec = LabSpec(kind=kind, pass_mark=100, checks=tuple(CheckSpec(k, k, t, r, 1, True) for k, t, r in checks))
    result = grade(spec, text)
    return result["status"], {check["key"]: check["status"] for check in result["checks"]}


def test_a_hadolint_ignore_comment_does_not_pass():
    text = "# hadolint ignore=DL3007\nFROM ubuntu:latest\nUSER 1000\n"
    status, checks = verdicts("dockerfile", [("tag", "hadolint", ("DL3007",))], text)
    assert status == "fail"
    assert checks == {"tag": "fail", "no-suppressions": "fail"}


def test_a_hadolint_global_ignore_does_not_pass():
    text = "# hadolint global ignore=DL3007\nFROM ubuntu:latest\nUSER 1000\n"
    assert verdicts("dockerfile", [("tag", "hadolint", ("DL3007",))], text)[1]["tag"] == "fail"


def test_a_yamllint_disable_comment_does_not_pass():
    for comment in ("# yamllint disable", "# yamllint disable rule:key-duplicates", "# yamllint disable-file"):
        text = f"{comment}\na: 1\na: 2\n"
        status, checks = verdicts("buildspec", [("dupes", "yamllint", ("key-duplicates",))], text)
        assert checks == {"dupes": "fail", "no-suppressions": "fail"}, comment


def test_a_yamllint_disable_line_comment_does_not_pass():
    text = "a: 1\na: 2  # yamllint disable-line rule:key-duplicates\n"
    assert verdicts("buildspec", [("dupes", "yamllint", ("key-duplicates",))], text)[1]["dupes"] == "fail"


TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
TEMPLATE_META
Resources:
  Bucket:
    Type: AWS::S3::Bucket
RESOURCE_META
    Properties:
      BucketName: !Ref Missing
"""


def test_cfn_lint_metadata_ignores_do_not_pass():
    template_level = "Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [E1020]"
    resource_level = "    Metadata:\n      cfn-lint:\n        config:\n          ignore_checks: [E1020]"
    for metadata, resource in ((template_level, ""), ("", resource_level), (template_level, resource_level)):
        text = TEMPLATE.replace("TEMPLATE_META\n", metadata + "\n" if metadata else "").replace(
            "RESOURCE_META\n", resource + "\n" if resource else ""
        )
        status, checks = verdicts("cloudformation", [("refs", "cfn-lint", ("E1020",))], text)
        assert checks == {"refs": "fail", "no-suppressions": "fail"}, text


def test_cfn_lint_metadata_cannot_change_regions_or_load_rules():
    metadata = "Metadata:\n  cfn-lint:\n    config:\n      regions: [nowhere-1]\n      append_rules: [/tmp]\n"
    text = TEMPLATE.replace("TEMPLATE_META\n", metadata).replace("RESOURCE_META\n", "")
    assert verdicts("cloudformation", [("refs", "cfn-lint", ("E1020",))], text)[1]["refs"] == "fail"


def test_a_shellcheck_disable_in_a_workflow_is_flagged():
    text = (
        "on: push\npermissions: {contents: read}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      # shellcheck disable=SC2086\n      - run: echo $HOME\n"
    )
    status, checks = verdicts("github_actions", [("lint", "actionlint", ("*",))], text)
    assert checks["no-suppressions"] == "fail"
    assert status == "fail"


def test_a_clean_file_passes_the_suppression_check():
    text = 'FROM debian:12.8-slim\nUSER 1000\nCMD ["true"]\n'
    assert verdicts("dockerfile", [("tag", "hadolint", ("DL3007",))], text) == (
        "pass",
        {"tag": "pass", "no-suppressions": "pass"},
    )


def test_the_suppression_finding_leaves_its_line_number_to_the_line_it_is_shown_on():
    """Shown as "Line 1: <message>": the message does not say "Line 1" again (a walk-through read
    "Line 13: Line 13 has a '# hadolint ignore=' comment")."""
    text = "# hadolint ignore=DL3007\nFROM ubuntu:latest\nUSER 1000\n"
    spec = LabSpec(
        kind="dockerfile", pass_mark=100, checks=(CheckSpec("tag", "tag", "hadolint", ("DL3007",), 1, True),)
    )
    check = next(c for c in grade(spec, text)["checks"] if c["key"] == "no-suppressions")
    assert [f["line"] for f in check["findings"]] == [1]
    assert check["findings"][0]["message"].startswith("This line has a '# hadolint ignore=' comment")
