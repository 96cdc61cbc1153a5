"""The curriculum's labs: at least ten, over the modules, each starter failing a check and each
reference solution passing every check with no finding left, graded by the real tools."""

import pytest
from django.core.management import call_command

from labs.authoring import check_lab_folders
from labs.kinds import ArtifactKind
from labs.models import Lab
from tests.conftest import CONTENT


def test_every_solution_passes_and_every_starter_fails(capsys):
    report = check_lab_folders(CONTENT)
    assert report.problems == []
    assert report.labs >= 10


@pytest.mark.django_db
def test_the_labs_cover_the_kinds_and_modules_the_issue_lists(curriculum):
    labs = list(Lab.objects.published().filter(module__path=curriculum).select_related("module"))
    assert len(labs) >= 10
    assert {lab.kind for lab in labs} == set(ArtifactKind.values)
    modules = {lab.module.slug for lab in labs}
    assert {"cicd-on-aws", "infrastructure-as-code", "containers-on-aws", "observability"} <= modules
    assert all(lab.checks.exists() for lab in labs)


def test_check_labs_command_reports_each_lab(capsys):
    call_command("check_labs", "--path", str(CONTENT))
    out = capsys.readouterr().out
    assert "every solution passes every check, every starter fails one" in out
