"""Shared fixtures: the personas, the real curriculum (loaded once per test session), Chromium."""

import os
import shutil

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside live_server

import pytest
from django.conf import settings

from tests.factories import make_user

CONTENT = settings.BASE_DIR / "fixtures" / "content"
PATH_SLUG = "devops-on-aws"
PASSWORD = "correct-horse-battery-42"


def pytest_configure(config):
    """`make setup` compiles the translations; a run started without it (or after a .po changed)
    compiles them here, once, in the controlling process (Babel, as the Makefile does)."""
    if hasattr(config, "workerinput"):
        return
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parent.parent / "locale").glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


# The fixtures through which a test reaches the database (pytest-django blocks it for any other test).
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
)


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database: CI runs the suite again on PostgreSQL, where the "
        "others (parsers, graders, the sandbox, the catalog) cannot give another result",
    )


def uses_database(item) -> bool:
    """Whether pytest-django lets ``item`` reach the database (its django_db mark or a database fixture)."""
    return item.get_closest_marker("django_db") is not None or not DATABASE_FIXTURES.isdisjoint(
        getattr(item, "fixturenames", ())
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if uses_database(item)]
    config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
    items[:] = kept


class CurriculumSnapshot:
    """The rows load_content wrote, read once per test process and written back in a few bulk inserts
    when a transactional test (live_server) has flushed the database: load_content itself (reading,
    checking and rendering every file) runs once per session rather than once per such test."""

    def __init__(self):
        from django.apps import apps

        from courses.models import ImportedContent, Module

        content = [m for m in apps.get_models() if issubclass(m, ImportedContent)]
        self.models = [*self._dependency_order(content), Module.prerequisites.through]
        self.rows = {model: list(model.objects.order_by("pk")) for model in self.models}

    @staticmethod
    def _dependency_order(models: list) -> list:
        """``models`` with every model after the models its foreign keys point to."""
        ordered: list = []
        pending = list(models)
        while pending:
            for model in pending:
                targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation} & set(models)
                if targets <= {*ordered, model}:
                    ordered.append(model)
                    pending.remove(model)
                    break
            else:
                raise RuntimeError(f"a foreign-key cycle among {pending}")
        return ordered

    def restore(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from courses import changes
        from courses.models import ContentVersion

        with changes.batch():  # atomic, and what follows from the rows (courses.changes) runs once
            for model in self.models:
                if self.rows[model]:
                    model.objects.bulk_create(self.rows[model])
            with connection.cursor() as cursor:  # PostgreSQL: the sequences past the restored ids
                for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                    cursor.execute(statement)
            ContentVersion.bump()  # a fresh marker, as a fresh load would give: no cache outlives the flush


_snapshot: CurriculumSnapshot | None = None


def ensure_curriculum():
    """The real curriculum: loaded by load_content the first time in this process, then restored from
    the snapshot whenever a transactional test flushed it."""
    global _snapshot
    from courses.importers import load_content
    from courses.models import LearningPath

    path = LearningPath.objects.filter(slug=PATH_SLUG).first()
    if path is None or not path.modules.exists():
        if _snapshot is None:
            load_content(CONTENT)
            _snapshot = CurriculumSnapshot()
        else:
            _snapshot.restore()
        path = LearningPath.objects.get(slug=PATH_SLUG)
    elif _snapshot is None:
        _snapshot = CurriculumSnapshot()
    return path


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request's language stays active in the thread after
    it (Django's LocaleMiddleware does not switch it off), and the curriculum's translated fields
    read and write the active language's column (``lesson.title = ...`` in Vietnamese sets title_vi)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real curriculum once per test database; each test's transaction rolls back over it,
    and a test that flushes it (live_server) gets it back from the snapshot."""
    with django_db_blocker.unblock():
        ensure_curriculum()


@pytest.fixture
def curriculum(db):
    """The real learning path (restored if a transactional test flushed the database)."""
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
