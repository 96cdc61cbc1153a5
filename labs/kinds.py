"""The kinds of artifact a lab asks for, and what each one is checked with."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

KB = 1024


class ArtifactKind(models.TextChoices):
    DOCKERFILE = "dockerfile", _("Dockerfile")
    CLOUDFORMATION = "cloudformation", _("CloudFormation template")
    GITHUB_ACTIONS = "github_actions", _("GitHub Actions workflow")
    BUILDSPEC = "buildspec", _("AWS CodeBuild buildspec.yml")
    KUBERNETES = "kubernetes", _("Kubernetes manifest")


@dataclass(frozen=True)
class KindInfo:
    filename: str  # the name the artifact has in a repository (and the tools are told)
    yaml: bool  # parsed as YAML before any tool runs (size, depth and alias limits)
    max_bytes: int
    tools: tuple[str, ...]  # the real tools a check of this kind may name, besides our own rules


KINDS: dict[str, KindInfo] = {
    ArtifactKind.DOCKERFILE: KindInfo("Dockerfile", False, 16 * KB, ("hadolint",)),
    ArtifactKind.CLOUDFORMATION: KindInfo("template.yaml", True, 32 * KB, ("cfn-lint", "yamllint")),
    ArtifactKind.GITHUB_ACTIONS: KindInfo(".github/workflows/ci.yml", True, 32 * KB, ("actionlint", "yamllint")),
    ArtifactKind.BUILDSPEC: KindInfo("buildspec.yml", True, 32 * KB, ("yamllint",)),
    ArtifactKind.KUBERNETES: KindInfo("deployment.yaml", True, 32 * KB, ("kubernetes-validate", "yamllint")),
}

OWN = "devopslearn"  # the tool name of our own rules (labs/rules.py)
