"""ModuleProgress as a function of the ground truth: lesson completions, closed attempts and passed labs.

One computation serves both the event path (a lesson completed, an attempt closed: one learner,
one module) and ``rebuild_progress`` (every learner at once, a fixed number of queries however
many there are). Completion is sticky: a row that was completed stays completed, so that a lesson
added later or a regrade does not take it back (only the learner's own undo does, in services).
The row is then the only record of that completion: rebuilding keeps it, and a row deleted and
rebuilt from scratch shows only what the current content and answers support.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Max, Min

from courses.models import Lesson, Module
from labs.models import Lab
from progress.models import LessonCompletion, ModuleProgress
from progress.signals import progress_changed
from progress.states import is_complete
from quizzes.models import SIX_PLACES, Attempt, Quiz

FIELDS = [
    "lessons_completed",
    "attempts",
    "failed_attempts",
    "best_percent",
    "last_percent",
    "quiz_passed",
    "labs_passed",
    "started_at",
    "completed_at",
    "last_activity_at",
]


@dataclass
class Facts:
    lessons_completed: int = 0
    first_lesson_at: datetime | None = None
    last_lesson_at: datetime | None = None
    attempts: int = 0
    failed_attempts: int = 0
    best_percent: Decimal | None = None
    last_percent: Decimal | None = None
    quiz_passed: bool = False
    first_pass_at: datetime | None = None
    first_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    labs_passed: int = 0
    last_lab_pass_at: datetime | None = None  # when the last of the passed labs was first passed


def _percent(score: Decimal, maximum: Decimal) -> Decimal:
    return (score * 100 / maximum).quantize(SIX_PLACES) if maximum else Decimal(0)


def gather(user_ids, modules: list[Module]) -> dict[tuple[int, int], Facts]:
    """The facts of every (learner, module) pair that has any, in three queries (lessons, attempts,
    required labs passed: Lab.objects.required_passes)."""
    module_ids = [m.pk for m in modules]
    facts: dict[tuple[int, int], Facts] = defaultdict(Facts)
    completions = LessonCompletion.objects.filter(lesson__module_id__in=module_ids, lesson__published=True)
    attempts = Attempt.objects.closed().filter(
        quiz__module_id__in=module_ids, quiz__lesson__isnull=True, quiz__published=True
    )
    if user_ids is not None:
        completions = completions.filter(user_id__in=user_ids)
        attempts = attempts.filter(user_id__in=user_ids)
    for row in (
        completions.values("user_id", "lesson__module_id")
        .annotate(n=Count("id"), first=Min("completed_at"), last=Max("completed_at"))
        .order_by()
    ):
        item = facts[(row["user_id"], row["lesson__module_id"])]
        item.lessons_completed, item.first_lesson_at, item.last_lesson_at = row["n"], row["first"], row["last"]
    rows = attempts.values_list("user_id", "quiz__module_id", "score", "max_score", "passed", "submitted_at")
    for user_id, module_id, score, maximum, passed, submitted in rows.order_by("submitted_at", "id"):
        item = facts[(user_id, module_id)]
        percent = _percent(score, maximum)
        item.attempts += 1
        item.failed_attempts += 0 if passed else 1
        item.best_percent = percent if item.best_percent is None else max(item.best_percent, percent)
        item.last_percent = percent
        if passed and not item.quiz_passed:
            item.quiz_passed, item.first_pass_at = True, submitted
        item.first_attempt_at = item.first_attempt_at or submitted
        item.last_attempt_at = submitted
    for key, (passed, last) in Lab.objects.required_passes(user_ids, module_ids).items():
        facts[key].labs_passed, facts[key].last_lab_pass_at = passed, last
    return facts


def apply_facts(row: ModuleProgress, facts: Facts, *, shape: "Shape") -> None:
    """Set a row from its facts; completed_at is kept once set (sticky)."""
    row.lessons_completed = facts.lessons_completed
    row.attempts, row.failed_attempts = facts.attempts, facts.failed_attempts
    row.best_percent, row.last_percent, row.quiz_passed = facts.best_percent, facts.last_percent, facts.quiz_passed
    row.labs_passed = facts.labs_passed
    moments = [t for t in (facts.first_lesson_at, facts.first_attempt_at, facts.last_lab_pass_at) if t]
    row.started_at = min(moments) if moments else None
    moments = [t for t in (facts.last_lesson_at, facts.last_attempt_at, facts.last_lab_pass_at) if t]
    row.last_activity_at = max(moments) if moments else None
    done = is_complete(
        facts.lessons_completed,
        shape.lessons_total,
        shape.has_quiz,
        facts.quiz_passed,
        labs_passed=facts.labs_passed,
        labs_required=shape.labs_required,
    )
    if row.completed_at is None and done:
        # Completed at the moment its last condition was met.
        moments = [t for t in (facts.last_lesson_at, facts.first_pass_at, facts.last_lab_pass_at) if t]
        row.completed_at = max(moments) if moments else row.last_activity_at


class Shape(NamedTuple):
    """What completing a module takes."""

    lessons_total: int  # published lessons
    has_quiz: bool  # a published module quiz
    labs_required: int  # published required labs


def module_shapes(modules: list[Module]) -> dict[int, Shape]:
    """{module id: Shape} in three queries."""
    ids = [m.pk for m in modules]
    totals = dict(
        Lesson.objects.filter(module_id__in=ids, published=True)
        .values("module_id")
        .annotate(n=Count("id"))
        .values_list("module_id", "n")
    )
    quizzes = set(
        Quiz.objects.published().module_quizzes().filter(module_id__in=ids).values_list("module_id", flat=True)
    )
    labs = dict(
        Lab.objects.published()
        .required()
        .filter(module_id__in=ids)
        .values("module_id")
        .annotate(n=Count("id"))
        .values_list("module_id", "n")
    )
    return {pk: Shape(totals.get(pk, 0), pk in quizzes, labs.get(pk, 0)) for pk in ids}


@transaction.atomic
def rebuild(user_ids=None, modules: list[Module] | None = None) -> dict[str, int]:
    """Recompute ModuleProgress rows from the ground truth; returns counts of created/updated/unchanged."""
    modules = list(Module.objects.all()) if modules is None else modules
    shapes = module_shapes(modules)
    facts = gather(user_ids, modules)
    existing = ModuleProgress.objects.filter(module_id__in=list(shapes))
    if user_ids is not None:
        existing = existing.filter(user_id__in=user_ids)
    rows = {(r.user_id, r.module_id): r for r in existing}
    created, updated, unchanged = [], [], 0
    for key in set(rows) | set(facts):
        row = rows.get(key) or ModuleProgress(user_id=key[0], module_id=key[1])
        before = [getattr(row, name) for name in FIELDS]
        apply_facts(row, facts.get(key, Facts()), shape=shapes[key[1]])
        if row.pk is None:
            created.append(row)
        elif [getattr(row, name) for name in FIELDS] != before:
            updated.append(row)
        else:
            unchanged += 1
    ModuleProgress.objects.bulk_create(created, batch_size=1000)
    ModuleProgress.objects.bulk_update(updated, FIELDS, batch_size=1000)
    existing.refresh_earliest_due()  # the kept due time of every row, the new ones too
    progress_changed.send(sender=ModuleProgress, user_ids=user_ids, path_ids={m.path_id for m in modules})
    return {"created": len(created), "updated": len(updated), "unchanged": unchanged}
