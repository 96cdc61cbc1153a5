"""The cohort's "Activity" tab: lessons and quiz attempts per week, and how many finished each module."""

import math
from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone

from cohorts.models import Cohort
from devopslearn.lib.numbers import share_percent
from progress.models import LessonCompletion, ModuleProgress
from progress.states import PathPlan
from quizzes.models import Attempt

WEEKS_SHOWN = 26
# The weekly chart's drawing, in the units of its viewBox (the SVG is as wide as its card, at least
# 36rem: static/css/app.css): the plot between the axes, the week labels under it, the axis titles.
CHART_WIDTH, PLOT_LEFT, PLOT_TOP, PLOT_HEIGHT, CHART_HEIGHT = 720, 64, 16, 160, 236
LABEL_WIDTH = 48  # room a week's label needs under the axis
FUNNEL_WIDTH, FUNNEL_STEP = 400, 34


def _peak(weeks: list[dict]) -> int:
    """The chart's top: the largest weekly count (at least 1)."""
    return max([1, *(w["lessons"] for w in weeks), *(w["attempts"] for w in weeks)])


def weekly_activity(cohort: Cohort) -> list[dict]:
    """Lesson completions and finished quiz attempts per week since the cohort started (the last 26
    weeks), each week with its bars' geometry for the chart (``chart`` draws its frame)."""
    start = cohort.start_date
    members = cohort.memberships.values("user_id")
    lessons = dict(
        LessonCompletion.objects.filter(user_id__in=members, completed_at__date__gte=start)
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    )
    attempts = dict(
        Attempt.objects.closed()
        .filter(user_id__in=members, submitted_at__date__gte=start)
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    )
    by_week: dict = {}
    for source, name in ((lessons, "lessons"), (attempts, "attempts")):
        for week, n in source.items():
            day = week.date() if hasattr(week, "date") else week
            by_week.setdefault(day, {"lessons": 0, "attempts": 0})[name] += n
    last = max([timezone.localdate(), *by_week])
    weeks, day = [], start - timedelta(days=start.weekday())
    while day <= last:
        weeks.append({"week": day, **by_week.get(day, {"lessons": 0, "attempts": 0})})
        day += timedelta(days=7)
    weeks = weeks[-WEEKS_SHOWN:]
    peak = _peak(weeks)
    step = (CHART_WIDTH - PLOT_LEFT - 8) / len(weeks)
    bar = min(24.0, step * 0.38)
    every = max(1, math.ceil(LABEL_WIDTH / step))  # label every n-th week so that labels never overlap
    for index, week in enumerate(weeks):
        x = PLOT_LEFT + index * step + (step - 2 * bar) / 2
        week["x"], week["x2"], week["bar"] = round(x, 1), round(x + bar, 1), round(bar, 1)
        week["label_x"] = round(PLOT_LEFT + index * step + step / 2, 1)
        week["labelled"] = index % every == 0
        for name in ("lessons", "attempts"):
            height = round(PLOT_HEIGHT * week[name] / peak, 1)
            week[f"{name}_h"], week[f"{name}_y"] = height, round(PLOT_TOP + PLOT_HEIGHT - height, 1)
    return weeks


def chart(weeks: list[dict]) -> dict:
    """The weekly chart's frame: its axes, the y-axis ticks (0, half the peak, the peak) and the
    busiest week, for the sentence that says what the chart shows."""
    peak = _peak(weeks)
    ticks = sorted({0, math.ceil(peak / 2), peak})
    busiest = max(weeks, key=lambda w: (w["lessons"] + w["attempts"], w["week"])) if weeks else None
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "top": PLOT_TOP,
        "bottom": PLOT_TOP + PLOT_HEIGHT,
        "right": CHART_WIDTH,
        "middle": PLOT_TOP + PLOT_HEIGHT / 2,
        "ticks": [{"value": t, "y": round(PLOT_TOP + PLOT_HEIGHT - PLOT_HEIGHT * t / peak, 1)} for t in ticks],
        "busiest": busiest if busiest and busiest["lessons"] + busiest["attempts"] else None,
    }


def funnel(cohort: Cohort, plan: PathPlan) -> list[dict]:
    """How many members completed each module, in path order, with each bar's geometry."""
    done = dict(
        ModuleProgress.objects.filter(
            user_id__in=cohort.memberships.values("user_id"),
            completed_at__isnull=False,
            module_id__in=[m.pk for m in plan.modules],
        )
        .values("module_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("module_id", "n")
    )
    members = cohort.memberships.count()
    return [
        {
            "module": module,
            "completed": done.get(module.pk, 0),
            "members": members,
            "percent": share_percent(done.get(module.pk, 0), members),
            "width": round(FUNNEL_WIDTH * done.get(module.pk, 0) / max(1, members)),
            "y": 10 + index * FUNNEL_STEP,
        }
        for index, module in enumerate(plan.modules)
    ]
