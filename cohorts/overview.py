"""The cohort overview: every member with three figures and a state per module, filtered and sorted
in the database, a page of fifty at a time.

The columns are defined once (``columns``): the table's headers, the sort keys and the cells of a
row all follow it. Each figure is computed by one expression or function, which both the sort and
the shown value use (or, for the progress percentage, its SQL twin in progress.states).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Avg, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cohorts.models import Cohort
from progress.models import ModuleProgress, last_active_day
from progress.states import ModuleStatus, PathPlan, State, path_percent, state_conditions, state_rank, steps_done_sql

PAGE_SIZE = 50
FAILED_TWICE = 2
STUCK = "stuck"  # a filter beside the states: failed the module's quiz twice or more, not passed
FILTER_STATES = [*State.ORDER, STUCK]
FILTER_LABELS = {**State.LABELS, STUCK: _("Failed its quiz twice or more")}


def stuck_rows():
    """ModuleProgress rows of a learner stuck on the module's quiz: failed twice or more, never passed."""
    return ModuleProgress.objects.filter(failed_attempts__gte=FAILED_TWICE, quiz_passed=False)


def failed_without_passing(status: ModuleStatus) -> int:
    """How often the learner failed the module's quiz, when ``stuck_rows`` holds their row; else 0."""
    row = status.row
    stuck = row is not None and row.failed_attempts >= FAILED_TWICE and not row.quiz_passed
    return row.failed_attempts if stuck else 0


def quiz_average(module_ids: list[int], *, user_ref: str = "user_id") -> Subquery:
    """The learner's average best quiz score (a percentage) over these modules' quizzes taken, or NULL."""
    rows = ModuleProgress.objects.filter(user_id=OuterRef(user_ref), module_id__in=module_ids, attempts__gt=0)
    return Subquery(rows.values("user_id").annotate(a=Avg("best_percent")).values("a")[:1])


@dataclass(frozen=True)
class Column:
    key: str  # its ?sort= value
    label: str
    module_id: int | None = None


def columns(plan: PathPlan) -> list[Column]:
    """The overview's columns, in order: the learner, the three figures a lead reads first, then a
    state per module (these scroll sideways when the screen is narrow; the learner column stays)."""
    return [
        Column("name", _("Learner")),
        Column("progress", _("Progress")),
        Column("activity", _("Last activity")),
        Column("quiz", _("Quiz average")),
        *(Column(f"m{m.pk}", m.title, m.pk) for m in plan.modules),
    ]


def _order_by(key: str, plan: PathPlan) -> list:
    """The expressions that sort by the column (or the other sort) named ``key``; None if unknown."""
    if key == "name":
        return [Lower("user__display_name"), Lower("user__username")]
    if key == "joined":
        return ["joined_at"]
    if key == "progress":
        return [steps_done_sql(plan.modules)]
    if key == "activity":
        return [last_active_day()]
    if key == "quiz":
        return [quiz_average([m.pk for m in plan.modules])]
    module = plan.module(key[1:]) if key.startswith("m") else None
    if module is not None:
        return [state_rank(module, plan.edges[module.pk])]
    return None


def clean_sort(sort: str, plan: PathPlan) -> str:
    """``sort`` when it names a column or "joined" (with "-" for descending), else "name"."""
    return sort if _order_by(sort.lstrip("-"), plan) is not None else "name"


def members(
    cohort: Cohort, plan: PathPlan, *, sort: str = "name", state: str = "", module_id: str = "", text: str = ""
):
    """The cohort's memberships, filtered and sorted in SQL, annotated with the figures a row shows."""
    found = cohort.memberships.all()
    if text:
        # What the pages show of a member, never the hidden e-mail address.
        found = found.filter(Q(user__username__icontains=text) | Q(user__display_name__icontains=text))
    if state in FILTER_STATES:
        chosen = [plan.module(module_id)] if plan.module(module_id) else plan.modules
        condition = Q(pk__in=[])
        for module in chosen:
            if state == STUCK:
                condition |= Q(user_id__in=stuck_rows().filter(module_id=module.pk).values("user_id"))
            else:
                condition |= state_conditions(module, plan.edges[module.pk])[state]
        found = found.filter(condition)
    descending = sort.startswith("-")
    key = clean_sort(sort, plan).lstrip("-")
    # Names are never NULL: their order is left plain, so that the index on the shown name serves it.
    nulls_last = None if key == "name" else True
    order = [
        (expression.desc(nulls_last=nulls_last) if descending else expression.asc(nulls_last=nulls_last))
        if not isinstance(expression, str)
        else f"{'-' if descending else ''}{expression}"
        for expression in _order_by(key, plan)
    ]
    return found.order_by(*order, "user_id")


def page_values(memberships, plan: PathPlan):
    """The members as (user id, username, display name) values, in order: what the paginator slices.

    The figures are left to ``rows``, for the page's fifty only: computed here they would be computed
    for every member before the sort (SQLite evaluates the result columns of every row it sorts)."""
    return memberships.values_list("user_id", "user__username", "user__display_name")


def figures(plan: PathPlan, user_ids: list[int]) -> dict[int, tuple[date | None, Decimal | None]]:
    """{user id: (last active day, quiz average)} of these learners: one statement."""
    found = User.objects.filter(pk__in=user_ids).annotate(
        last_active=last_active_day("pk"), average=quiz_average([m.pk for m in plan.modules], user_ref="pk")
    )
    return {
        pk: (last_active, average) for pk, last_active, average in found.values_list("pk", "last_active", "average")
    }


class Cell(NamedTuple):
    state: str
    label: str
    failed: int  # times the quiz was failed without a pass, when the learner is stuck (else 0)


class MemberRow(NamedTuple):
    """One line of the overview: what its cells show, in the order of ``columns``."""

    user_id: int
    username: str
    name: str
    cells: list[Cell]
    percent: int
    last_active: date | None
    quiz_average: Decimal | None


def rows(plan: PathPlan, values) -> list[MemberRow]:
    """The page's rows: module states from the members' progress and their figures (two statements
    for the page, whatever the cohort's size)."""
    values = list(values)
    user_ids = [user_id for user_id, *_ in values]
    statuses = plan.statuses_for(user_ids)
    shown = figures(plan, user_ids)
    labels = {state: str(label) for state, label in State.LABELS.items()}
    found = []
    for user_id, username, display_name in values:
        mine = statuses[user_id]
        last_active, average = shown[user_id]
        found.append(
            MemberRow(
                user_id=user_id,
                username=username,
                name=User.name_shown(display_name, username),
                cells=[Cell(s.state, labels[s.state], failed_without_passing(s)) for s in mine],
                percent=path_percent(mine),
                last_active=last_active,
                quiz_average=average,
            )
        )
    return found
