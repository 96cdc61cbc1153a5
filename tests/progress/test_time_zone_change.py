"""A change of time zone never takes an activity off the calendar or breaks an unbroken streak
(issue 12, point 5): days stay as the learner lived them (the stored local day does not change), and
a stored day later than today in the new zone counts as today. Fixed clocks, zones on both sides of
the date line: Pacific/Auckland (UTC+13 in March), Pacific/Honolulu (UTC-10), Europe/London (UTC+0)."""

import re
from datetime import UTC, date, datetime, timedelta
from itertools import permutations

import pytest
import time_machine
from django.urls import reverse

from progress import services
from progress.models import DailyActivity
from tests.progress.helpers import module

URL = reverse("progress:mine")
ZONES = ["Pacific/Auckland", "Pacific/Honolulu", "Europe/London"]
# 12:00 UTC on Tuesday 10 March 2026: Wednesday 11 March 01:00 in Auckland, Tuesday 02:00 in
# Honolulu, Tuesday 12:00 in London (the window: Auckland's date a day ahead of London's).
NOON_UTC = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _figures(page: str) -> tuple[int, int, int]:
    """(current streak, days active on the calendar, days the calendar shows)."""
    streak = int(re.search(r'Current streak</p><p class="score-big">(\d+)</p>', page)[1])
    active, shown = re.search(r"Active on (\d+) of the last (\d+) days\.", page).groups()
    return streak, int(active), int(shown)


def _square(page: str, label: str) -> int:
    """The count in the calendar square titled ``label`` ("Tue 10 Mar")."""
    return int(re.search(rf"<title>{label}: (\d+)</title>", page)[1])


def _move(learner, zone: str) -> None:
    learner.time_zone = zone
    learner.save(update_fields=["time_zone"])


def test_a_lesson_completed_in_auckland_stays_today_after_a_move_to_london(curriculum, learner, learner_client):
    """The issue's example: "Current streak 0", "Active on 0 of the last 84 days" and no square."""
    _move(learner, "Pacific/Auckland")
    lesson = module(curriculum, "devops-mindset").lessons.order_by("order").first()
    with time_machine.travel(NOON_UTC, tick=False):
        services.complete_lesson(learner, lesson)
        _move(learner, "Europe/London")
        page = learner_client.get(URL).content.decode()
    assert list(DailyActivity.objects.filter(user=learner).values_list("day", flat=True)) == [date(2026, 3, 11)]
    streak, active, shown = _figures(page)
    assert (streak, active) == (1, 1)
    assert _square(page, "Tue 10 Mar") == 1  # today in London: the lesson is on the calendar
    assert "<title>Wed 11 Mar" not in page  # no square after today


def test_a_lesson_completed_in_london_is_yesterday_after_a_move_to_auckland(curriculum, learner, learner_client):
    _move(learner, "Europe/London")
    lesson = module(curriculum, "devops-mindset").lessons.order_by("order").first()
    with time_machine.travel(NOON_UTC, tick=False):
        services.complete_lesson(learner, lesson)
        _move(learner, "Pacific/Auckland")
        page = learner_client.get(URL).content.decode()
    assert _figures(page)[:2] == (1, 1)  # yesterday keeps the streak alive
    assert _square(page, "Tue 10 Mar") == 1 and _square(page, "Wed 11 Mar") == 0


@pytest.mark.parametrize(("before", "after"), list(permutations(ZONES, 2)))
def test_a_three_day_streak_survives_a_move_between_any_two_zones(learner, learner_client, before, after):
    """Active on three consecutive days, the last one now, in ``before``; then the learner moves to
    ``after`` at the same instant: no action leaves the calendar and the streak is still unbroken."""
    _move(learner, before)
    for days_ago in (2, 1, 0):
        with time_machine.travel(NOON_UTC - timedelta(days=days_ago), tick=False):
            services.record_activity(learner, questions_answered=days_ago + 1)  # 3, 2 and 1 actions
    with time_machine.travel(NOON_UTC, tick=False):
        before_page = learner_client.get(URL).content.decode()
        _move(learner, after)
        after_page = learner_client.get(URL).content.decode()
    assert _figures(before_page)[:2] == (3, 3)
    streak, active, _shown = _figures(after_page)
    squares = [int(n) for n in re.findall(r"<title>[^<]*: (\d+)</title>", after_page)]
    assert sum(squares) == 6  # every action is still on the calendar
    assert streak == active >= 2  # every active day is in the unbroken streak (two when days merged)
    today_or_yesterday = [n for n in squares[-2:] if n]
    assert today_or_yesterday, "the latest activity is today or yesterday in the new zone"


def test_stored_days_never_change_with_the_zone(curriculum, learner, learner_client):
    _move(learner, "Pacific/Honolulu")
    lesson = module(curriculum, "devops-mindset").lessons.order_by("order").first()
    with time_machine.travel(NOON_UTC, tick=False):
        services.complete_lesson(learner, lesson)
        for zone in ZONES:
            _move(learner, zone)
            learner_client.get(URL)
    assert list(DailyActivity.objects.filter(user=learner).values_list("day", flat=True)) == [date(2026, 3, 10)]
