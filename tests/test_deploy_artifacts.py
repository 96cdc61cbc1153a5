"""DevOps Learn's own deployment artifacts pass the labs it teaches: each file is graded by the
matching lab of the curriculum (its checks, its tools, in the grading sandbox), as a learner's would be.
The linters themselves also run on them in .ci/run (hadolint, kubernetes-validate, actionlint, yamllint)."""

from pathlib import Path

import pytest
from django.conf import settings

from labs import grading
from labs.authoring import spec_of_folder

LABS = Path(settings.BASE_DIR) / "fixtures" / "content"
ROOT = Path(settings.BASE_DIR)

ARTIFACTS = [
    ("Dockerfile", "04-containers-on-aws/labs/dockerfile-hardening"),
    ("Dockerfile", "04-containers-on-aws/labs/multi-stage-build"),
    (".github/workflows/ci.yml", "02-cicd-on-aws/labs/github-actions-pipeline"),
    *[
        (str(manifest.relative_to(ROOT)), "04-containers-on-aws/labs/kubernetes-deployment")
        for manifest in sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
    ],
]


@pytest.mark.parametrize(("artifact", "lab"), ARTIFACTS, ids=[f"{a}:{lab.rsplit('/', 1)[-1]}" for a, lab in ARTIFACTS])
def test_each_deployment_artifact_passes_the_lab_that_teaches_it(artifact, lab):
    folder = LABS / lab
    assert (folder / "lab.yaml").exists(), f"the lab {lab} is gone: pick the lab that now teaches {artifact}"
    spec, _ = spec_of_folder(folder)
    result = grading.grade_sandboxed(spec, (ROOT / artifact).read_text())
    failing = {check["key"]: check["findings"] for check in result["checks"] if check["status"] != "pass"}
    assert result["status"] == "pass" and not failing, (result["message"], failing)
    assert result["score"] == result["max_score"]
    assert result["other_findings"] == []  # nothing the tools say, even ungraded


def test_every_kubernetes_manifest_and_workload_is_covered():
    kinds = set()
    for manifest in (ROOT / "deploy" / "k8s").glob("*.yaml"):
        lines = manifest.read_text().splitlines()
        kinds |= {line.split(":", 1)[1].strip() for line in lines if line.startswith("kind:")}
    assert {"Deployment", "Service", "Job", "PodDisruptionBudget"} <= kinds
