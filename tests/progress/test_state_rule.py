"""The module state rule is one table (progress.states.RULE_TABLE), read in Python for the learner
pages and turned into SQL for the cohort dashboard: both readings agree for any progress rows and
due cards (hypothesis), on SQLite and PostgreSQL."""

from datetime import timedelta
from decimal import Decimal
from itertools import product

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progress.models import ModuleProgress, ReviewCard
from progress.states import (
    MASTERY_PERCENT,
    Facts,
    PathPlan,
    State,
    module_state,
    progress_rows,
    state_conditions,
    state_rank,
)
from quizzes.models import Question
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def rule_in_words(facts: Facts) -> str:
    """progress.states.RULE, as the learner reads it."""
    if facts.completed:
        return State.MASTERED if facts.mastery_score and not facts.cards_due else State.COMPLETED
    if not facts.prerequisites_done:
        return State.LOCKED
    return State.IN_PROGRESS if facts.started else State.AVAILABLE


def test_the_table_gives_the_rule_in_words_for_every_combination_of_facts():
    for values in product([False, True], repeat=len(Facts._fields)):
        facts = Facts(*values)
        assert module_state(facts) == rule_in_words(facts), facts


ROW = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "completed": st.booleans(),
            "best_percent": st.one_of(st.none(), st.sampled_from([Decimal(0), Decimal("89.999999"), MASTERY_PERCENT])),
            "lessons_completed": st.integers(0, 7),
            "attempts": st.integers(0, 2),
            "labs_passed": st.integers(0, 1),
        }
    ),
)
DUE = st.sampled_from([None, -60, 3600])  # no card, a card due a minute ago, one due in an hour


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(learners=st.lists(st.lists(st.tuples(ROW, DUE), min_size=6, max_size=6), min_size=1, max_size=4))
def test_the_sql_conditions_and_the_python_rule_agree(curriculum, learners):
    plan = PathPlan.of(curriculum)
    now = timezone.now()
    with transaction.atomic():
        users = [make_user(f"rule{n}") for n in range(len(learners))]
        for user, modules in zip(users, learners, strict=True):
            for module, (row, due) in zip(plan.modules, modules, strict=True):
                if row is not None:
                    completed = row.pop("completed")
                    ModuleProgress.objects.create(
                        user=user, module=module, completed_at=now if completed else None, **row
                    )
                if due is not None:
                    question = Question.objects.filter(quiz_id=module.quiz_id).first()
                    ReviewCard.objects.create(
                        user=user, question=question, module=module, due=now + timedelta(seconds=due)
                    )
        # Cards written directly: their rows' kept due time refreshed, as every card write does
        # (tests/cohorts/test_kept_figures.py checks that it does).
        ModuleProgress.objects.filter(user__in=users).refresh_earliest_due()
        python = plan.statuses_for([u.pk for u in users])
        people = get_user_model().objects.filter(pk__in=[u.pk for u in users])
        people = people.alias(**progress_rows([m.pk for m in plan.modules], user_path=""))
        for index, module in enumerate(plan.modules):
            conditions = state_conditions(module, plan.edges[module.pk], now=now)
            for state, condition in conditions.items():
                expected = {u.pk for u in users if python[u.pk][index].state == state}
                assert set(people.filter(condition).values_list("pk", flat=True)) == expected, (module.slug, state)
            ranks = dict(
                people.annotate(rank=state_rank(module, plan.edges[module.pk], now=now)).values_list("pk", "rank")
            )
            assert ranks == {u.pk: State.RANK[python[u.pk][index].state] for u in users}, module.slug
        transaction.set_rollback(True)
