"""Labs in fixtures/content/<module>/labs/ load with load_content: idempotent, file:line errors,
admin edits kept, nothing deleted."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from courses.importers import ContentError, load_content
from labs.models import Check, Lab
from tests.courses.conftest import COPY_SLUG, edit, line_number

pytestmark = pytest.mark.django_db

LAB = "04-containers-on-aws/labs/dockerfile-hardening"


def run(root: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_content", "--path", str(root), *args, stdout=out)
    return out.getvalue()


def refused(root: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return caught.value


def copied_lab(key="dockerfile-hardening") -> Lab:
    return Lab.objects.get(module__path__slug=COPY_SLUG, key=key)


def test_labs_load_with_their_checks_and_a_second_run_changes_nothing(content):
    first = run(content)
    assert "  labs: 11 created\n" in first
    lab = copied_lab()
    assert lab.kind == "dockerfile" and lab.required and lab.pass_mark == 80
    assert lab.starter.startswith("FROM ubuntu:latest")
    assert "<strong>root</strong>" in lab.instructions_html
    check = lab.checks.get(key="base-image-tag")
    assert (check.tool, check.rule_list, check.points, check.required) == ("hadolint", ["DL3006", "DL3007"], 2, True)
    assert check.lesson.key == "ecr" and "<code>latest</code>" in check.explanation_html
    second = run(content)
    assert "  labs: 11 unchanged\n" in second and "  checks: 52 unchanged\n" in second


def test_a_lab_edited_in_the_admin_is_kept_unless_overwrite(content):
    run(content)
    lab = copied_lab()
    lab.title = "Edited in the admin"
    lab.save()
    check = lab.checks.get(key="pip-no-cache")
    check.points = 5
    check.save()
    edit(content / LAB / "lab.yaml", "title: Harden a Python service's Dockerfile", "title: Changed in the file")
    output = run(content)
    assert f"skipped: lab 'containers-on-aws/dockerfile-hardening' ({LAB}): edited in the admin" in output
    assert copied_lab().title == "Edited in the admin"
    assert Check.objects.get(pk=check.pk).points == 5
    run(content, "--overwrite")
    assert copied_lab().title == "Changed in the file"
    assert Check.objects.get(pk=check.pk).points == 1


def test_a_check_removed_from_the_file_is_kept_with_a_note(content):
    run(content)
    for lab in (content / LAB / "lab.yaml", content / "vi" / LAB / "lab.yaml"):  # and from its translation
        text = lab.read_text()
        start = text.index("  - key: apt-versions-pinned")
        lab.write_text(text[:start])
    output = run(content)
    assert "check 'containers-on-aws/dockerfile-hardening/apt-versions-pinned' is no longer in" in output
    assert copied_lab().checks.filter(key="apt-versions-pinned").exists()


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        ("kind: dockerfile", "kind: makefile", "kind:", "kind must be one of"),
        ("pass_mark: 80", "pass_mark: 180", "pass_mark", "pass_mark is a percentage"),
        ("order: 1\n", "order: 1\npublised: true\n", "publised", "unknown field 'publised'"),
        (
            "    tool: hadolint\n    rules: [DL3006, DL3007]",
            "    tool: cfn-lint\n    rules: [E1001]",
            "key: base-image-tag",
            "A Dockerfile cannot be checked with cfn-lint",
        ),
        (
            "rules: [non-root-user]",
            "rules: [no-such-rule]",
            "key: non-root-user",
            "no DevOps Learn rule 'no-such-rule'",
        ),
        ("rules: [non-root-user]", "rules: [k8s-probes]", "key: non-root-user", "does not apply to a Dockerfile"),
        ("rules: [DL3015]", "rules: []", "key: no-install-recommends", "Name at least one rule id"),
        ("rules: [DL3015]", "rules: [DL 3015]", "key: no-install-recommends", "'DL 3015' is not a rule id"),
        (
            "  - key: pip-no-cache",
            "  - key: apt-lists-cleaned",
            "key: apt-lists-cleaned",
            "duplicate check key 'apt-lists-cleaned'",
        ),
        (
            "    points: 2\n    lesson: ecr",
            "    points: -2\n    lesson: ecr",
            "key: base-image-tag",
            "points must be a whole number",
        ),
    ],
)
def test_a_malformed_lab_is_refused_with_its_file_and_line(content, old, new, needle, message):
    lab_yaml = content / LAB / "lab.yaml"
    edit(lab_yaml, old, new)
    error = refused(content)
    assert error.path == lab_yaml
    assert error.line == line_number(lab_yaml, needle)
    assert message in error.message
    assert not Lab.objects.filter(module__path__slug=COPY_SLUG).exists()  # nothing written


def test_an_unknown_lesson_is_refused(content):
    lab_yaml = content / LAB / "lab.yaml"
    edit(lab_yaml, "    lesson: ecr\n", "    lesson: no-such-lesson\n")
    error = refused(content)
    assert (error.path, error.line) == (lab_yaml, line_number(lab_yaml, "key: base-image-tag"))
    assert "no lesson 'no-such-lesson'" in error.message


def test_a_missing_or_oversized_starter_is_refused(content):
    starter = content / LAB / "starter.Dockerfile"
    starter.write_text("FROM x:1\n" + "# pad\n" * 4000)
    error = refused(content)
    assert error.path == starter and "the limit for this lab is 16 KB" in error.message
    starter.unlink()
    error = refused(content)
    assert error.path == content / LAB / "lab.yaml" and "name the starter file" in error.message


def test_a_lab_folder_without_lab_yaml_is_refused(content):
    (content / LAB / "lab.yaml").rename(content / LAB / "lab.yml")
    assert refused(content).path == content / LAB / "lab.yaml"


def test_a_lab_without_checks_is_refused(content):
    lab_yaml = content / LAB / "lab.yaml"
    text = lab_yaml.read_text()
    lab_yaml.write_text(text[: text.index("checks:")] + "checks: []\n")
    error = refused(content)
    assert "a lab needs a list of checks" in error.message
