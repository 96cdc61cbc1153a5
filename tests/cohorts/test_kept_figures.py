"""Kept values equal a recomputation from the raw rows, after any sequence of the writes that change
them (hypothesis, on SQLite and PostgreSQL; issue 21):

- each membership's figures (cohorts.models.figures_of: the name as sorted, steps done, quiz average,
  last active day), which the overview and the CSV show and sort by;
- each progress row's earliest due time (ModuleProgress.earliest_due), from which the dashboard's
  module states read "a review card is due".

The writes are the real ones: lessons completed and undone, quizzes taken (answers, closed attempts),
cards reviewed, a question's key changed (a regrade, cards following it), a question withdrawn and
brought back, a learner leaving and joining again, a learner's shown name changed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from fsrs import Rating
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohorts.models import Membership, figures_of
from progress import services
from progress.models import ModuleProgress, ReviewCard
from progress.states import PathPlan
from quizzes.models import Question
from tests.cohorts.conftest import make_cohort
from tests.factories import make_user
from tests.progress.helpers import module_quiz, take_quiz

pytestmark = pytest.mark.django_db

MODULE = st.integers(0, 2)  # the first three modules of the path (the first has no prerequisite)
OPERATION = st.one_of(
    st.tuples(st.just("lesson"), MODULE, st.integers(0, 5)),
    st.tuples(st.just("undo"), MODULE, st.integers(0, 5)),
    st.tuples(st.just("quiz"), MODULE, st.sampled_from(["right", "wrong", "half"])),
    st.tuples(st.just("review"), st.sampled_from([Rating.Again, Rating.Good, Rating.Easy]), st.just(0)),
    st.tuples(st.just("regrade"), MODULE, st.just(0)),
    st.tuples(st.just("withdraw"), MODULE, st.just(0)),
    st.tuples(st.just("rejoin"), st.just(0), st.just(0)),
    st.tuples(st.just("rename"), st.sampled_from(["", "Zoë", "alex", "ALEX"]), st.just(0)),
)


def apply(operation, *, learner, cohort, plan) -> None:
    kind, which, detail = operation
    module = plan.modules[which] if kind in ("lesson", "undo", "quiz", "regrade", "withdraw") else None
    if kind in ("lesson", "undo"):
        lessons = list(module.lessons.filter(published=True).order_by("order", "id"))
        lesson = lessons[detail % len(lessons)]
        (services.complete_lesson if kind == "lesson" else services.undo_lesson)(learner, lesson)
    elif kind == "quiz":
        quiz = module_quiz(module)
        keys = list(quiz.questions.published().order_by("order", "id").values_list("key", flat=True))
        wrong = {"right": (), "wrong": keys, "half": keys[::2]}[detail]
        take_quiz(learner, quiz, wrong=set(wrong))
    elif kind == "review":
        card = ReviewCard.objects.filter(user=learner).order_by("due", "id").first()
        if card is not None:
            services.review(card, which, timezone.now() + timedelta(days=1))
    elif kind == "regrade":  # the key of the first single-choice question moves to another choice
        question = module_quiz(module).questions.filter(kind="single").order_by("order", "id").first()
        choices = list(question.choices.order_by("order", "id"))
        right = next(n for n, choice in enumerate(choices) if choice.is_correct)
        for n, choice in enumerate(choices):
            choice.is_correct = n == (right + 1) % len(choices)
            choice.save()  # announced at once: the answers are regraded, cards follow
    elif kind == "withdraw":  # the first question the learner has a card of goes (or comes back)
        card = ReviewCard.objects.filter(user=learner, module=module).order_by("id").first()
        if card is not None:
            question = Question.objects.get(pk=card.question_id)
            question.published = not question.published
            question.save()
    elif kind == "rename":  # the account page saves the shown name
        learner.display_name = which
        learner.save(update_fields=["display_name"])
    elif kind == "rejoin":
        Membership.objects.filter(cohort=cohort, user=learner).delete()
        cohort.memberships.create(user=learner)


def assert_kept_values_equal_a_recomputation(cohort, plan, learners) -> None:
    expressions = figures_of(plan)
    memberships = Membership.objects.filter(cohort=cohort).annotate(
        **{f"computed_{name}": expression for name, expression in expressions.items()}
    )
    for membership in memberships:
        for name in expressions:
            kept, computed = getattr(membership, name), getattr(membership, f"computed_{name}")
            if name == "quiz_average" and computed is not None:
                computed = Decimal(computed).quantize(Decimal("0.000001"))
            assert kept == computed, (membership.user_id, name, kept, computed)
    now = timezone.now()
    for row in ModuleProgress.objects.filter(user__in=learners):
        cards = ReviewCard.objects.filter(user_id=row.user_id, module_id=row.module_id)
        first = cards.shown_to_learners().aggregate(first=Min("due"))["first"]
        assert row.earliest_due == first, (row.user_id, row.module_id)
        # What the dashboard reads from it is what the learner's pages count.
        assert (row.earliest_due is not None and row.earliest_due <= now) == cards.due(now).exists()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(st.tuples(st.integers(0, 1), OPERATION), min_size=1, max_size=10))
def test_kept_values_equal_a_recomputation_after_any_writes(curriculum, lead, operations):
    plan = PathPlan.of(curriculum)
    with transaction.atomic():
        learners = [make_user("kept0"), make_user("kept1")]
        cohort = make_cohort(curriculum, slug="kept", leads=[lead], members=learners)
        for who, operation in operations:
            apply(operation, learner=learners[who], cohort=cohort, plan=plan)
            # The lead's figures follow in the transaction of each write, not later.
            assert_kept_values_equal_a_recomputation(cohort, plan, learners)
        transaction.set_rollback(True)


def test_a_learner_joining_brings_their_figures(curriculum, lead, learner):
    """A membership made after the learner's work (a second cohort) starts with their figures."""
    plan = PathPlan.of(curriculum)
    services.complete_lesson(learner, plan.modules[0].lessons.filter(published=True).first())
    take_quiz(learner, module_quiz(plan.modules[0]), wrong=set())
    first = make_cohort(curriculum, slug="first", leads=[lead], members=[learner])  # bulk_create
    second = make_cohort(curriculum, slug="second", leads=[lead])
    second.memberships.create(user=learner)  # save()
    for cohort in (first, second):
        membership = cohort.memberships.get()
        assert membership.steps_done == 2
        assert membership.quiz_average is not None and membership.last_active_day == timezone.localdate()
    assert_kept_values_equal_a_recomputation(first, plan, [learner])
    assert_kept_values_equal_a_recomputation(second, plan, [learner])


def test_rebuild_progress_restores_kept_values(curriculum, lead, learner):
    """``rebuild_progress`` recomputes every kept value (the way to fill them after deploying)."""
    import io

    from django.core.management import call_command

    plan = PathPlan.of(curriculum)
    cohort = make_cohort(curriculum, slug="rebuilt", leads=[lead], members=[learner])
    quiz = module_quiz(plan.modules[0])
    take_quiz(learner, quiz, wrong=set(quiz.questions.values_list("key", flat=True)))  # cards for every answer
    Membership.objects.update(steps_done=99, quiz_average=None, last_active_day=None)
    ModuleProgress.objects.update(earliest_due=None)
    call_command("rebuild_progress", stdout=io.StringIO())
    assert_kept_values_equal_a_recomputation(cohort, plan, [learner])
    assert ModuleProgress.objects.filter(user=learner, earliest_due__isnull=False).exists()
