"""The learning path page (/ and /paths/<slug>/): the map, the modules and their state for the visitor,
each module once in the checklist (a phone's map), and the learner's activity."""

import re
from datetime import timedelta

import pytest

from courses.models import LearningPath, Module
from progress import services as progress_services
from progress.models import DailyActivity
from tests.courses.conftest import elements

pytestmark = pytest.mark.django_db

MODULE_TITLES = [
    "DevOps mindset and metrics",
    "CI/CD on AWS",
    "Infrastructure as Code",
    "Containers on AWS",
    "Monitoring and observability",
    "DevOps best practices and incident management",
]


def test_the_home_page_is_the_path_for_anonymous_visitors(client, curriculum):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="path-title">DevOps on AWS</h1>' in html
    for title in MODULE_TITLES:
        assert title in html
    assert "Sign up to track your progress" in html
    assert 'href="/paths/devops-on-aws/devops-mindset/">Start reading: DevOps mindset and metrics</a>' in html
    assert html.count("Sign up, then finish those to open it.") == 5
    assert "modules completed" not in html


def test_the_path_page_and_the_home_page_show_the_same_path(learner_client, curriculum):
    home = learner_client.get("/")
    page = learner_client.get("/paths/devops-on-aws/")

    assert page.status_code == 200
    assert (
        page.content.decode().count('class="checklist-module')
        == home.content.decode().count('class="checklist-module')
        == 6
    )


def test_a_learner_sees_each_module_state_and_what_unlocks_it(learner_client, curriculum):
    html = learner_client.get("/").content.decode()

    assert html.count('class="checklist-module checklist-available') == 1
    assert html.count('class="checklist-module checklist-locked') == 5
    assert html.count('<span class="checklist-state" aria-hidden="true">Locked</span>') == 5
    assert "Locked: finish “DevOps mindset and metrics” first." in html
    assert "Locked: finish “CI/CD on AWS”, “Infrastructure as Code” first." in html
    assert '<p class="stat"><strong>0 / 6</strong> modules completed</p>' in html
    start = (
        'href="/paths/devops-on-aws/devops-mindset/what-devops-is/">'
        "Start here: What DevOps is: culture before tools</a>"
    )
    assert start in html
    assert "Sign up" not in html


def test_progress_in_a_module_shows_on_the_path(learner_client, learner, curriculum):
    lesson = curriculum.modules.get(slug="devops-mindset").lessons.published().first()
    progress_services.complete_lesson(learner, lesson)

    html = learner_client.get("/").content.decode()

    assert 'class="checklist-module checklist-in_progress is-current"' in html
    assert ">In progress · 16%</span>" in html  # 1 of 5 lessons and the quiz: 16.7 %, floored


def test_the_map_draws_every_module_and_every_prerequisite_arrow(client, curriculum):
    html = client.get("/").content.decode()

    svg = elements(html)  # the map once (a desk's); a phone's map is the checklist
    assert len(svg.find("rect")) == 6
    assert len([p for p in svg.find("path") if p.get("class") == "map-edge"]) == 7
    assert [s.get("role") for s in svg.find("svg")][-1:] == ["group"]
    links = [a["aria-label"] for a in svg.find("a") if a.get("aria-label", "").startswith("Module ")]
    # The same map, in words, as an ordered list a screen reader can follow: each module's link named
    # as its box is, state and all.
    assert links[:6] == links[6:] and len(links) == 2 * 6
    assert "Module 1: DevOps mindset and metrics, Available · 0%" in links
    assert '<ol class="checklist">' in html
    assert "Requires: CI/CD on AWS, Monitoring and observability" in html


def test_each_module_is_listed_once_with_the_facts_its_card_had(learner_client, learner, curriculum):
    """Issue 14: the path listed each module three times (checklist, map for a phone, cards): now the
    checklist holds each module once with its lessons, time, quiz, what it waits for and its reviews;
    the map is drawn once, for a desk."""
    html = learner_client.get("/").content.decode()

    assert "module-card" not in html and html.count('<figure class="path-map">') == 1
    for title in MODULE_TITLES:
        assert html.count(f">{title}</a>") == 1
    checklist = html.split('<ol class="checklist">', 1)[1].split("</section>", 1)[0]
    assert checklist.count("5 lessons") == 4 and checklist.count("8 lessons") == 2
    assert "about 80 min" in checklist and checklist.count("<span>quiz</span>") == 6
    assert "Locked: finish “CI/CD on AWS”, “Infrastructure as Code” first." in checklist
    assert "Why DevOps is a way of working" in checklist  # the current module's summary only
    assert "Package applications as container images" not in html


def test_an_unpublished_module_is_not_on_the_path(client, curriculum):
    Module.objects.filter(path=curriculum, slug="observability").update(published=False)

    html = client.get("/").content.decode()

    assert "Monitoring and observability" not in html
    assert html.count('class="checklist-module') == 5


def test_an_unknown_path_is_not_found(client, curriculum):
    assert client.get("/paths/no-such-path/").status_code == 404


def test_the_home_page_explains_when_no_content_is_loaded(client, curriculum):
    LearningPath.objects.all().delete()

    response = client.get("/")

    assert response.status_code == 200
    assert "No course content yet" in response.content.decode()


def test_the_path_page_runs_a_fixed_number_of_queries(client, learner, sized_path, django_assert_max_num_queries):
    progress_services.complete_lesson(learner, sized_path.modules.get(slug="m1").lessons.first())
    client.force_login(learner)
    url = f"/paths/{sized_path.slug}/"

    with django_assert_max_num_queries(11):  # 2 of them the learner's activity (progress.activity)
        response = client.get(url)
    assert response.content.decode().count('class="checklist-module') == sized_path.modules.count()

    client.logout()
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200


def test_the_path_shows_a_checklist_of_modules_and_the_current_modules_lessons(learner_client, learner, curriculum):
    """A learner's first screen: every module with its state, the lessons of the module in progress
    (done or not), and one button to the next lesson, "Start here" before anything is done."""
    mindset = Module.objects.get(slug="devops-mindset")
    lessons = list(mindset.lessons.filter(published=True).order_by("order"))
    progress_services.complete_lesson(learner, lessons[0])
    html = learner_client.get("/").content.decode()
    checklist = html.split('<section class="card path-checklist"', 1)[1].split("</section>", 1)[0]
    for title in MODULE_TITLES:
        assert title in checklist
    assert checklist.count('class="checklist-module checklist-locked') == 5
    assert 'class="checklist-module checklist-in_progress is-current"' in checklist
    items = checklist.split('<ol class="checklist-lessons"', 1)[1].split("</ol>", 1)[0]
    assert items.count("<li") == len(lessons)
    assert items.count("(completed)") == 1
    assert f"{lessons[1].title}</a>" in items
    assert f'/{lessons[1].slug}/">Continue: {lessons[1].title}</a>' in html
    assert "Start here" not in html


def activity_of(html: str) -> str:
    found = re.search(r'<section class="activity".*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_the_path_shows_the_learners_streak_and_last_seven_days_in_words(learner_client, learner, curriculum):
    """Issue 14: the streak was a bare number on another page. The path shows it, the days active in
    all and the last seven days as squares, each with its weekday and, for a screen reader, whether
    the learner was active that day (a sign and words, not colour alone). No new tracking: the days
    are DailyActivity's."""
    today = progress_services.local_day(learner)
    for back in (1, 2, 5, 30):
        DailyActivity.add(learner.pk, today - timedelta(days=back), {"lessons_completed": 1})
    progress_services.complete_lesson(learner, curriculum.modules.get(slug="devops-mindset").lessons.first())

    activity = activity_of(learner_client.get("/").content.decode())

    assert "<strong>3</strong> days in a row · active on 5 days in all" in activity
    assert activity.count('<li class="activity-day') == 7
    assert activity.count("is-active") == 4 and activity.count("✓") == 4
    assert "Today: active" in activity
    missed = (today - timedelta(days=3)).strftime("%A")
    assert f"{missed}: not active" in activity


def test_a_new_learner_and_a_visitor_see_no_activity_yet(client, learner_client, curriculum):
    assert activity_of(learner_client.get("/").content.decode()) == ""
    assert activity_of(client.get("/").content.decode()) == ""
