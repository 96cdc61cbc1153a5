"""rebuild_progress recomputes ModuleProgress from the ground truth, and the rows kept up to date
event by event are exactly what it computes, whatever happened in whatever order (hypothesis)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note
from hypothesis import strategies as st

from progress import services
from progress.models import ModuleProgress
from progress.rebuild import FIELDS, rebuild
from quizzes import attempts
from quizzes.models import Attempt, Quiz
from tests.factories import make_path, make_user
from tests.progress.helpers import add_lesson, answer_data, as_post, complete_module, module

LEARNERS = 2


def snapshot(user_ids) -> dict:
    """{(user, module): every field} of the learners' rows; a row with nothing in it is no row."""
    empty = tuple(getattr(ModuleProgress(), name) for name in FIELDS)
    rows = {}
    for row in ModuleProgress.objects.filter(user_id__in=user_ids):
        values = tuple(getattr(row, name) for name in FIELDS)
        if values != empty:
            rows[(row.user_id, row.module_id)] = values
    return rows


def test_the_command_recomputes_rows_that_drifted_and_recreates_missing_ones(curriculum, learner, other_learner):
    complete_module(learner, module(curriculum, "devops-mindset"))
    complete_module(other_learner, module(curriculum, "devops-mindset"))
    truth = snapshot([learner.pk, other_learner.pk])
    ModuleProgress.objects.filter(user=learner).update(lessons_completed=0, best_percent=1, quiz_passed=False)
    ModuleProgress.objects.filter(user=other_learner).delete()
    out = StringIO()

    call_command("rebuild_progress", stdout=out)

    assert out.getvalue().strip() == "Progress rows: 1 created, 1 updated, 0 unchanged."
    assert snapshot([learner.pk, other_learner.pk]) == truth
    out = StringIO()
    call_command("rebuild_progress", stdout=out)
    assert out.getvalue().strip() == "Progress rows: 0 created, 0 updated, 2 unchanged."


def test_a_rebuild_keeps_a_completion_that_a_content_edit_made_sticky(curriculum, learner):
    mindset = module(curriculum, "devops-mindset")
    complete_module(learner, mindset)
    add_lesson(mindset)
    completed_at = ModuleProgress.objects.get(user=learner, module=mindset).completed_at
    assert rebuild() == {"created": 0, "updated": 0, "unchanged": 1}
    row = ModuleProgress.objects.get(user=learner, module=mindset)
    assert (row.completed_at, row.lessons_completed) == (completed_at, 5)


# --- the property ---------------------------------------------------------------------------------

# Single steps (one lesson, one answer) and runs of them (every lesson of a module, a whole quiz,
# both: a module finished), so that modules get completed and undone often enough to matter.
EVENT = st.tuples(
    st.sampled_from(["complete", "undo", "undo", "start", "answer", "close", "lessons", "quiz", "module"]),
    st.integers(0, LEARNERS - 1),  # who
    st.integers(0, 1),  # which module
    st.integers(0, 5),  # which lesson or question
    st.booleans(),  # a right answer?
)


@pytest.fixture
def small_path(db):
    """Two chained modules of three lessons, each with a two-question quiz (pass mark 70%)."""
    path = make_path(modules=2, lessons=3, questions=2, slug="hypothesis-path")
    modules = list(path.modules.order_by("order"))
    lessons = {m.pk: list(m.lessons.order_by("order")) for m in modules}
    quizzes = {m.pk: Quiz.objects.get(module=m) for m in modules}
    return modules, lessons, quizzes


def answer(attempt, question, right: bool) -> None:
    attempts.submit_answer(attempt, question, as_post(answer_data(question, attempt.token, right=right)))


def play(event, learners, modules, lessons, quizzes) -> None:
    """One event through the code the views call: services for lessons, the quiz lifecycle for attempts."""
    kind, who, which, item, right = event
    user, target = learners[who], modules[which]
    quiz, its_lessons = quizzes[target.pk], lessons[target.pk]
    questions = list(quiz.questions.prefetch_related("choices").order_by("order"))
    if kind in ("lessons", "module"):
        for lesson in its_lessons:
            services.complete_lesson(user, lesson)
    if kind in ("quiz", "module"):
        attempt = attempts.start_attempt(user, quiz)
        for question in questions:
            answer(attempt, question, right or kind == "module")
        attempts.close_attempt(attempt)
    elif kind == "complete":
        services.complete_lesson(user, its_lessons[item % len(its_lessons)])
    elif kind == "undo":
        services.undo_lesson(user, its_lessons[item % len(its_lessons)])
    elif kind == "start":
        attempts.start_attempt(user, quiz)
    elif kind in ("answer", "close"):
        attempt = Attempt.objects.open().filter(user=user, quiz=quiz).first()
        if attempt is not None and kind == "answer":
            answer(attempt, questions[item % len(questions)], right)
        elif attempt is not None:
            attempts.close_attempt(attempt)


@settings(
    max_examples=100,
    deadline=None,
    # The path fixture is shared on purpose; each example makes its own learners in a savepoint
    # that is rolled back at its end, so no example sees another's rows.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(EVENT, min_size=1, max_size=40))
def test_rows_kept_event_by_event_equal_a_rebuild_from_scratch(small_path, events):
    modules, lessons, quizzes = small_path
    with transaction.atomic():
        learners = [make_user(f"prop{n}") for n in range(LEARNERS)]
        ids = [u.pk for u in learners]
        for event in events:
            play(event, learners, modules, lessons, quizzes)
        incremental = snapshot(ids)
        completed = ModuleProgress.objects.filter(user_id__in=ids, completed_at__isnull=False).count()
        note(f"rows completed at the end: {completed}")
        assert rebuild(ids, modules) == {
            "created": 0,
            "updated": 0,
            "unchanged": ModuleProgress.objects.filter(user_id__in=ids).count(),
        }

        ModuleProgress.objects.filter(user_id__in=ids).delete()
        rebuild(ids)

        assert snapshot(ids) == incremental
        transaction.set_rollback(True)
