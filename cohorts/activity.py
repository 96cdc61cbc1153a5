"""The cohort's "Activity" tab: lessons and quiz attempts per week, and how many finished each module."""

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
CHART_HEIGHT, BAR_STEP, FUNNEL_WIDTH, FUNNEL_STEP = 140, 36, 400, 34


def weekly_activity(cohort: Cohort) -> list[dict]:
    """Lesson completions and finished quiz attempts per week since the cohort started (the last 26
    weeks), each week with its bars' geometry for the chart."""
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
    peak = max([1, *(w["lessons"] for w in weeks), *(w["attempts"] for w in weeks)])
    for index, week in enumerate(weeks):
        week["x"] = 40 + index * BAR_STEP
        week["lessons_h"] = round(CHART_HEIGHT * week["lessons"] / peak)
        week["attempts_h"] = round(CHART_HEIGHT * week["attempts"] / peak)
        week["lessons_y"] = 20 + CHART_HEIGHT - week["lessons_h"]
        week["attempts_y"] = 20 + CHART_HEIGHT - week["attempts_h"]
    return weeks


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
