"""The overview, needs attention, questions and activity pages, and the CSV export."""

import csv
import html
import io
import random
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts.questions import cohort_questions, snapshot
from demo.generator import Profile, generate_learners, load_profiles
from demo.seeds import create_learners
from progress.models import ModuleProgress, ReviewCard
from progress.states import PathPlan, State, progress_rows, state_conditions
from quizzes.models import Attempt, Question, Response, ResponseChoice
from tests.cohorts.conftest import make_cohort
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def populate(cohort, count, *, seed=1, profiles=None):
    rng = random.Random(seed)
    users = create_learners(
        cohort, [f"m{seed}-{i:04d}" for i in range(count)], "!", rng, timezone.now() - timedelta(days=40)
    )
    cohort.start_date = timezone.localdate() - timedelta(days=40)
    cohort.save()
    profiles = profiles or [
        Profile(rng.randint(0, 2), rng.randint(0, 4), rng.randint(0, 2), rng.randint(0, 20), rng.uniform(0.4, 0.95))
        for _ in users
    ]
    generate_learners(cohort, users, profiles, today=timezone.localdate(), seed=seed)
    if connection.vendor == "postgresql":
        # The rows are this test's, uncommitted: tables the autovacuum analysed while empty make the
        # planner expect one row and pick nested loops over thousands (minutes for the question
        # statistics). ANALYZE in the transaction counts the transaction's own rows.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE accounts_user, cohorts_membership, quizzes_attempt, quizzes_response, "
                "quizzes_responsechoice, progress_moduleprogress, progress_reviewcard, progress_dailyactivity, "
                "progress_lessoncompletion"
            )
    return users


def test_overview_lists_members_with_a_state_per_module(lead_client, cohort, curriculum):
    users = populate(
        cohort,
        6,
        profiles=[
            Profile(6, skill=0.95),
            Profile(2, 5, 2, 1, 0.5),
            Profile(0, 0, 0, -1),
            Profile(1, 2),
            Profile(3, 1),
            Profile(0, 3),
        ],
    )
    html = lead_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    for user in users:
        assert user.username in html
    assert "7 learners shown of 7." in html
    assert html.count('class="badge state-') == 7 * 6  # every member x module cell has a text label
    assert "Mastered" in html or "Completed" in html
    assert "quiz failed ×2" in html


def test_overview_filters_by_state_and_module_and_text(lead_client, cohort, curriculum):
    populate(
        cohort,
        5,
        profiles=[
            Profile(2, 5, 2, 1, 0.5),
            Profile(2, 5, 3, 1, 0.5),
            Profile(3, 0),
            Profile(0, 1),
            Profile(6, skill=0.95),
        ],
    )
    iac = curriculum.modules.get(slug="infrastructure-as-code")
    response = lead_client.get(f"/cohorts/{cohort.slug}/", {"module": iac.pk, "state": "stuck"})
    html = response.content.decode()
    assert "2 learners shown of 6." in html
    assert "m1-0000" in html and "m1-0001" in html and "m1-0002" not in html
    response = lead_client.get(f"/cohorts/{cohort.slug}/", {"q": "m1-0003"})
    assert "1 learner shown of 6." in response.content.decode()
    response = lead_client.get(f"/cohorts/{cohort.slug}/", {"q": "nobody-like-this"})
    assert "No learner matches these filters" in response.content.decode()


def test_overview_htmx_request_returns_only_the_table(lead_client, cohort):
    response = lead_client.get(f"/cohorts/{cohort.slug}/", {"sort": "-progress"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="overview-table"')
    assert "<html" not in html and "<form" not in html


def test_overview_sorts_by_any_column(lead_client, cohort, curriculum):
    populate(cohort, 4, profiles=[Profile(0, 1), Profile(6, skill=0.95), Profile(2, 2), Profile(4, 1)])
    html = lead_client.get(f"/cohorts/{cohort.slug}/", {"sort": "-progress"}).content.decode()
    order = [html.index(name) for name in ("m1-0001", "m1-0003", "m1-0002", "m1-0000")]
    assert order == sorted(order)
    mindset = curriculum.modules.get(slug="devops-mindset")
    html = lead_client.get(f"/cohorts/{cohort.slug}/", {"sort": f"-m{mindset.pk}"}).content.decode()
    assert html.index("m1-0001") < html.index("m1-0000")  # completed before in progress
    assert 'aria-sort="descending"' in html
    for sort in ("name", "-name", "activity", "-activity", "quiz", "-quiz", "joined", "bogus", f"m{mindset.pk}"):
        assert lead_client.get(f"/cohorts/{cohort.slug}/", {"sort": sort}).status_code == 200


def test_overview_is_paginated_at_fifty(lead_client, cohort):
    populate(cohort, 55, profiles=[Profile(0, 0, 0, -1)] * 55)
    first = lead_client.get(f"/cohorts/{cohort.slug}/").content.decode()
    assert first.count('<th scope="row">') == 50 and 'rel="prev"' not in first
    following = html.unescape(re.search(r'rel="next" href="([^"]+)"', first).group(1))
    second = lead_client.get(f"/cohorts/{cohort.slug}/{following}").content.decode()
    assert second.count('<th scope="row">') == 6 and 'rel="next"' not in second
    back = html.unescape(re.search(r'rel="prev" href="([^"]+)"', second).group(1))
    again = lead_client.get(f"/cohorts/{cohort.slug}/{back}").content.decode()
    assert re.findall(r'<th scope="row">.*?</th>', again) == re.findall(r'<th scope="row">.*?</th>', first)
    for bogus in ("x", "eyJ4IjoxfQ", "WzAsWyJhIl1d", "WzksWzFdXQ", "WzAsWyIiLCIiLCJ4Il1d"):
        response = lead_client.get(f"/cohorts/{cohort.slug}/", {"after": bogus})
        assert response.status_code == 200 and response.content.decode().count('<th scope="row">') == 50


def test_sql_state_conditions_agree_with_the_python_rule(cohort, curriculum):
    rng = random.Random(5)
    populate(cohort, 30, profiles=load_profiles(30, rng))
    plan = PathPlan.of(curriculum)
    user_ids = list(cohort.memberships.values_list("user_id", flat=True))
    python = plan.statuses_for(user_ids)
    for module_index, module in enumerate(plan.modules):
        conditions = state_conditions(module, plan.edges[module.pk])
        for state in State.ORDER:
            members = cohort.memberships.alias(**progress_rows([m.pk for m in plan.modules]))
            sql = set(members.filter(conditions[state]).values_list("user_id", flat=True))
            expected = {uid for uid in user_ids if python[uid][module_index].state == state}
            assert sql == expected, (module.slug, state)


def test_needs_attention_names_each_rule_with_its_reason(lead_client, cohort, curriculum, learner):
    users = populate(
        cohort,
        4,
        profiles=[
            Profile(2, 5, 3, 1, 0.4),
            Profile(1, 2, inactive_days=15),
            Profile(1, 1, inactive_days=1),
            Profile(1, 0, inactive_days=2),
        ],
    )
    stuck, quiet, fine, piled = users
    cohort.memberships.filter(user=learner).update(joined_at=timezone.now() - timedelta(days=10))
    cards = [
        ReviewCard(user=piled, question=q, module=q.quiz.module, due=timezone.now() - timedelta(days=3))
        for q in Question.objects.filter(quiz__module__slug="devops-mindset")[:6]
    ]
    ReviewCard.objects.filter(user=piled).delete()
    ReviewCard.objects.bulk_create(cards)
    html = lead_client.get(f"/cohorts/{cohort.slug}/attention/").content.decode()
    assert "Failed the “Infrastructure as Code” quiz 3 times without passing" in html
    assert re.search(r"Inactive for 1[4-9] days", html), "the learner quiet since about 15 days ago"
    assert "6 review cards overdue by more than a day" in html
    assert "No activity since joining" in html  # learner1 joined ten days ago and did nothing
    assert fine.username not in html


def test_needs_attention_is_empty_for_a_cohort_on_track(lead_client, curriculum, lead):
    cohort = make_cohort(curriculum, slug="fresh", leads=[lead])
    html = lead_client.get(f"/cohorts/{cohort.slug}/attention/").content.decode()
    assert "Everyone is on track" in html


def test_question_statistics_on_a_hand_computed_example(lead_client, cohort, curriculum, other_learner):
    """4 members answer one question (3 right, 1 wrong); a non-member's wrong answers do not count."""
    quiz = curriculum.modules.get(slug="devops-mindset").quizzes.get()
    question = quiz.questions.filter(kind="single").order_by("order").first()
    right = question.choices.get(is_correct=True)
    wrong = question.choices.filter(is_correct=False).order_by("order").first()
    members = [make_user(f"s{i}") for i in range(4)]
    cohort.memberships.bulk_create([cohort.memberships.model(cohort=cohort, user=u) for u in members])
    for user, choice in zip(
        [*members, other_learner, other_learner], [right, right, right, wrong, wrong, wrong], strict=False
    ):
        number = Attempt.objects.filter(user=user, quiz=quiz).count() + 1
        attempt = Attempt.objects.create(
            user=user,
            quiz=quiz,
            number=number,
            submitted_at=timezone.now(),
            score=1 if choice.is_correct else 0,
            max_score=1,
            question_order=[question.pk],
        )
        response = Response.objects.create(
            attempt=attempt,
            question=question,
            answer={"choices": [choice.pk]},
            answer_text=choice.text,
            fraction=1 if choice.is_correct else 0,
            points=1 if choice.is_correct else 0,
            is_correct=choice.is_correct,
        )
        ResponseChoice.objects.create(response=response, choice=choice)
    rows = cohort_questions(cohort, PathPlan.of(cohort.path), snapshot(cohort))
    assert len(rows) == 1
    found, stats = rows[0]
    assert found == question and stats.responses == 4
    assert stats.facility == pytest.approx(0.75)
    assert stats.top_wrong == wrong.text and stats.top_wrong_count == 1
    html = lead_client.get(f"/cohorts/{cohort.slug}/questions/").content.decode()
    assert "75%" in html and wrong.text in html
    detail = lead_client.get(f"/cohorts/{cohort.slug}/questions/{question.pk}/")
    assert detail.status_code == 200 and right.text in detail.content.decode()


def test_the_question_list_shows_prompts_as_plain_text_not_markdown(lead_client, cohort, curriculum, learner):
    quiz = curriculum.modules.get(slug="devops-mindset").quizzes.get()
    question = quiz.questions.filter(kind="single").order_by("order").first()
    question.prompt_md = "Which file is **exactly one** `buildspec.yml` per <b>project</b>?"
    question.save()
    choice = question.choices.get(is_correct=True)
    attempt = Attempt.objects.create(
        user=learner,
        quiz=quiz,
        number=1,
        submitted_at=timezone.now(),
        score=1,
        max_score=1,
        question_order=[question.pk],
    )
    response = Response.objects.create(
        attempt=attempt,
        question=question,
        answer={"choices": [choice.pk]},
        answer_text=choice.text,
        fraction=1,
        points=1,
        is_correct=True,
    )
    ResponseChoice.objects.create(response=response, choice=choice)

    html = lead_client.get(f"/cohorts/{cohort.slug}/questions/").content.decode()

    assert "Which file is exactly one buildspec.yml per project?" in html
    assert "**" not in html and "`" not in html and "&lt;b&gt;" not in html


def test_activity_page_charts_weeks_and_the_funnel_with_tables(lead_client, cohort):
    populate(
        cohort, 5, profiles=[Profile(6, skill=0.95), Profile(2, 3), Profile(1, 1), Profile(0, 2), Profile(0, 0, 0, -1)]
    )
    html = lead_client.get(f"/cohorts/{cohort.slug}/activity/").content.decode()
    assert '<svg class="bar-chart weekly-chart"' in html and "The numbers as a table" in html
    assert "1 / 6" in html  # one of six members completed the last module


def parse_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_export_has_a_header_and_one_row_per_member(lead_client, lead, cohort, curriculum, learner):
    learner.display_name = 'Nguyễn Thị, "Lan"'
    learner.save()
    populate(cohort, 3, profiles=[Profile(6, skill=0.95), Profile(2, 5, 2, 1, 0.5), Profile(0, 0, 0, -1)])
    response = lead_client.get(f"/cohorts/{cohort.slug}/export.csv?headers=slugs")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = parse_csv(response)
    header, body = rows[0], rows[1:]
    modules = PathPlan.of(cohort.path).modules
    zone = lead.zone.key  # the viewer's zone, named in the header
    assert header[:6] == [
        "username",
        "display_name",
        f"joined_at ({zone})",
        "progress_percent",
        "last_active_day (learner's time zone)",
        "quiz_average",
    ]
    assert len(header) == 6 + 2 * len(modules)
    assert len(body) == 4
    by_name = {row[0]: row for row in body}
    assert by_name["learner1"][1] == '\'Nguyễn Thị, "Lan"'  # a separator in a cell: marked as text
    finished = by_name["m1-0000"]
    assert finished[3] == "100"
    assert all(finished[6 + 2 * i] in ("completed", "mastered") for i in range(len(modules)))
    stuck = by_name["m1-0001"]
    assert stuck[6 + 2 * 2] == "in_progress"  # the IaC quiz, failed twice
    fresh = by_name["m1-0002"]
    assert fresh[3] == "0" and fresh[6] == "available" and fresh[8] == "locked"


def test_every_dashboard_page_runs_a_fixed_number_of_queries(lead_client, cohort, django_assert_max_num_queries):
    module = PathPlan.of(cohort.path).modules[1].pk
    pages = [
        "",
        "?sort=-progress&state=in_progress",
        "attention/",
        "questions/",
        f"questions/?module={module}&sort=-responses&page=2&mpage=2",
        "activity/",
        "roster/?page=1",
        "export.csv",
    ]
    counts = {}
    for size in (25, 250):
        ModuleProgress.objects.filter(user__memberships__cohort=cohort).delete()
        cohort.memberships.all().delete()
        populate(cohort, size, seed=size)
        for page in pages:
            warm = lead_client.get(f"/cohorts/{cohort.slug}/{page}")  # per-worker caches filled, as in production
            if page.endswith(".csv"):
                b"".join(warm.streaming_content)
            with CaptureQueriesContext(connection) as captured:
                response = lead_client.get(f"/cohorts/{cohort.slug}/{page}")
                if page.endswith(".csv"):
                    b"".join(response.streaming_content)
            counts.setdefault(page, []).append(len(captured))
    for page, (small, large) in counts.items():
        assert large == small, f"{page or 'overview'}: {small} queries for 25 members, {large} for 250"
        assert large <= 20, page


def test_the_demo_cohort_has_something_to_show(client, curriculum, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    from accounts.models import User

    lead = User.objects.get(username="lead")
    assert lead.check_password("devops-demo")
    client.force_login(lead)
    html = client.get("/cohorts/demo-cohort/attention/").content.decode()
    assert "Failed the “Infrastructure as Code” quiz" in html
    assert "Inactive for 1" in html or "Inactive for 2" in html  # two weeks and more
    overview = client.get("/cohorts/demo-cohort/").content.decode()
    assert "25 learners shown of 25." in overview
    assert "Completed" in overview and "Mastered" in overview


def test_seed_load_is_idempotent(curriculum):
    from demo.seeds import seed_load

    first = seed_load(learners=12, seed=3)
    assert "12 learners" in first
    assert "unchanged" in seed_load(learners=12, seed=3)
