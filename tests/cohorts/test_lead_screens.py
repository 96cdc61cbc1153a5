"""The lead's screens (issue 14): the overview's figures before its modules, "Needs attention" counted
per reason, a member's drill-down with their attempts and the questions they keep missing, and an
activity chart with labelled axes and its numbers in words and in a table."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts import attention, overview
from demo.generator import Profile
from progress.models import ReviewCard
from progress.states import PathPlan
from quizzes.models import QuestionKind
from tests.cohorts.conftest import make_cohort
from tests.cohorts.test_dashboard import populate
from tests.factories import make_user
from tests.progress.helpers import take_quiz
from tests.quizzes.conftest import build_quiz

pytestmark = pytest.mark.django_db


def headers(html: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    return [re.sub(r"<[^>]+>|[▲▼]", "", cell).strip() for cell in re.findall(r"<th [^>]*>(.*?)</th>", head, re.S)]


def test_the_overview_shows_progress_last_activity_and_quiz_average_before_the_modules(lead_client, cohort):
    html = lead_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    titles = [m.title for m in cohort.path.modules.order_by("order")]
    assert headers(html) == ["Learner", "Progress", "Last activity", "Quiz average", *titles]
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[0] == "0%" and cells[1] == "—" and cells[2] == "—"  # the figures, in the headers' order
    assert all("badge state-" in cell for cell in cells[3:]) and len(cells) == 3 + len(titles)


def test_needs_attention_counts_learners_per_reason_and_lists_one_reason(lead_client, cohort):
    populate(
        cohort,
        5,
        profiles=[
            Profile(2, 5, 2, 1, 0.5),
            Profile(2, 5, 2, 1, 0.5),
            Profile(0, 0, 0, 20),
            Profile(6, skill=0.95),
            Profile(1, 2),
        ],
    )
    plan = PathPlan.of(cohort.path)
    items = attention.needs_attention(cohort, plan)
    counts = attention.counts(cohort, plan)
    assert counts["stuck"] >= 2 and counts["inactive"] >= 1
    assert counts["all"] == len(items)
    for kind in attention.KINDS:  # each count is the number of learners whose reasons include it
        assert counts[kind] == sum(kind in item.kinds for item in items), kind
    html = lead_client.get(f"/cohorts/{cohort.slug}/attention/").content.decode()
    for kind in attention.KINDS:
        n = counts[kind]
        assert re.search(rf'href="/cohorts/{cohort.slug}/attention/\?reason={kind}"><strong>{n}</strong>', html), kind
    stuck = lead_client.get(f"/cohorts/{cohort.slug}/attention/?reason=stuck").content.decode()
    listed = re.findall(r'<li class="card">', stuck)
    assert len(listed) == counts["stuck"]
    assert 'aria-current="true"><strong>' in stuck and "Show every reason" in stuck
    assert f"{counts['stuck']} learners need attention for this reason" in stuck  # the heading follows the filter
    every = lead_client.get(f"/cohorts/{cohort.slug}/attention/?reason=nonsense").content.decode()
    assert len(re.findall(r'<li class="card">', every)) == len(items)


def test_a_reason_count_stops_at_the_count_limit_and_a_reason_filter_is_paged(lead_client, cohort, monkeypatch):
    monkeypatch.setattr(overview, "COUNT_LIMIT", 2)
    monkeypatch.setattr(attention, "COUNT_LIMIT", 2)
    monkeypatch.setattr(attention, "PAGE_SIZE", 2)
    populate(cohort, 5, profiles=[Profile(0, 0, 0, 20)] * 5)  # five learners, all inactive
    cohort.memberships.update(joined_at=timezone.now() - timedelta(days=30))
    url = f"/cohorts/{cohort.slug}/attention/"
    html = lead_client.get(url).content.decode()
    assert "More than 2 learners need attention" in html
    assert re.search(rf'href="{url}\?reason=inactive"><strong>2\+</strong>', html)
    assert re.search(rf'href="{url}\?reason=stuck"><strong>0</strong>', html)
    first = lead_client.get(url, {"reason": "inactive"}).content.decode()
    following = re.search(r'rel="next" href="\?([^"]+)"', first).group(1).replace("&amp;", "&")
    assert following.startswith("reason=inactive&after=")  # the next page keeps the reason
    assert len(re.findall(r'<li class="card">', first)) == 2


@pytest.fixture
def drill(lead, learner):
    """A cohort on a path with a three-question quiz the learner took twice, missing q1 both times."""
    quiz = build_quiz(kinds=[QuestionKind.SINGLE], count=3, slug="drill", max_attempts=None, pass_mark=100)
    cohort = make_cohort(quiz.module.path, slug="drill", leads=[lead], members=[learner])
    for _ in range(2):
        take_quiz(learner, quiz, wrong={"q1-single"})
    return cohort, quiz


def test_the_drill_down_shows_the_members_attempts_and_the_questions_they_keep_missing(lead_client, learner, drill):
    cohort, quiz = drill
    html = lead_client.get(f"/cohorts/{cohort.slug}/members/{learner.pk}/").content.decode()
    assert "Progress of Lan Learner" in html
    attempts = html[html.index('id="attempts-title"') : html.index('id="missed-title"')]
    assert attempts.count("<tr>") == 3  # the header and two attempts
    assert "66%" in attempts and "Not passed" in attempts and quiz.title in attempts
    # the zone as a person reads it (was "()", then the raw "Asia/Ho_Chi_Minh")
    assert "times in Ho Chi Minh time (UTC+07:00), your time zone" in attempts and "Asia/" not in attempts
    missed = html[html.index('id="missed-title"') :]
    q1 = quiz.questions.get(key="q1-single")
    assert f'href="/cohorts/{cohort.slug}/questions/{q1.pk}/"' in missed
    assert "2 of 2 answers" in missed
    assert missed.count("<tr>") == 2  # the header and q1: q2 and q3 were right


def test_review_lapses_count_as_misses_too(lead_client, learner, drill):
    cohort, quiz = drill
    q2 = quiz.questions.get(key="q2-single")
    ReviewCard.objects.create(user=learner, question=q2, module=quiz.module, due=timezone.now(), lapses=2)
    html = lead_client.get(f"/cohorts/{cohort.slug}/members/{learner.pk}/").content.decode()
    missed = html[html.index('id="missed-title"') :]
    assert f"/questions/{q2.pk}/" in missed


def test_the_drill_down_is_the_leads_alone_and_runs_a_fixed_number_of_queries(client, lead, learner, drill):
    cohort, quiz = drill
    outsider = make_user("outsider")
    client.force_login(outsider)
    assert client.get(f"/cohorts/{cohort.slug}/members/{learner.pk}/").status_code == 404
    client.force_login(lead)
    url = f"/cohorts/{cohort.slug}/members/{learner.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        take_quiz(learner, quiz, wrong={"q1-single", "q2-single"})
    client.get(url)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few) <= 25


def test_the_activity_chart_has_labelled_axes_and_says_its_numbers(lead_client, cohort, curriculum):
    cohort.start_date = timezone.localdate() - timedelta(days=30)
    cohort.save()
    populate(cohort, 4)
    html = lead_client.get(f"/cohorts/{cohort.slug}/activity/").content.decode()
    chart = re.search(r'<svg class="bar-chart weekly-chart".*?</svg>', html, re.S).group(0)
    assert 'width="' not in chart.split(">", 1)[0]  # as wide as its card (CSS), not a fixed width
    assert "Week beginning (Monday)" in chart and "Count per week" in chart
    assert chart.count('class="axis"') == 2 and chart.count('class="grid-line"') >= 2
    assert re.search(r"The busiest began on .+ \(lessons completed: \d+; quiz attempts finished: \d+\)\.", html)
    assert "The numbers as a table" in html
