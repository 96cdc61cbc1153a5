"""My progress: overall percentage, each module's state and bar, scores, time, the activity
calendar in the learner's own time zone, the streak, and where to continue."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import Lesson
from labs.models import Lab
from progress import services
from progress.models import DailyActivity
from progress.views import CALENDAR_WEEKS, streak
from tests.progress.helpers import (
    ask_every_question,
    complete_module,
    finish_lessons,
    misses_for_percent,
    misses_worth,
    module,
    module_quiz,
    shown_percent,
    take_quiz,
)

URL = reverse("progress:mine")


def row_of(page: str, title: str) -> str:
    """The table row of one module on the progress page."""
    start = page.index(f">{title}</a>")
    return page[start : page.index("</tr>", start)]


def streak_shown(page: str) -> str:
    found = re.search(r'Current streak</p><p class="score-big">(\d+)</p>\s*<p class="small">([^<·]+)', page)
    return f"{found[1]} {found[2].strip()}"


@pytest.fixture
def history(curriculum, learner):
    """Mindset completed above 90% (one question missed); CI/CD: two lessons, a bare pass then a 0%.
    Both quizzes ask every question, so that the scores can be aimed at. Returns the modules and the
    three attempts."""
    mindset, cicd = module(curriculum, "devops-mindset"), module(curriculum, "cicd-on-aws")
    mindset_quiz, cicd_quiz = ask_every_question(module_quiz(mindset)), ask_every_question(module_quiz(cicd))
    mastered = complete_module(learner, mindset, wrong=misses_worth(mindset_quiz, 1))
    finish_lessons(learner, cicd, but=len(cicd.lessons.published()) - 2, labs=False)
    passed = take_quiz(learner, cicd_quiz, wrong=misses_for_percent(cicd_quiz, cicd_quiz.pass_mark))
    failed = take_quiz(learner, cicd_quiz, wrong={q.key for q in cicd_quiz.questions.all()})
    return mindset, cicd, (mastered, passed, failed)


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_a_new_learner_sees_zero_and_where_to_start(curriculum, learner_client):
    page = learner_client.get(URL).content.decode()
    assert '<p class="score-big">0%</p>' in page
    assert "0 of 6 modules completed" in page
    first = module(curriculum, "devops-mindset").lessons.order_by("order").first()
    assert f"Continue where you left off: {first.title} (DevOps mindset and metrics)" in page
    assert "Active on 0 of the last" in page


def test_the_page_shows_overall_progress_states_bars_lessons_and_scores(curriculum, learner_client, history):
    page = learner_client.get(URL).content.decode()
    labs = Lab.objects.published().required().filter(module__path=curriculum)
    steps = Lesson.objects.filter(module__path=curriculum, published=True).count() + 6 + labs.count()  # quizzes, labs
    mindset_labs = labs.filter(module__slug="devops-mindset").count()
    overall = 100 * (5 + 1 + mindset_labs + 2 + 1) // steps  # floored
    assert f'<p class="score-big">{overall}%</p>' in page
    assert f'<progress max="100" value="{overall}" aria-label="Path progress">' in page
    assert "1 of 6 modules completed" in page

    mastered, passed, _failed = history[2]
    lessons = {m.slug: m.lessons.published().count() for m in (history[0], history[1])}
    mindset = row_of(page, "DevOps mindset and metrics")
    assert "badge state-mastered" in mindset and "Mastered" in mindset
    assert 'value="100"' in mindset and f"{lessons['devops-mindset']} / {lessons['devops-mindset']}" in mindset
    assert mindset.count(shown_percent(mastered.percent)) == 2  # best and last

    cicd = row_of(page, "CI/CD on AWS")
    assert "badge state-in_progress" in cicd
    cicd_labs = labs.filter(module__slug="cicd-on-aws").count()
    bar = 100 * 3 // (lessons["cicd-on-aws"] + 1 + cicd_labs)  # 2 lessons and the passed quiz, no lab; floored
    assert f'value="{bar}"' in cicd and f"{bar}%" in cicd
    assert f"2 / {lessons['cicd-on-aws']}" in cicd
    assert re.search(rf">{shown_percent(passed.percent)}</td>\s*<td class=\"num\">0%<", cicd)  # best, then last

    containers = row_of(page, "Containers on AWS")
    assert "badge state-locked" in containers and "—" in containers


def test_the_page_counts_lessons_completed_and_days_active_not_estimated_minutes(
    curriculum, learner, learner_client, history
):
    mindset, cicd, _attempts = history
    lessons = list(mindset.lessons.all()) + list(cicd.lessons.order_by("order")[:2])
    days = DailyActivity.objects.filter(user=learner).active().count()
    page = learner_client.get(URL).content.decode()
    assert f"{len(lessons)} lessons completed" in page
    assert f"active on {days} day{'' if days == 1 else 's'} in all" in page
    assert "minutes of study" not in page


def test_continue_goes_to_the_next_lesson_of_the_module_worked_on_last(curriculum, learner, learner_client, history):
    _, cicd, _ = history
    third = cicd.lessons.order_by("order")[2]
    assert f"Continue where you left off: {third.title} (CI/CD on AWS)" in learner_client.get(URL).content.decode()

    iac = module(curriculum, "infrastructure-as-code")
    services.complete_lesson(learner, iac.lessons.order_by("order").first())
    second = iac.lessons.order_by("order")[1]
    page = learner_client.get(URL).content.decode()
    assert f"Continue where you left off: {second.title} (Infrastructure as Code)" in page
    assert f'href="{second.get_absolute_url()}"' in page


def test_continue_goes_to_the_quiz_once_every_lesson_is_done(curriculum, learner, learner_client):
    mindset = module(curriculum, "devops-mindset")
    finish_lessons(learner, mindset)
    page = learner_client.get(URL).content.decode()
    assert "Continue where you left off: the module quiz (DevOps mindset and metrics)" in page
    assert f'href="{module_quiz(mindset).get_absolute_url()}"' in page


def test_the_calendar_counts_the_days_with_activity(learner, learner_client, history):
    page = learner_client.get(URL).content.decode()
    # Whole weeks from Monday, the last one up to today: 11 full weeks and this one so far.
    days = 7 * (CALENDAR_WEEKS - 1) + timezone.localdate(timezone=learner.zone).weekday() + 1
    assert f"Active on 1 of the last {days} days." in page
    assert page.count("<rect ") == days
    assert 'role="img"' in page and "<desc" in page  # a picture with a text alternative
    assert "Activity as a table" in page
    assert streak_shown(page) == "1 day in a row"


def test_the_calendar_and_streak_count_days_in_the_learners_time_zone(curriculum, learner, learner_client):
    learner.time_zone = "Pacific/Kiritimati"  # UTC+14: 12:00 UTC on the 10th is 02:00 on the 11th
    learner.save()
    lesson = module(curriculum, "devops-mindset").lessons.order_by("order").first()
    moment = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        services.complete_lesson(learner, lesson)
        page = learner_client.get(URL).content.decode()
    assert list(DailyActivity.objects.filter(user=learner).values_list("day", flat=True)) == [date(2026, 3, 11)]
    assert "<title>Wed 11 Mar: 1</title>" in page
    assert "<title>Tue 10 Mar: 0</title>" in page
    assert "Wed 11 Mar 2026" in page  # the table alternative
    assert streak_shown(page) == "1 day in a row"


def test_a_learner_west_of_utc_has_the_activity_on_the_day_before(curriculum, learner):
    learner.time_zone = "Pacific/Pago_Pago"  # UTC-11: 05:00 UTC on the 10th is 18:00 on the 9th
    learner.save()
    lesson = module(curriculum, "devops-mindset").lessons.order_by("order").first()
    with time_machine.travel(datetime(2026, 3, 10, 5, 0, tzinfo=UTC), tick=False):
        services.complete_lesson(learner, lesson)
    assert list(DailyActivity.objects.filter(user=learner).values_list("day", flat=True)) == [date(2026, 3, 9)]


def test_the_streak_counts_consecutive_days_up_to_today_or_yesterday():
    today = date(2026, 3, 11)
    days = {today, today - timedelta(days=1), today - timedelta(days=2), today - timedelta(days=4)}
    assert streak(days, today) == 3
    assert streak(days - {today}, today) == 2  # today has no activity yet: the streak is not broken
    assert streak({today - timedelta(days=2)}, today) == 0
    assert streak(set(), today) == 0


def test_the_streak_on_the_page_follows_the_days_of_activity(learner, learner_client):
    today = timezone.localdate(timezone=learner.zone)
    for back in (0, 1, 2, 5):
        DailyActivity.objects.create(user=learner, day=today - timedelta(days=back), lessons_completed=1)
    page = learner_client.get(URL).content.decode()
    assert streak_shown(page) == "3 days in a row"
    assert "Active on 4 of the last" in page


def test_the_page_shows_only_the_learners_own_progress(curriculum, learner_client, other_learner):
    complete_module(other_learner, module(curriculum, "devops-mindset"))
    page = learner_client.get(URL).content.decode()
    assert "0 of 6 modules completed" in page
    assert "badge state-mastered" not in page
    assert "Other Learner" not in page


def test_old_activity_counts_in_the_days_active_but_is_not_read_day_by_day(learner, learner_client):
    today = timezone.localdate(timezone=learner.zone)
    DailyActivity.objects.create(user=learner, day=today - timedelta(days=900), questions_answered=7)
    DailyActivity.objects.create(user=learner, day=today - timedelta(days=800))  # a row without an action
    DailyActivity.objects.create(user=learner, day=today, questions_answered=2)
    days, days_active = DailyActivity.history(learner.pk, since=today - timedelta(days=400), today=today)
    assert days_active == 2 and days == {today: 2}
    assert "active on 2 days in all" in learner_client.get(URL).content.decode()
    assert DailyActivity.history(learner.pk + 1000, since=today, today=today) == ({}, 0)
