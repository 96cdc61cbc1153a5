"""A learner's activity as their pages show it: the days they were active, the streak, the last seven
days. Read from DailyActivity (the one definition of an active day, in the learner's time zone):
nothing new is tracked."""

from dataclasses import dataclass
from datetime import date, timedelta

from progress.models import DailyActivity
from progress.services import local_day

HISTORY_DAYS = 400  # the calendar and the streak look this far back
WEEK = 7


def streak(days: set, today) -> int:
    """Consecutive active days ending today (or yesterday, when today has no activity yet)."""
    current = today if today in days else today - timedelta(days=1)
    count = 0
    while current in days:
        count += 1
        current -= timedelta(days=1)
    return count


@dataclass(frozen=True)
class Day:
    day: date
    actions: int
    is_today: bool

    @property
    def active(self) -> bool:
        return self.actions > 0


@dataclass(frozen=True)
class Activity:
    streak: int
    days_active: int  # over all time
    week: tuple[Day, ...]  # the last seven days, oldest first, today last


def of(learner) -> Activity:
    """The learner's activity today (two queries)."""
    today = local_day(learner)
    totals, days_active = DailyActivity.history(learner.pk, since=today - timedelta(days=HISTORY_DAYS), today=today)
    days = (today - timedelta(days=back) for back in range(WEEK - 1, -1, -1))
    week = tuple(Day(day, totals.get(day, 0), day == today) for day in days)
    return Activity(streak=streak(set(totals), today), days_active=days_active, week=week)
