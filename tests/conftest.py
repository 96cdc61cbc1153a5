"""Shared fixtures: the personas, the real curriculum (loaded once per test database), Chromium."""

import os
import shutil

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server

import pytest
from django.conf import settings

from tests.factories import make_user

CONTENT = settings.BASE_DIR / "fixtures" / "content"
PATH_SLUG = "devops-on-aws"
PASSWORD = "correct-horse-battery-42"


def ensure_curriculum():
    from courses.importers import load_content
    from courses.models import LearningPath

    path = LearningPath.objects.filter(slug=PATH_SLUG).first()
    if path is None or not path.modules.exists():
        load_content(CONTENT)
        path = LearningPath.objects.get(slug=PATH_SLUG)
    return path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real curriculum once per test database; each test's transaction rolls back over it."""
    with django_db_blocker.unblock():
        ensure_curriculum()


@pytest.fixture
def curriculum(db):
    """The real learning path (reloaded if a transactional test flushed the database)."""
    return ensure_curriculum()


@pytest.fixture
def learner(db):
    return make_user("learner1", display_name="Lan Learner")


@pytest.fixture
def other_learner(db):
    return make_user("learner2", display_name="Other Learner")


@pytest.fixture
def instructor(db):
    from accounts.roles import instructors_group

    user = make_user("instructor1", is_staff=True)
    user.groups.add(instructors_group())
    return user


@pytest.fixture
def lead(db):
    return make_user("lead1", display_name="Lead Person")


@pytest.fixture
def outsider(db):
    return make_user("outsider1")


@pytest.fixture
def superuser(db):
    return make_user("admin1", is_staff=True, is_superuser=True)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


# --- Chromium ------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    if CHROMIUM:
        return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}
    return {**browser_type_launch_args, "args": args}  # Playwright's own download (make test installs it)


@pytest.fixture
def console_errors(page):
    """Console errors and CSP violations seen by the page; tests assert it stays empty."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
