"""cfn-lint (about 300 MB, and it crashes on deeply nested input) is never imported by a web worker:
the web process stores and enqueues; only grading workers import the tools."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import sys
import django
django.setup()
from django.test import Client
import devopslearn.urls, labs.views, labs.admin, labs.tasks  # every module a web request may load
Client().get("/labs/")
heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("cfnlint", "yamllint", "kubernetes_validate"))
print(",".join(heavy) or "none")
"""


def test_the_web_process_never_imports_the_linters():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "devopslearn.settings", "DEBUG": "1"}
    env.pop("DEVOPSLEARN_GRADER", None)
    output = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert output.returncode == 0, output.stderr[-2000:]
    assert output.stdout.strip().splitlines()[-1] == "none"


def test_the_labs_app_imports_neither_progress_nor_cohorts_nor_quizzes():
    for path in (settings.BASE_DIR / "labs").rglob("*.py"):
        text = path.read_text()
        for higher in ("progress", "cohorts", "quizzes"):
            assert f"from {higher}" not in text and f"import {higher}" not in text, (path, higher)
