"""The plain statements kept on the path every request runs, each against its ORM twin, on SQLite and
PostgreSQL alike (aware datetimes, booleans, decimals, NULLs): the session row, the user with its
flags, the progress rows and due cards, the content marker. And the helpers that run them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.backends import load_user, users_with_flags
from accounts.models import User
from accounts.sessions import SessionStore
from cohorts.models import LEADS_FLAG, Cohort
from courses.models import ContentVersion, Module
from devopslearn.lib import sql
from progress.models import ModuleProgress, ReviewCard
from quizzes.models import Question, Quiz
from tests.cohorts.conftest import make_cohort
from tests.factories import make_user

pytestmark = pytest.mark.django_db


# --- the session row -------------------------------------------------------------------------------


def test_the_session_row_is_the_one_the_orm_finds_unexpired(learner):
    live, expired = SessionStore(), SessionStore()
    for store in (live, expired):
        store["who"] = "learner"
        store.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    now = timezone.now()
    for key in (live.session_key, expired.session_key, "no-such-key-0123456789abcdef"):
        twin = Session.objects.filter(session_key=key, expire_date__gt=now).first()
        found = SessionStore(session_key=key)._get_session_from_db()
        assert (found.session_data if found else None) == (twin.session_data if twin else None), key
    assert SessionStore(session_key=live.session_key).load() == {"who": "learner"}


# --- the user with its flags -----------------------------------------------------------------------


def test_the_user_statement_loads_what_the_orm_loads_with_each_flag(curriculum, learner, lead, instructor):
    make_cohort(curriculum, slug="flagged", leads=[lead])
    learner.last_login = timezone.now()
    learner.display_name = "Lan ✓"
    learner.save()
    for user in (learner, lead, instructor):
        loaded = load_user(user.pk)
        twin = users_with_flags().get(pk=user.pk)
        for field in User._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(twin, field.attname), field.name
        assert getattr(loaded, LEADS_FLAG) is getattr(twin, LEADS_FLAG) is bool(getattr(twin, LEADS_FLAG))
        assert loaded._state.adding is False and loaded._state.db == DEFAULT_DB_ALIAS
    assert [getattr(load_user(u.pk), LEADS_FLAG) for u in (learner, lead)] == [False, True]


def test_the_lead_flag_is_the_led_by_rule(curriculum, lead, other_learner):
    """The flag is CohortQuerySet.led_by's condition, compiled: it follows the rule as it changes."""
    cohort = make_cohort(curriculum, slug="flag-rule", leads=[])
    for leads in ([], [lead], [lead, other_learner], [other_learner]):
        cohort.leads.set(leads)
        for user in (lead, other_learner):
            assert getattr(load_user(user.pk), LEADS_FLAG) == Cohort.objects.led_by(user).exists()


@pytest.mark.parametrize("key", [None, "", "abc", 2**70, -1, 0])
def test_a_session_holding_no_user_id_loads_nobody(key):
    assert load_user(key) is None


# --- the progress rows and due cards ----------------------------------------------------------------

PERCENT = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=6))
ROW = st.fixed_dictionaries(
    {
        "lessons_completed": st.integers(0, 9),  # more than a module has: an over-counted row
        "attempts": st.integers(0, 5),
        "failed_attempts": st.integers(0, 5),
        "best_percent": PERCENT,
        "last_percent": PERCENT,
        "quiz_passed": st.booleans(),
        "labs_passed": st.integers(0, 3),
        "completed": st.booleans(),
        "active": st.booleans(),
    }
)
# Cards due a minute ago, exactly now (due), a minute from now (not due).
CARDS = st.lists(st.sampled_from([-60, 0, 60]), max_size=3)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.dictionaries(st.tuples(st.integers(0, 2), st.integers(0, 5)), ROW, max_size=10),
    cards=st.dictionaries(st.tuples(st.integers(0, 2), st.integers(0, 5)), CARDS, max_size=6),
    withdrawn=st.sets(st.tuples(st.sampled_from(["question", "quiz", "module"]), st.integers(0, 5)), max_size=3),
)
def test_progress_rows_and_due_cards_are_what_the_orm_reads(curriculum, rows, cards, withdrawn):
    modules = list(Module.objects.filter(path=curriculum).order_by("order"))
    questions = {m.pk: list(Question.objects.filter(quiz__module=m)) for m in modules}
    now = timezone.now().replace(microsecond=123456)
    with transaction.atomic():
        users = [make_user(f"twin{n}") for n in range(3)]
        for (who, which), values in rows.items():
            values = dict(values)
            completed, active = values.pop("completed"), values.pop("active")
            ModuleProgress.objects.create(
                user=users[who],
                module=modules[which],
                completed_at=now - timedelta(days=1) if completed else None,
                last_activity_at=now - timedelta(hours=3) if active else None,
                **values,
            )
        for (who, which), offsets in cards.items():
            module = modules[which]
            for question, offset in zip(questions[module.pk], offsets, strict=False):
                ReviewCard.objects.create(
                    user=users[who], question=question, module=module, due=now + timedelta(seconds=offset)
                )
        for what, which in withdrawn:  # withdrawn content's cards are not due (issue 12, point 6)
            module = modules[which]
            if what == "question" and questions[module.pk]:
                Question.objects.filter(pk=questions[module.pk][0].pk).update(published=False)
            elif what == "quiz":
                Quiz.objects.filter(module=module).update(published=False)
            elif what == "module":
                Module.objects.filter(pk=module.pk).update(published=False)
        user_ids, module_ids = [u.pk for u in users], [m.pk for m in modules]
        plain = ModuleProgress.standing(user_ids, module_ids, now)
        assert plain == ModuleProgress.standing_by_orm(user_ids, module_ids, now)
        for mine in plain.rows.values():
            for row in mine.values():
                assert type(row.quiz_passed) is bool and type(row.completed) is bool
        assert ModuleProgress.standing(user_ids[:1], module_ids[:2], now) == ModuleProgress.standing_by_orm(
            user_ids[:1], module_ids[:2], now
        )
        transaction.set_rollback(True)


def test_no_learners_or_no_modules_read_nothing(curriculum, learner):
    now = timezone.now()
    assert ModuleProgress.standing([], [], now) == ModuleProgress.standing_by_orm([], [], now) == ({}, {})
    assert ModuleProgress.standing([learner.pk], [], now) == ({}, {})


# --- the content marker ----------------------------------------------------------------------------


def test_the_content_marker_is_the_row_the_orm_reads(curriculum):
    assert ContentVersion.current() == ContentVersion.objects.get(pk=1).marker
    ContentVersion.bump()
    assert ContentVersion.current() == ContentVersion.objects.get(pk=1).marker
    ContentVersion.objects.all().delete()
    assert ContentVersion.current() == "initial"


# --- the helpers ------------------------------------------------------------------------------------


def test_fetch_converts_each_column_as_the_orm_does(curriculum, learner):
    row = ModuleProgress.objects.create(
        user=learner,
        module=Module.objects.filter(path=curriculum).first(),
        best_percent=Decimal("66.666667"),
        quiz_passed=True,
        completed_at=timezone.now(),
    )
    fields = [ModuleProgress._meta.get_field(name) for name in ("best_percent", "quiz_passed", "completed_at")]
    columns, _fields = sql.select_list(ModuleProgress)
    assert '"best_percent"' in columns and len(_fields) == len(ModuleProgress._meta.concrete_fields)
    (found,) = sql.fetch(
        "SELECT best_percent, quiz_passed, completed_at, 7 FROM progress_moduleprogress WHERE id = %s",
        [row.pk],
        [*fields, str],
    )
    row.refresh_from_db()
    assert found == (row.best_percent, row.quiz_passed, row.completed_at, "7")
    assert type(found[1]) is bool and found[2].tzinfo is not None


def test_placeholders_and_storable_ids():
    assert sql.placeholders([1, 2, 3]) == "%s, %s, %s"
    assert sql.placeholders([]) == "NULL"  # IN (NULL) matches nothing
    pk = User._meta.pk
    assert sql.storable(pk, 2**63 - 1) and not sql.storable(pk, 2**63) and not sql.storable(pk, -(2**63) - 1)
    assert connection.ops.integer_field_range(pk.get_internal_type())[1] == 2**63 - 1
