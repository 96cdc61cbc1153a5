"""The overview sorts by what it shows: sorted by progress, the percentages shown go up (or down) the
page, also when a progress row counts more lessons than the module has now (an over-counted row:
a lesson unpublished after it was completed); and the same for the quiz average, the last activity
and each module's state (hypothesis, on SQLite and PostgreSQL)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohorts import overview
from progress.models import DailyActivity, ModuleProgress
from progress.states import PathPlan, State
from tests.cohorts.conftest import make_cohort
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROW = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "lessons_completed": st.integers(0, 9),  # the real modules have five lessons
            "quiz_passed": st.booleans(),
            "attempts": st.integers(0, 3),
            "best_percent": st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
            "completed": st.booleans(),
        }
    ),
)
LEARNER = st.tuples(st.lists(ROW, min_size=6, max_size=6), st.one_of(st.none(), st.integers(0, 30)))


def in_order(values: list, descending: bool) -> bool:
    """``values`` sorted, missing values (None) last whichever the direction."""
    present = [v for v in values if v is not None]
    tail = values[len(present) :]
    return all(v is None for v in tail) and present == sorted(present, reverse=descending)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(learners=st.lists(LEARNER, min_size=2, max_size=8))
def test_each_sort_follows_the_figures_the_rows_show(curriculum, lead, learners):
    plan = PathPlan.of(curriculum)
    now = timezone.now()
    with transaction.atomic():
        cohort = make_cohort(curriculum, slug="sorted", leads=[lead])
        for n, (rows, inactive_days) in enumerate(learners):
            user = make_user(f"sorted{n}")
            cohort.memberships.create(user=user)
            for module, row in zip(plan.modules, rows, strict=True):
                if row is not None:
                    row = dict(row)
                    completed = row.pop("completed")
                    if row["best_percent"] is None:
                        row["attempts"] = 0
                    elif not row["attempts"]:
                        row["best_percent"] = None
                    ModuleProgress.objects.create(
                        user=user, module=module, completed_at=now if completed else None, **row
                    )
            if inactive_days is not None:
                day = timezone.localdate() - timedelta(days=inactive_days)
                DailyActivity.objects.create(user=user, day=day, reviews=1)

        # Rows written directly: the kept figures recomputed, as rebuild_progress (or a seed) does.
        cohort.memberships.all().refresh_figures()

        def shown(sort):
            return overview.rows(plan, overview.page(overview.members(cohort, plan), plan, sort=sort).rows)

        for descending in (False, True):
            sign = "-" if descending else ""
            rows = shown(f"{sign}progress")
            assert in_order([row.percent for row in rows], descending), [row.percent for row in rows]
            assert all(0 <= row.percent <= 100 for row in rows)
            rows = shown(f"{sign}quiz")
            assert in_order([row.quiz_average for row in rows], descending)
            rows = shown(f"{sign}activity")
            assert in_order([row.last_active for row in rows], descending)
            for index, module in enumerate(plan.modules):
                rows = shown(f"{sign}m{module.pk}")
                ranks = [State.RANK[row.cells[index].state] for row in rows]
                assert ranks == sorted(ranks, reverse=descending), module.slug
        transaction.set_rollback(True)


def test_an_over_counted_row_shows_and_sorts_as_a_full_module(curriculum, lead):
    """Six lessons counted in a module of five: shown as five (100% of the lessons), and sorted so."""
    plan = PathPlan.of(curriculum)
    cohort = make_cohort(curriculum, slug="over", leads=[lead])
    over, ahead = make_user("over"), make_user("ahead")
    for user in (over, ahead):
        cohort.memberships.create(user=user)
    first, second = plan.modules[0], plan.modules[1]
    ModuleProgress.objects.create(user=over, module=first, lessons_completed=first.lessons_total + 4)
    ModuleProgress.objects.create(user=ahead, module=first, lessons_completed=first.lessons_total)
    ModuleProgress.objects.create(user=ahead, module=second, lessons_completed=1)
    cohort.memberships.all().refresh_figures()
    rows = overview.rows(plan, overview.page(overview.members(cohort, plan), plan, sort="-progress").rows)
    assert [row.username for row in rows] == ["ahead", "over"]
    assert rows[0].percent > rows[1].percent
    assert rows[1].percent == 100 * first.lessons_total // plan.steps_total  # floored
    assert Decimal(rows[1].percent) < 100
