"""The module state rule, written once, and a learner's (or a cohort's) standing on a path computed
in a fixed number of queries, however many modules, lessons, attempts and reviews there are."""

import copy
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses import catalog
from courses.models import LearningPath, Module, prerequisite_map
from devopslearn.lib import sql
from progress.models import ModuleProgress
from quizzes.models import Quiz

MASTERY_PERCENT = Decimal(90)


class State:
    LOCKED = "locked"
    AVAILABLE = "available"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    MASTERED = "mastered"

    LABELS = {
        LOCKED: _("Locked"),
        AVAILABLE: _("Available"),
        IN_PROGRESS: _("In progress"),
        COMPLETED: _("Completed"),
        MASTERED: _("Mastered"),
    }
    ORDER = [LOCKED, AVAILABLE, IN_PROGRESS, COMPLETED, MASTERED]


RULE = _(
    "A module unlocks when its prerequisites are completed; it is completed when every lesson is "
    "marked complete and its quiz is passed, and mastered when your best quiz score is at least 90% "
    "and none of its review cards is overdue."
)


def is_complete(lessons_done: int, lessons_total: int, has_quiz: bool, quiz_passed: bool) -> bool:
    return lessons_done >= lessons_total and (quiz_passed or not has_quiz)


def module_state(
    row: "ModuleProgress | ProgressRow | None", *, has_quiz: bool, prerequisites_done: bool, overdue: int
) -> str:
    """The one rule: locked, available, in progress, completed or mastered."""
    if row is not None and row.completed:
        best = row.best_percent or Decimal(0)
        if (not has_quiz or best >= MASTERY_PERCENT) and overdue == 0:
            return State.MASTERED
        return State.COMPLETED
    if not prerequisites_done:
        return State.LOCKED
    if row is not None and (row.lessons_completed or row.attempts):
        return State.IN_PROGRESS
    return State.AVAILABLE


@dataclass(slots=True)
class ModuleStatus:
    module: Module
    state: str
    lessons_total: int
    quiz_id: int | None
    row: "ProgressRow | None"
    missing: list[Module] = field(default_factory=list)
    unlocks: list[Module] = field(default_factory=list)
    prerequisites: list[Module] = field(default_factory=list)
    overdue: int = 0
    due: int = 0

    @property
    def label(self) -> str:
        return State.LABELS[self.state]

    @property
    def lessons_done(self) -> int:
        return min(self.row.lessons_completed, self.lessons_total) if self.row else 0

    @property
    def has_quiz(self) -> bool:
        return self.quiz_id is not None

    @property
    def steps_total(self) -> int:
        return self.lessons_total + (1 if self.has_quiz else 0)

    @property
    def steps_done(self) -> int:
        passed = 1 if self.has_quiz and self.row is not None and self.row.quiz_passed else 0
        return self.lessons_done + passed

    @property
    def percent(self) -> int:
        if self.is_completed and self.steps_done >= self.steps_total:
            return 100
        if not self.steps_total:
            return 100 if self.is_completed else 0
        return round(100 * self.steps_done / self.steps_total)

    @property
    def is_locked(self) -> bool:
        return self.state == State.LOCKED

    @property
    def is_completed(self) -> bool:
        return self.state in (State.COMPLETED, State.MASTERED)

    @property
    def new_lessons(self) -> int:
        """Lessons added after the learner completed the module (it stays completed)."""
        return max(0, self.lessons_total - self.lessons_done) if self.is_completed else 0

    @property
    def regraded_below_pass(self) -> bool:
        return self.is_completed and self.has_quiz and self.row is not None and not self.row.quiz_passed

    @property
    def best_percent(self):
        return self.row.best_percent if self.row else None

    @property
    def last_percent(self):
        return self.row.last_percent if self.row else None

    @property
    def attempts(self) -> int:
        return self.row.attempts if self.row else 0


class ProgressRow(NamedTuple):
    """The fields of a ModuleProgress row that states need, without building model instances
    (a dashboard page reads hundreds of them; model instances cost ten times as much)."""

    user_id: int
    module_id: int
    lessons_completed: int
    attempts: int
    failed_attempts: int
    best_percent: Decimal | None
    last_percent: Decimal | None
    quiz_passed: bool
    completed: bool  # completed_at is set: read as a flag, not parsed as a date
    last_activity_at: datetime | None


def navigation(path: LearningPath, marker: str | None = None) -> tuple[list[Module], dict[int, list[int]]]:
    """The path's published modules (with lesson counts and quiz ids) and prerequisite edges.

    Cached per process and keyed on the content marker (courses.catalog), so a content edit reaches
    every worker at once; a cache hit costs one indexed read instead of two queries and a few
    hundred model fields. Pass ``marker`` when the request has read it already.
    """
    if marker is None:
        marker = catalog.current_marker()

    def load():
        modules = _load_path_modules(path)
        return modules, prerequisite_map(modules)

    cached_modules, edges = catalog.cached(("navigation", path.pk), marker, load)
    modules = [copy.copy(module) for module in cached_modules]  # callers may set attributes on them
    for module in modules:
        module.path = path
        module.content_marker = marker
    return modules, {pk: list(prereqs) for pk, prereqs in edges.items()}


def path_modules(path: LearningPath) -> list[Module]:
    """The published modules of a path, each annotated with its lesson count and quiz."""
    return navigation(path)[0]


def _load_path_modules(path: LearningPath) -> list[Module]:
    """The published modules of a path, each annotated with its lesson count and quiz: one query."""
    module_quiz = Quiz.objects.published().module_quizzes().filter(module=OuterRef("pk")).values("pk")[:1]
    modules = list(
        Module.objects.published()
        .filter(path=path)
        .annotate(
            lessons_total=Count("lessons", filter=Q(lessons__published=True)),
            quiz_id=Subquery(module_quiz),
        )
        .order_by("order", "id")
    )
    for module in modules:
        module.path = path  # get_absolute_url() needs the path slug: no query per module
    return modules


def statuses_for(
    path: LearningPath, user_ids: list[int], *, staff_ids=(), modules=None, edges=None, marker=None
) -> dict[int, list[ModuleStatus]]:
    """{user id: [ModuleStatus in path order]} for many learners in a fixed number of queries.

    ``modules`` (and their prerequisite ``edges``, when known) default to the path's navigation."""
    if modules is None:
        modules, all_edges = navigation(path, marker)
    else:
        all_edges = edges if edges is not None else prerequisite_map(modules)
    by_id = {module.pk: module for module in modules}
    edges = {pk: [p for p in prereqs if p in by_id] for pk, prereqs in all_edges.items()}
    unlocks: dict[int, list[Module]] = {pk: [] for pk in by_id}
    for pk, prereqs in edges.items():
        for prereq in prereqs:
            unlocks[prereq].append(by_id[pk])
    rows, cards = _progress_and_due_cards(user_ids, list(by_id), timezone.now())
    # What does not depend on the learner is worked out once (the lists are shared, read-only).
    plan = [
        (module, [by_id[p] for p in edges.get(module.pk, [])], module.quiz_id is not None, unlocks[module.pk])
        for module in modules
    ]
    nothing_due = (0, 0)
    result = {}
    for user_id in user_ids:
        mine = rows.get(user_id, {})
        my_cards = cards.get(user_id, {})
        completed = {pk for pk, row in mine.items() if row.completed}
        staff = user_id in staff_ids
        statuses = []
        for module, prereqs, has_quiz, unlocked in plan:
            missing = [p for p in prereqs if p.pk not in completed] if prereqs and not staff else []
            overdue, due = my_cards.get(module.pk, nothing_due)
            row = mine.get(module.pk)
            statuses.append(
                ModuleStatus(
                    module=module,
                    state=module_state(row, has_quiz=has_quiz, prerequisites_done=not missing, overdue=overdue),
                    lessons_total=module.lessons_total,
                    quiz_id=module.quiz_id,
                    row=row,
                    missing=missing,
                    unlocks=unlocked,
                    prerequisites=prereqs,
                    overdue=overdue,
                    due=due,
                )
            )
        result[user_id] = statuses
    return result


def _progress_and_due_cards(user_ids, module_ids, now):
    """The learners' ModuleProgress rows and their counts of due review cards per module: one plain
    statement (it runs on every learner page), converted as the ORM would convert it."""
    progress = ModuleProgress._meta
    users, modules = sql.placeholders(user_ids), sql.placeholders(module_ids)
    statement = (  # only "%s" placeholders are formatted in: every value is a parameter
        "SELECT 0, user_id, module_id, lessons_completed, attempts, failed_attempts, best_percent, "  # noqa: S608
        "last_percent, quiz_passed, CASE WHEN completed_at IS NULL THEN 0 ELSE 1 END, last_activity_at, 0 "
        f"FROM progress_moduleprogress WHERE user_id IN ({users}) AND module_id IN ({modules}) "
        "UNION ALL "
        "SELECT 1, user_id, module_id, 0, 0, 0, NULL, NULL, NULL, 0, NULL, COUNT(*) "
        f"FROM progress_reviewcard WHERE user_id IN ({users}) AND module_id IN ({modules}) AND due <= %s "
        "GROUP BY user_id, module_id"
    )
    fields = [progress.get_field(name) for name in _ROW_FIELDS]
    params = [*user_ids, *module_ids, *user_ids, *module_ids, _adapt_now(now)]
    columns = [None, *fields, bool, progress.get_field("last_activity_at"), None]
    rows: dict[int, dict[int, ProgressRow]] = {}  # user id -> module id -> row
    due: dict[int, dict[int, tuple[int, int]]] = {}  # user id -> module id -> (overdue, due)
    for kind, *values, count in sql.fetch(statement, params, columns):
        if kind == 0:
            row = ProgressRow(*values)
            rows.setdefault(row.user_id, {})[row.module_id] = row
        else:
            due.setdefault(values[0], {})[values[1]] = (count, count)
    return rows, due


# The ProgressRow fields read as stored, in the statement's order (the two after them are computed).
_ROW_FIELDS = ProgressRow._fields[:-2]


def _adapt_now(now):
    return connection.ops.adapt_datetimefield_value(now)


def signature(statuses: list[ModuleStatus], *extra) -> str:
    """A key for fragments that show these statuses: it changes when the content or any shown state does."""
    marker = getattr(statuses[0].module, "content_marker", "") if statuses else ""
    parts = [
        (
            s.module.pk,
            s.state,
            s.percent,
            s.lessons_done,
            s.new_lessons,
            s.due,
            s.attempts,
            str(s.best_percent),
            str(s.last_percent),
            s.regraded_below_pass,
            tuple(m.pk for m in s.missing),
        )
        for s in statuses
    ]
    return hashlib.sha1(repr((marker, parts, extra)).encode(), usedforsecurity=False).hexdigest()


def anonymous_statuses(path: LearningPath, modules=None, marker=None) -> list[ModuleStatus]:
    """What a visitor sees: only modules without prerequisites are open."""
    return statuses_for(path, [0], modules=modules, marker=marker)[0]


def learner_statuses(path: LearningPath, user, marker=None) -> list[ModuleStatus]:
    if not user.is_authenticated:
        return anonymous_statuses(path, marker=marker)
    return statuses_for(path, [user.pk], staff_ids={user.pk} if user.is_staff else (), marker=marker)[user.pk]
