"""The cohort overview: every member with three figures and a state per module, filtered and sorted
in the database, fifty at a time (keyset pages: the links name the row a page starts after).

The columns are defined once (``columns``): the table's headers, the sort keys and the cells of a
row all follow it. The three figures are kept on each membership (cohorts.models.figures_of defines
them; an index serves each sort), so a page reads fifty members through an index whatever the
cohort's size; a module's state is computed (it depends on the review cards due now).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DateField, DateTimeField, DecimalField, F, IntegerField, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cohorts.models import Cohort, Membership
from devopslearn.lib import keyset
from progress.models import ModuleProgress
from progress.states import ModuleStatus, PathPlan, State, path_percent, progress_rows, state_conditions, state_rank

PAGE_SIZE = 50
# A filtered overview counts its matches up to this many ("More than 500 learners shown"): a filter
# by state is checked member by member, and a count of all would read the whole cohort on every page.
COUNT_LIMIT = 500
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


USER = keyset.Key(F("user_id"), IntegerField())
# The sorts by a kept figure: {sort key: (membership field, its type, whether it may be missing)}.
KEPT = {
    "progress": ("steps_done", IntegerField(), False),
    "activity": ("last_active_day", DateField(), True),
    "quiz": ("quiz_average", DecimalField(max_digits=9, decimal_places=6), True),
    "joined": ("joined_at", DateTimeField(), False),
}


def _parts(key: str, plan: PathPlan) -> tuple[keyset.Part, ...] | None:
    """The keyset parts that sort by the column (or the other sort) named ``key``; None if unknown.
    Every order ends with the member's id, so that it is total and a link names one place."""
    if key == "name":
        text = keyset.Key(F("sort_name"), Membership._meta.get_field("sort_name"))
        login = keyset.Key(F("sort_username"), Membership._meta.get_field("sort_username"))
        return (keyset.Part(Q(), (text, login, USER)),)
    if key in KEPT:
        name, field, nullable = KEPT[key]
        kept = keyset.Part(Q(**{f"{name}__isnull": False}) if nullable else Q(), (keyset.Key(F(name), field), USER))
        # Missing values come last whichever the direction: a part of their own, after the others.
        return (kept, keyset.Part(Q(**{f"{name}__isnull": True}), (USER,))) if nullable else (kept,)
    module = plan.module(key[1:]) if key.startswith("m") else None
    if module is not None:
        rank = keyset.Key(state_rank(module, plan.edges[module.pk]), IntegerField())
        return (keyset.Part(Q(), (rank, USER)),)
    return None


def clean_sort(sort: str, plan: PathPlan) -> str:
    """``sort`` when it names a column or "joined" (with "-" for descending), else "name"."""
    return sort if _parts(sort.lstrip("-"), plan) is not None else "name"


def ordering(sort: str, plan: PathPlan) -> keyset.Ordering:
    """The order ``sort`` names, as keyset parts (a "-" reverses each part; missing values stay last)."""
    sort = clean_sort(sort, plan)
    return keyset.Ordering(_parts(sort.lstrip("-"), plan), descending=sort.startswith("-"))


def members(cohort: Cohort, plan: PathPlan, *, state: str = "", module_id: str = "", text: str = ""):
    """The cohort's memberships, filtered in SQL (unordered: ``page`` orders them), with each
    member's progress row of every module at hand for a filter or sort by state (``progress_rows``:
    joined only where a condition reads them)."""
    found = cohort.memberships.alias(**progress_rows([m.pk for m in plan.modules]))
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
    return found


# What a row shows of a membership, read with the page.
VALUES = ["user_id", "user__username", "user__display_name", "last_active_day", "quiz_average"]


def page(memberships, plan: PathPlan, *, sort: str = "name", after: str = "", before: str = "") -> keyset.Page:
    """The page of ``memberships`` after (or before) a cursor, in the order ``sort`` names."""
    return keyset.page(memberships, ordering(sort, plan), VALUES, after=after, before=before, size=PAGE_SIZE)


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
    """The page's rows (``VALUES`` of each membership): module states from the members' progress
    (one statement for the page, whatever the cohort's size) and their kept figures."""
    values = list(values)
    statuses = plan.statuses_for([user_id for user_id, *_ in values])
    labels = {state: str(label) for state, label in State.LABELS.items()}
    found = []
    for user_id, username, display_name, last_active, average in values:
        mine = statuses[user_id]
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
