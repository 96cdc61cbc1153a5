"""The module state rule and the progress percentage, each written once, and a learner's (or a
cohort's) standing on a path computed in a fixed number of queries, however many modules, lessons,
attempts and reviews there are.

The state rule is a table (``RULE_TABLE``): ``module_state`` reads it for learners whose rows are in
memory, ``state_conditions`` turns the same table into SQL conditions so that a dashboard can filter
and sort a thousand learners in the database. The percentage is ``share_percent`` (floored) over steps (lessons
and the quiz); ``steps_done_sql`` is its SQL twin, used only to sort.
"""

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses import catalog
from courses.models import LearningPath, Module, prerequisite_map
from devopslearn.lib.numbers import share_percent
from labs.models import Lab
from progress.models import ModuleProgress, ProgressRow
from quizzes.attempts import close_expired_of
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
    RANK = {state: rank for rank, state in enumerate(ORDER)}


RULE = _(
    "A module unlocks when its prerequisites are completed; it is completed when every lesson is "
    "marked complete, its quiz is passed and its required labs are passed (once completed, it stays "
    "completed), and mastered when the best quiz score is at least 90% and none of its review cards is due."
)


class Facts(NamedTuple):
    """What the state of one module depends on, for one learner."""

    completed: bool  # the module's completion is recorded (sticky: it stays when content changes)
    mastery_score: bool  # the module has no quiz, or a best score of at least MASTERY_PERCENT
    cards_due: bool  # a review card of the module is due
    prerequisites_done: bool  # every prerequisite module is completed
    started: bool  # a lesson completed, a quiz attempt closed or a lab passed


# The rule, written once: the first line whose facts all hold gives the state.
RULE_TABLE = (
    (State.MASTERED, {"completed": True, "mastery_score": True, "cards_due": False}),
    (State.COMPLETED, {"completed": True}),
    (State.LOCKED, {"prerequisites_done": False}),
    (State.IN_PROGRESS, {"started": True}),
    (State.AVAILABLE, {}),
)


def _first_line_that_holds(facts: Facts) -> str:
    for state, required in RULE_TABLE:
        if all(getattr(facts, name) == wanted for name, wanted in required.items()):
            return state
    raise AssertionError("RULE_TABLE ends with a line that always holds")


# RULE_TABLE read once for each of the 32 combinations of facts: a dashboard page decides 300 states.
_STATE_OF = {facts: _first_line_that_holds(facts) for facts in map(Facts._make, product((False, True), repeat=5))}


def module_state(facts: Facts) -> str:
    """The state RULE_TABLE gives these facts (booleans)."""
    return _STATE_OF[facts]


def is_complete(
    lessons_done: int, lessons_total: int, has_quiz: bool, quiz_passed: bool, *, labs_passed: int, labs_required: int
) -> bool:
    """When a module's completion is recorded (then it stays: see progress.rebuild): every published
    lesson completed, the module quiz (if any) passed, every published required lab passed."""
    return lessons_done >= lessons_total and (quiz_passed or not has_quiz) and labs_passed >= labs_required


NOTHING = Q(pk__in=[])


def progress_rows(module_ids, *, user_path: str = "user__") -> dict[str, FilteredRelation]:
    """The learner's ModuleProgress row of each module, as aliases for ``QuerySet.alias()`` on a
    queryset whose ``user_path`` leads to the learner ("user__" from a membership, "" from a user).

    Each is a LEFT JOIN on the (user, module) unique index: one probe per learner and module, so a
    filter or sort by state reads the rows of the learners it looks at, not every learner's.
    ``state_conditions`` and ``state_rank`` read the rows through these aliases."""
    relation = f"{user_path}module_progress"
    return {_row(m): FilteredRelation(relation, condition=Q(**{f"{relation}__module_id": m})) for m in module_ids}


def _row(module_id: int) -> str:
    return f"progress_of_{module_id}"


def _holds(condition: Q) -> Case:
    """A fact as a boolean that is never NULL: False for a learner without the row. The rule's "does
    not hold" is then ``= False``, not a NOT over a joined column that may be missing."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _rule_lines(module, prerequisite_ids, *, now) -> list[tuple[str, Q | None]]:
    """RULE_TABLE's lines in order, each as an SQL condition over the ``progress_rows`` aliases: None
    for a line that can never hold, an empty Q for one that always holds. A learner's state is the
    first line that holds (``state_conditions`` makes them exclusive)."""
    row = _row(module.pk)

    def completed(module_id):
        return _holds(Q(**{f"{_row(module_id)}__completed_at__isnull": False}))

    prerequisites_done = Q()
    for prerequisite_id in prerequisite_ids:
        prerequisites_done &= Q(Exact(completed(prerequisite_id), True))
    started = Q(**{f"{row}__lessons_completed__gt": 0}) | Q(**{f"{row}__attempts__gt": 0})
    facts = {
        "completed": completed(module.pk),
        # A fact known without the database is a Python bool: the table is simplified with it.
        "mastery_score": _holds(Q(**{f"{row}__best_percent__gte": MASTERY_PERCENT})) if module.quiz_id else True,
        # The row's kept earliest due time (ModuleProgress.earliest_due), read as ReviewCardQuerySet.due
        # would count: a card is due when its due time has come. A learner without a row has no state
        # that depends on it (only a completed module, which has a row, can be mastered).
        "cards_due": _holds(Q(**{f"{row}__earliest_due__lte": now or timezone.now()})),
        "prerequisites_done": _holds(prerequisites_done) if prerequisite_ids else True,
        "started": _holds(started | Q(**{f"{row}__labs_passed__gt": 0})),
    }
    lines: list[tuple[str, Q | None]] = []
    for state, required in RULE_TABLE:
        line: Q | None = Q()  # None: the line can never hold
        for name, wanted in required.items():
            fact = facts[name]
            if isinstance(fact, bool):
                line = line if fact == wanted else None
            elif line is not None:
                line &= Q(Exact(fact, wanted))
            if line is None:
                break
        lines.append((state, line))
    return lines


def state_conditions(module, prerequisite_ids, *, now=None) -> dict[str, Q]:
    """{state: SQL condition} for one module, on a queryset with the ``progress_rows`` aliases of the
    module and its prerequisites: RULE_TABLE read with each fact as an SQL condition. Exactly one
    condition holds for each learner, as module_state() decides (tests/progress/test_state_rule.py).
    ``module`` carries ``quiz_id``."""
    conditions: dict[str, Q] = {}
    earlier: Q | None = Q()  # no earlier line holds (None: an earlier line always holds)
    for state, line in _rule_lines(module, prerequisite_ids, now=now):
        if line is None or earlier is None:
            conditions[state] = NOTHING
            continue
        conditions[state] = earlier & line
        earlier = earlier & ~line if line else None
    return conditions


def state_rank(module, prerequisite_ids, *, now=None) -> Case:
    """An integer expression ordering learners by their state in the module (locked first), on a
    queryset with the ``progress_rows`` aliases of the module and its prerequisites.

    A CASE takes the first line that holds, as the rule does: its WHENs are the table's lines as they
    are, not the exclusive ``state_conditions`` (which repeat every earlier line, negated, and made the
    database evaluate each earlier fact again for every member sorted)."""
    whens, default = [], State.AVAILABLE
    for state, line in _rule_lines(module, prerequisite_ids, now=now):
        if line is None:
            continue
        if not line:  # always holds: the learners no earlier line took
            default = state
            break
        whens.append(When(line, then=Value(State.RANK[state])))
    return Case(*whens, default=Value(State.RANK[default]), output_field=IntegerField())


def completion_sentence(status: "ModuleStatus") -> str:
    """What completing this module takes, in one sentence: ``is_complete`` read for its shape."""
    steps = [
        ngettext("mark its lesson complete", "mark its %(n)d lessons complete", status.lessons_total)
        % {"n": status.lessons_total}
    ]
    if status.has_quiz:
        steps.append(_("pass its quiz"))
    if status.labs_required:
        steps.append(
            ngettext("pass its required lab", "pass its %(n)d required labs", status.labs_required)
            % {"n": status.labs_required}
        )
    listed = (
        steps[0]
        if len(steps) == 1
        else _("%(first)s and %(last)s")
        % {
            "first": ", ".join(str(step) for step in steps[:-1]),
            "last": steps[-1],
        }
    )
    return _("To complete this module, %(steps)s. Once completed, it stays completed.") % {"steps": listed}


@dataclass(slots=True)
class ModuleStatus:
    """One learner's standing in one module."""

    module: Module
    state: str
    lessons_total: int
    quiz_id: int | None
    row: ProgressRow | None
    labs_required: int = 0
    missing: list[Module] = field(default_factory=list)
    unlocks: list[Module] = field(default_factory=list)
    prerequisites: list[Module] = field(default_factory=list)
    due: int = 0  # review cards due now

    @property
    def label(self) -> str:
        return State.LABELS[self.state]

    @property
    def lessons_done(self) -> int:
        """Lessons completed, never more than the module has (a row may count some since unpublished)."""
        return min(self.row.lessons_completed, self.lessons_total) if self.row else 0

    @property
    def has_quiz(self) -> bool:
        return self.quiz_id is not None

    @property
    def labs_passed(self) -> int:
        """Required labs passed, never more than the module requires now."""
        return min(self.row.labs_passed, self.labs_required) if self.row else 0

    @property
    def steps_total(self) -> int:
        return self.lessons_total + (1 if self.has_quiz else 0) + self.labs_required

    @property
    def steps_done(self) -> int:
        passed = 1 if self.has_quiz and self.row is not None and self.row.quiz_passed else 0
        return self.lessons_done + passed + self.labs_passed

    @property
    def percent(self) -> int:
        if self.is_completed and (self.steps_done >= self.steps_total or not self.steps_total):
            return 100
        return share_percent(self.steps_done, self.steps_total)

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
    def best_percent(self) -> Decimal | None:
        return self.row.best_percent if self.row else None

    @property
    def last_percent(self) -> Decimal | None:
        return self.row.last_percent if self.row else None

    @property
    def attempts(self) -> int:
        return self.row.attempts if self.row else 0


def path_percent(statuses: list[ModuleStatus]) -> int:
    """How much of the path is done: steps done (lessons and required labs, capped at each module's
    count, and passed quizzes) of all steps. ``steps_done_sql`` sorts learners in the same order."""
    return share_percent(sum(s.steps_done for s in statuses), sum(s.steps_total for s in statuses))


def steps_done_sql(modules: list[Module], *, user_ref: str = "user_id"):
    """``path_percent``'s steps done as an SQL expression over the learner in ``user_ref`` (a sort key)."""
    rows = ModuleProgress.objects.filter(user_id=OuterRef(user_ref), module_id__in=[m.pk for m in modules])
    lessons = Case(
        *(When(module_id=m.pk, then=Least(F("lessons_completed"), Value(m.lessons_total))) for m in modules),
        default=Value(0),
    )
    passed = Case(
        When(module_id__in=[m.pk for m in modules if m.quiz_id], quiz_passed=True, then=Value(1)), default=Value(0)
    )
    labs = Case(
        *(When(module_id=m.pk, then=Least(F("labs_passed"), Value(m.labs_required))) for m in modules),
        default=Value(0),
    )
    steps = rows.values("user_id").annotate(n=Sum(lessons + passed + labs, output_field=IntegerField())).values("n")
    return Coalesce(Subquery(steps[:1]), Value(0))


def _load_path_modules(path: LearningPath) -> list[Module]:
    """The published modules of a path, each annotated with its lesson count, quiz and count of
    required labs (what completing it takes: is_complete): one query."""
    module_quiz = Quiz.objects.published().module_quizzes().filter(module=OuterRef("pk")).values("pk")[:1]
    labs = (
        Lab.objects.published()
        .required()
        .filter(module=OuterRef("pk"))
        .order_by()
        .values("module")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Module.objects.published()
        .filter(path=path)
        .annotate(
            lessons_total=Count("lessons", filter=Q(lessons__published=True)),
            quiz_id=Subquery(module_quiz),
            labs_required=Coalesce(Subquery(labs), Value(0)),
        )
        .order_by("order", "id")
    )


def navigation(path: LearningPath, marker: str | None = None) -> tuple[list[Module], dict[int, list[int]]]:
    """The path's published modules (with ``lessons_total`` and ``quiz_id``) and prerequisite edges.

    Kept per process and keyed on the content marker (courses.catalog), so a content edit reaches
    every worker at once. Pass ``marker`` when the request has read it already.
    """
    if marker is None:
        marker = catalog.current_marker()

    def load():
        modules = _load_path_modules(path)
        return modules, prerequisite_map(modules)

    cached_modules, edges = catalog.cached(("navigation", path.pk), marker, load)
    modules = [copy.copy(module) for module in cached_modules]  # callers may set attributes on them
    for module in modules:
        module.path = path  # get_absolute_url() needs the path slug: no query per module
    return modules, {pk: list(prereqs) for pk, prereqs in edges.items()}


def path_modules(path: LearningPath) -> list[Module]:
    """The published modules of a path, each annotated with its lesson count and quiz."""
    return navigation(path)[0]


class PathPlan:
    """A path's published modules, what each requires and unlocks: what every learner's statuses
    are computed against, worked out once per request."""

    def __init__(self, path: LearningPath, modules: list[Module], edges: dict[int, list[int]]):
        self.path = path
        self.modules = modules
        by_id = {module.pk: module for module in modules}
        self.edges = {pk: [p for p in edges.get(pk, []) if p in by_id] for pk in by_id}
        unlocks: dict[int, list[Module]] = {pk: [] for pk in by_id}
        for pk, prereqs in self.edges.items():
            for prereq in prereqs:
                unlocks[prereq].append(by_id[pk])
        self._steps = [(module, [by_id[p] for p in self.edges[module.pk]], unlocks[module.pk]) for module in modules]

    @classmethod
    def of(cls, path: LearningPath, marker: str | None = None) -> "PathPlan":
        return cls(path, *navigation(path, marker))

    def module(self, module_id) -> Module | None:
        """The published module with this id (a string from a URL is fine), or None."""
        return next((m for m in self.modules if str(m.pk) == str(module_id)), None)

    @property
    def steps_total(self) -> int:
        return sum(m.lessons_total + (1 if m.quiz_id else 0) + m.labs_required for m in self.modules)

    def statuses(self, rows: dict[int, ProgressRow], due: dict[int, int], *, staff: bool = False) -> list[ModuleStatus]:
        """One learner's statuses in path order, from their rows and due cards by module id. Staff
        are never held back by prerequisites."""
        completed = {pk for pk, row in rows.items() if row.completed}
        statuses = []
        for module, prereqs, unlocks in self._steps:
            missing = [p for p in prereqs if p.pk not in completed] if prereqs and not staff else []
            row = rows.get(module.pk)
            cards_due = due.get(module.pk, 0)
            facts = Facts(
                completed=row is not None and row.completed,
                mastery_score=module.quiz_id is None
                or (row is not None and (row.best_percent or 0) >= MASTERY_PERCENT),
                cards_due=cards_due > 0,
                prerequisites_done=not missing,
                started=row is not None and bool(row.lessons_completed or row.attempts or row.labs_passed),
            )
            statuses.append(
                ModuleStatus(
                    module=module,
                    state=module_state(facts),
                    lessons_total=module.lessons_total,
                    quiz_id=module.quiz_id,
                    row=row,
                    labs_required=module.labs_required,
                    missing=missing,
                    unlocks=unlocks,
                    prerequisites=prereqs,
                    due=cards_due,
                )
            )
        return statuses

    def statuses_for(self, user_ids: list[int], *, staff_ids=()) -> dict[int, list[ModuleStatus]]:
        """{user id: [ModuleStatus in path order]} for many learners: one statement."""
        standing = ModuleProgress.standing(user_ids, [m.pk for m in self.modules], timezone.now())
        return {
            user_id: self.statuses(
                standing.rows.get(user_id, {}), standing.due.get(user_id, {}), staff=user_id in staff_ids
            )
            for user_id in user_ids
        }


def learner_statuses(path: LearningPath, user, marker: str | None = None) -> list[ModuleStatus]:
    """The signed-in learner's statuses (staff are never locked out), or what a visitor sees: only
    modules without prerequisites are open."""
    plan = PathPlan.of(path, marker)
    if not user.is_authenticated:
        return plan.statuses({}, {})
    close_expired_of(user)  # a timed-out attempt counts as closed (at its deadline)
    return plan.statuses_for([user.pk], staff_ids={user.pk} if user.is_staff else ())[user.pk]
