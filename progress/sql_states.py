"""The module state rule of progress/states.py as SQL conditions, so that a dashboard can filter and
sort a thousand learners in the database. tests/cohorts checks that both versions agree."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from progress.models import ModuleProgress, ReviewCard
from progress.states import MASTERY_PERCENT, State

RANK = {state: rank for rank, state in enumerate(State.ORDER)}


def state_conditions(module, prerequisite_ids, *, user_ref: str = "user_id", now=None) -> dict[str, Q]:
    """{state: condition} for one module on a queryset whose ``user_ref`` column is the learner.

    Exactly one condition holds for each learner, as in progress.states.module_state(). ``module``
    carries ``quiz_id`` (from progress.states.path_modules).
    """
    rows = ModuleProgress.objects.filter(user_id=OuterRef(user_ref), module_id=module.pk)
    completed = Q(Exists(rows.filter(completed_at__isnull=False)))
    prerequisites_done = Q()
    for prerequisite_id in prerequisite_ids:
        prerequisites_done &= Q(
            Exists(
                ModuleProgress.objects.filter(
                    user_id=OuterRef(user_ref), module_id=prerequisite_id, completed_at__isnull=False
                )
            )
        )
    overdue = Q(
        Exists(
            ReviewCard.objects.filter(user_id=OuterRef(user_ref), module_id=module.pk, due__lte=now or timezone.now())
        )
    )
    score = Q(best_percent__gte=MASTERY_PERCENT) if getattr(module, "quiz_id", None) else Q()
    mastered = Q(Exists(rows.filter(score, completed_at__isnull=False))) & ~overdue
    started = Q(Exists(rows.filter(Q(lessons_completed__gt=0) | Q(attempts__gt=0))))
    conditions = {
        State.MASTERED: mastered,
        State.COMPLETED: completed & ~mastered,
        State.IN_PROGRESS: ~completed & prerequisites_done & started,
        State.AVAILABLE: ~completed & prerequisites_done & ~started,
    }
    conditions[State.LOCKED] = ~completed & ~prerequisites_done if prerequisite_ids else Q(pk__in=[])
    return conditions


def state_rank(module, prerequisite_ids, *, user_ref: str = "user_id", now=None) -> Case:
    """An integer expression ordering learners by their state in the module (locked first)."""
    conditions = state_conditions(module, prerequisite_ids, user_ref=user_ref, now=now)
    return Case(
        *(When(conditions[state], then=Value(RANK[state])) for state in State.ORDER),
        default=Value(RANK[State.AVAILABLE]),
        output_field=IntegerField(),
    )
