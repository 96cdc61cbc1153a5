"""The cohort overview as a CSV file, streamed: one row per member, memory flat whatever the cohort
size. The figures are the overview's own (the kept figures of cohorts.models, progress.states).

Times are the lead's: the file is streamed after the request's time zone is switched off, so the
view hands the zone in, and the header names it (as a person reads it, accounts.zones.readable;
the slugs header keeps its raw name for scripts). ``joined_at`` is ISO 8601 with the zone's offset;
``last_active_day`` is the learner's own calendar day (progress.models.DailyActivity), as on the
overview.

Two readers, chosen deliberately:
- ``?headers=slugs`` is for scripts and formulas: fixed column names and module states as their
  codes (``in_progress``, ``mastered``: progress.states.State), whatever the lead's language, so
  that a script written once reads every export.
- the readable file (the default) is for a person: headers and module states as the lead's pages
  write them (``Đang học``, the state's label).
Decimals are written with a point (``66.6``) in both, in every language. The comma is this file's
separator: a Vietnamese ``66,6`` would have to be quoted, and a cell holding a separator is marked
as text by the one CSV writer (devopslearn.lib.spreadsheet: ``'66,6``), so no spreadsheet would read
it as a number; ``66.6`` is what a CSV import reads as a number when told the file's format, and
what a script expects. Dates and times are ISO 8601 in both.

The rows stream after the view has returned, when the request's language may be gone: the state
labels and the header are read when the stream is made."""

import datetime
from collections.abc import Iterable, Iterator
from itertools import groupby
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import zones
from cohorts.models import Cohort
from devopslearn.lib.numbers import percent_text
from devopslearn.lib.spreadsheet import csv_lines
from progress.models import ModuleProgress, ProgressRow, ReviewCard
from progress.states import PathPlan, State, path_percent

CHUNK = 2000


def header(plan: PathPlan, zone: ZoneInfo, *, slugs: bool = False) -> list[str]:
    """The column names: readable, in the lead's language, with the modules' titles; ``slugs``: the
    fixed machine-friendly names scripts read (``?headers=slugs``), whatever the language."""
    if not slugs:
        names = [
            _("Username"),
            _("Name"),
            _("Joined in %(zone)s") % {"zone": zones.readable(zone)},
            _("Progress (%)"),
            _("Last active day (the learner's time zone)"),
            _("Quiz average (%)"),
        ]
        for module in plan.modules:
            names += [
                _("%(module)s: state") % {"module": module.title},
                _("%(module)s: best score (%%)") % {"module": module.title},
            ]
        return names
    names = [
        "username",
        "display_name",
        f"joined_at ({zone.key})",
        "progress_percent",
        "last_active_day (learner's time zone)",
        "quiz_average",
    ]
    for module in plan.modules:
        names += [f"{module.slug}_state", f"{module.slug}_best_score"]
    return names


def _score(value) -> str:
    """A percentage floored to one decimal (percent_text), with a point whatever the language (see above)."""
    return percent_text(value, 1, localized=False)


def iso_time(value: datetime.datetime, zone: ZoneInfo) -> str:
    """``value`` in ``zone``, as ISO 8601 with its offset, to the second."""
    return timezone.localtime(value, zone).isoformat(timespec="seconds")


def member_rows(cohort: Cohort, plan: PathPlan, zone: ZoneInfo, *, states: dict | None = None) -> Iterator[list]:
    """One list of cells per member, from three cursors ordered by user id and merged: a fixed
    number of queries and flat memory whatever the cohort size. Each module state is its code, or
    with ``states`` the name it maps it to (its label, translated already)."""
    module_ids = [m.pk for m in plan.modules]
    members = (
        cohort.memberships.order_by("user_id")
        # The kept figures, as the overview shows them (cohorts.models.figures_of).
        .values_list("user_id", "user__username", "user__display_name", "joined_at", "last_active_day", "quiz_average")
        .iterator(chunk_size=CHUNK)
    )
    in_cohort = cohort.memberships.values("user_id")
    progress = ModuleProgress.objects.filter(user_id__in=in_cohort, module_id__in=module_ids).order_by("user_id")
    cards = ReviewCard.objects.filter(user_id__in=in_cohort, module_id__in=module_ids).due(timezone.now())
    rows = groupby((ProgressRow(*row) for row in progress.as_rows().iterator(chunk_size=CHUNK)), lambda r: r.user_id)
    due = groupby(cards.counts_by_module().order_by("user_id").iterator(chunk_size=CHUNK), lambda item: item[0])
    next_rows, next_due = next(rows, (None, ())), next(due, (None, ()))
    for user_id, username, display_name, joined_at, last_active, average in members:
        while next_rows[0] is not None and next_rows[0] < user_id:
            next_rows = next(rows, (None, ()))
        while next_due[0] is not None and next_due[0] < user_id:
            next_due = next(due, (None, ()))
        mine = {row.module_id: row for row in next_rows[1]} if next_rows[0] == user_id else {}
        cards_due = {module_id: n for _, module_id, n in next_due[1]} if next_due[0] == user_id else {}
        statuses = plan.statuses(mine, cards_due)
        cells = []
        for status in statuses:
            state = states[status.state] if states else status.state
            cells += [state, _score(status.best_percent if status.attempts else None)]
        yield [
            username,
            display_name,
            iso_time(joined_at, zone),
            path_percent(statuses),
            last_active.isoformat() if last_active else "",
            _score(average),
            *cells,
        ]


def stream(cohort: Cohort, plan: PathPlan, zone: ZoneInfo, *, slugs: bool = False) -> Iterable[str]:
    """The file's lines (devopslearn.lib.spreadsheet.csv_lines: every text cell neutralised), with
    times in ``zone``, the viewer's; the header and the state labels are read now, in
    the request's language (the rows stream later). ``slugs``: the machine-readable file (see above)."""
    if slugs:
        return csv_lines(header(plan, zone, slugs=True), member_rows(cohort, plan, zone))
    states = {state: str(label) for state, label in State.LABELS.items()}
    return csv_lines(header(plan, zone), member_rows(cohort, plan, zone, states=states))
