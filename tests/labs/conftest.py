"""Labs built by the tests themselves (the real curriculum's labs are tested in test_content_labs.py)."""

import pytest

from labs.models import Check, Lab
from tests.courses.conftest import content  # noqa: F401 - the fixture: a private copy of the content folder
from tests.factories import make_path

DOCKERFILE_STARTER = 'FROM ubuntu:latest\nRUN apt-get update && apt-get install -y curl\nCMD ["curl", "--version"]\n'
DOCKERFILE_FIXED = (
    "FROM debian:12.8-slim\n"
    "RUN apt-get update \\\n"
    "    && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u14 \\\n"
    "    && rm -rf /var/lib/apt/lists/*\n"
    "USER 10001\n"
    'CMD ["curl", "--version"]\n'
)


def make_lab(module, *, slug="harden", kind="dockerfile", checks=None, published=True, **fields) -> Lab:
    lab = Lab.objects.create(
        module=module,
        key=slug,
        slug=slug,
        title=fields.pop("title", f"Lab {slug}"),
        kind=kind,
        instructions_md=fields.pop("instructions_md", "Fix **the file**."),
        starter=fields.pop("starter", DOCKERFILE_STARTER),
        solution=fields.pop("solution", DOCKERFILE_FIXED),
        pass_mark=fields.pop("pass_mark", 100),
        published=published,
        **fields,
    )
    lesson = module.lessons.first()
    for order, (key, tool, rules, points) in enumerate(
        checks
        or [
            ("tag", "hadolint", "DL3006, DL3007", 2),
            ("recommends", "hadolint", "DL3015", 1),
            ("user", "devopslearn", "non-root-user", 2),
        ],
        start=1,
    ):
        Check.objects.create(
            lab=lab,
            key=key,
            title=f"Check {key}",
            order=order,
            tool=tool,
            rules=rules,
            points=points,
            explanation_md=f"Why **{key}** matters.",
            lesson=lesson,
        )
    return lab


@pytest.fixture
def lab_path(db):
    return make_path(modules=2, lessons=2, slug="lab-path", with_quiz=False)


@pytest.fixture
def module(lab_path):
    return lab_path.modules.get(slug="m1")


@pytest.fixture
def lab(module):
    return make_lab(module)
