import io

import pytest
from django.core.management import call_command

from tests.conftest import ensure_curriculum
from tests.factories import make_path, make_user
from tests.labs.conftest import make_lab


@pytest.fixture
def live_curriculum(transactional_db):
    """Browser tests run against live_server, which flushes the database after each test."""
    return ensure_curriculum()


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def demo(live_curriculum, settings):
    """The demo accounts and cohort of seed_demo (learner, instructor, lead; password devops-demo)."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


@pytest.fixture
def lab_world(transactional_db):
    """A one-module path with a Dockerfile lab ("Harden the Dockerfile", tests/labs/conftest.py's checks)
    and the learner "fixer" who does it."""
    path = make_path(modules=1, lessons=1, slug="lab-path", with_quiz=False)
    module = path.modules.get()
    lab = make_lab(module, title="Harden the Dockerfile")
    make_user("fixer", display_name="Fixer")
    return module, lab
