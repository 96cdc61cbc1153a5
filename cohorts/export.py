"""The cohort overview as a CSV file, streamed: one row per member, memory flat whatever the cohort
size. The figures are the overview's own (the kept figures of cohorts.models, progress.states).

Times are the lead's: the file is streamed after the request's time zone is switched off, so the
view hands the zone in, and the header names it. ``joined_at`` is ISO 8601 with the zone's offset;
``last_active_day`` is the learner's own calendar day (progress.models.DailyActivity), as on the
overview."""

import datetime
from collections.abc import Iterable, Iterator
from itertools import groupby
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from devopslearn.lib.numbers import percent_text
from devopslearn.lib.spreadsheet import csv_lines
from progress.models import ModuleProgress, ProgressRow, ReviewCard
from progress.states import PathPlan, path_percent

CHUNK = 2000


def header(plan: PathPlan, zone: ZoneInfo, *, slugs: bool = False) -> list[str]:
    """The column names: readable, in the lead's language, with the modules' titles; ``slugs``: the
    fixed machine-friendly names scripts read (``?headers=slugs``), whatever the language."""
    if not slugs:
        names = [
            _("Username"),
            _("Name"),
            _("Joined (%(zone)s)") % {"zone": zone.key},
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
    return percent_text(value, 1, localized=False)


def iso_time(value: datetime.datetime, zone: ZoneInfo) -> str:
    """``value`` in ``zone``, as ISO 8601 with its offset, to the second."""
    return timezone.localtime(value, zone).isoformat(timespec="seconds")


def member_rows(cohort: Cohort, plan: PathPlan, zone: ZoneInfo) -> Iterator[list]:
    """One list of cells per member, from three cursors ordered by user id and merged: a fixed
    number of queries and flat memory whatever the cohort size."""
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
            cells += [status.state, _score(status.best_percent if status.attempts else None)]
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
    times in ``zone``, the viewer's; the header is made now, in the request's language."""
    return csv_lines(header(plan, zone, slugs=slugs), member_rows(cohort, plan, zone))
