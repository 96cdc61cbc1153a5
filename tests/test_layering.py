"""The house's layers, lowest first: accounts; courses; quizzes and labs beside each other; progress;
cohorts; then the apps that compose (authoring, demo). A lower app never imports a higher one (it
announces with a signal or a registry, and the higher app listens), and devopslearn/lib knows no app.

Views are the top of every app: a page may read the apps below it, and says so in its docstring.
Imports are read from the source (every import statement, also inside functions), not run.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = {
    "accounts": 0,
    "courses": 1,
    "quizzes": 2,
    "labs": 2,
    "progress": 3,
    "cohorts": 4,
    "authoring": 5,
    "demo": 5,
}
VIEW_MODULES = {"views.py", "urls.py"}


def project_apps() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def imported_apps(path: Path) -> dict[str, int]:
    """{app: line} of every project app that ``path`` imports."""
    found = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS or top == "devopslearn":
                found.setdefault(top, node.lineno)
    return found


def modules_of(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def test_every_app_has_a_place_in_the_layers():
    assert set(project_apps()) <= set(LAYERS), "place the new app in LAYERS (and in STYLE's list of layers)"


@pytest.mark.parametrize("app", project_apps())
def test_no_app_imports_a_higher_or_sibling_app_outside_its_views(app):
    wrong = []
    for path in modules_of(app):
        if path.name in VIEW_MODULES:
            continue
        for other, line in imported_apps(path).items():
            if other in (app, "devopslearn"):
                continue
            if LAYERS[other] >= LAYERS[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {other}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("app", project_apps())
def test_views_that_compose_higher_apps_say_so(app):
    """A page may show what a higher app knows (the lesson page shows the learner's progress): its
    module docstring names the apps it composes."""
    for path in modules_of(app):
        if path.name != "views.py":
            continue
        others = sorted(o for o in imported_apps(path) if o in LAYERS and o != app and LAYERS[o] >= LAYERS[app])
        if others:
            docstring = ast.get_docstring(ast.parse(path.read_text())) or ""
            assert "compose" in docstring and all(other in docstring for other in others), (
                f"{path.relative_to(ROOT)} reads {', '.join(others)}: its docstring must say the page composes them"
            )


def test_the_shared_library_knows_no_app():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {app}"
        for path in sorted((ROOT / "devopslearn" / "lib").rglob("*.py"))
        for app, line in imported_apps(path).items()
        if app != "devopslearn"
    ]
    assert wrong == [], "\n".join(wrong)


def test_the_privacy_pages_collect_contributions_rather_than_import_every_app():
    assert set(imported_apps(ROOT / "devopslearn" / "privacy.py")) <= {"accounts"}


def test_the_layering_check_sees_an_upward_import(tmp_path):
    """The check itself: a module of a lower app importing a higher one is found, also inside a function."""
    module = tmp_path / "models.py"
    module.write_text("import os\n\ndef later():\n    from cohorts.models import Cohort\n    return Cohort\n")
    assert imported_apps(module) == {"cohorts": 4}
    assert LAYERS["cohorts"] >= LAYERS["courses"]
