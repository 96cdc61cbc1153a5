"""The cohort overview as a CSV file, streamed: one row per member, memory flat whatever the cohort
size. The figures are the overview's own (cohorts.overview, progress.states)."""

import csv
from collections.abc import Iterable, Iterator
from itertools import groupby

from django.utils import timezone

from cohorts.models import Cohort
from cohorts.overview import quiz_average
from devopslearn.lib.numbers import percent_text
from progress.models import ModuleProgress, ProgressRow, ReviewCard, last_active_day
from progress.states import PathPlan, path_percent

CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection): a leading ' when it could."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def header(plan: PathPlan) -> list[str]:
    names = ["username", "display_name", "joined", "progress_percent", "last_activity", "quiz_average"]
    for module in plan.modules:
        names += [f"{module.slug}_state", f"{module.slug}_best_score"]
    return names


def _score(value) -> str:
    return percent_text(value, 1, localized=False)


def member_rows(cohort: Cohort, plan: PathPlan) -> Iterator[list]:
    """One list of cells per member, from three cursors ordered by user id and merged: a fixed
    number of queries and flat memory whatever the cohort size."""
    module_ids = [m.pk for m in plan.modules]
    members = (
        cohort.memberships.order_by("user_id")
        .values_list("user_id", "user__username", "user__display_name", "joined_at")
        .annotate(last_active=last_active_day(), average=quiz_average(module_ids))
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
            joined_at.date().isoformat(),
            path_percent(statuses),
            last_active.isoformat() if last_active else "",
            _score(average),
            *cells,
        ]


class _Echo:
    def write(self, value):
        return value


def stream(cohort: Cohort, plan: PathPlan) -> Iterable[str]:
    """The file's lines: a byte-order mark (spreadsheets then read UTF-8 names right), the header,
    a line per member. Every text cell goes through ``spreadsheet_safe``."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(header(plan))
    for row in member_rows(cohort, plan):
        yield writer.writerow([spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row])
