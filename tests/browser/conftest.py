import io

import pytest
from django.core.management import call_command

from tests.conftest import ensure_curriculum


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
