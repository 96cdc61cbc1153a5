"""Marking a lesson complete (and undoing it): a plain POST and redirect without JavaScript, a fragment
with the out-of-band module progress for htmx, CSRF enforced, nothing written for a locked module."""

import re

import pytest
from django.test import Client

from courses.models import Lesson
from progress.models import DailyActivity, LessonCompletion, ModuleProgress
from tests.courses.conftest import elements

pytestmark = pytest.mark.django_db

MINDSET = "/paths/devops-on-aws/devops-mindset/"
FIRST = MINDSET + "what-devops-is/"
LOCKED = "/paths/devops-on-aws/cicd-on-aws/source-control-strategies/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def nothing_written(user) -> bool:
    return not (
        LessonCompletion.objects.filter(user=user).exists()
        or ModuleProgress.objects.filter(user=user).exists()
        or DailyActivity.objects.filter(user=user).exists()
    )


def test_without_javascript_completing_redirects_back_to_the_lesson_which_says_so(learner_client, learner, curriculum):
    response = learner_client.post(FIRST + "complete/")

    assert response.status_code == 302
    assert response["Location"] == FIRST
    page = learner_client.get(response["Location"]).content.decode()
    assert "You completed this lesson." in page
    assert '<span id="module-progress-text">1 of 5 lessons</span>' in page
    completion = LessonCompletion.objects.get(user=learner)
    assert completion.lesson.slug == "what-devops-is"
    assert ModuleProgress.objects.get(user=learner, module=completion.lesson.module).lessons_completed == 1


def test_with_htmx_completing_returns_only_the_fragment_and_the_module_progress(learner_client, learner, curriculum):
    response = learner_client.post(FIRST + "complete/", **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<header" not in html and "<h1" not in html
    assert html.lstrip().startswith('<h2 id="completion-title"'), "the inside of section#completion"
    assert "You completed this lesson." in html
    assert "data-focus-after-swap" in html
    sidebar = next(d for d in elements(html).find("div") if d.get("id") == "module-sidebar")
    assert sidebar["hx-swap-oob"] == "true"
    assert '<span id="module-progress-text">1 of 5 lessons</span>' in html
    assert LessonCompletion.objects.filter(user=learner).count() == 1


def test_undo_works_without_javascript_and_with_htmx(learner_client, learner, curriculum):
    learner_client.post(FIRST + "complete/")

    response = learner_client.post(FIRST + "undo/")
    assert response.status_code == 302 and response["Location"] == FIRST
    assert not LessonCompletion.objects.filter(user=learner).exists()
    assert "Mark as complete" in learner_client.get(FIRST).content.decode()

    learner_client.post(FIRST + "complete/")
    fragment = learner_client.post(FIRST + "undo/", **HTMX).content.decode()
    assert "Mark as complete" in fragment
    assert '<span id="module-progress-text">0 of 5 lessons</span>' in fragment
    assert not LessonCompletion.objects.filter(user=learner).exists()
    assert ModuleProgress.objects.get(user=learner).lessons_completed == 0


def test_completing_twice_keeps_one_completion(learner_client, learner, curriculum):
    learner_client.post(FIRST + "complete/")
    learner_client.post(FIRST + "complete/", **HTMX)

    assert LessonCompletion.objects.filter(user=learner).count() == 1
    assert DailyActivity.objects.get(user=learner).lessons_completed == 1


def test_completing_a_lesson_of_a_locked_module_is_refused_saying_why(learner_client, learner, curriculum):
    for headers in ({}, HTMX):
        response = learner_client.post(LOCKED + "complete/", **headers)

        assert response.status_code == 403
        html = response.content.decode()
        assert "This module is locked: finish “DevOps mindset and metrics” first" in html
    assert nothing_written(learner)


def test_undoing_in_a_locked_module_is_refused_too(learner_client, learner, curriculum):
    assert learner_client.post(LOCKED + "undo/").status_code == 403
    assert nothing_written(learner)


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_written(client, curriculum):
    response = client.post(FIRST + "complete/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not LessonCompletion.objects.exists()


def test_completion_accepts_only_post(learner_client, learner, curriculum):
    assert learner_client.get(FIRST + "complete/").status_code == 405
    assert learner_client.get(FIRST + "undo/").status_code == 405
    assert nothing_written(learner)


def test_csrf_is_enforced_on_completion(learner, curriculum):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)

    assert client.post(FIRST + "complete/").status_code == 403
    assert client.post(FIRST + "complete/", **HTMX).status_code == 403
    assert nothing_written(learner)

    page = client.get(FIRST).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(FIRST + "complete/", {"csrfmiddlewaretoken": token}).status_code == 302
    # htmx sends the token from <body hx-headers> as a header.
    header = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    assert client.post(FIRST + "undo/", HTTP_X_CSRFTOKEN=header, **HTMX).status_code == 200
    assert not LessonCompletion.objects.filter(user=learner).exists()


def test_an_unpublished_lesson_cannot_be_completed(learner_client, learner, curriculum):
    Lesson.objects.filter(module__path=curriculum, slug="what-devops-is").update(published=False)

    assert learner_client.post(FIRST + "complete/").status_code == 404
    assert nothing_written(learner)


def test_completion_runs_a_fixed_number_of_queries(client, learner, sized_path, django_assert_max_num_queries):
    client.force_login(learner)
    base = f"/paths/{sized_path.slug}/m1/"

    # Each includes the one query for the learner's timed-out attempts (progress.states.learner_statuses),
    # the module's required labs (progress counts them) and the learner's kept cohort figures, refreshed
    # in the same transaction (cohorts.receivers: progress changed, an active day recorded).
    with django_assert_max_num_queries(36):  # the first completion creates the progress rows
        assert client.post(base + "l1/complete/").status_code == 302
    with django_assert_max_num_queries(38):
        assert client.post(base + "l2/complete/", **HTMX).status_code == 200
    with django_assert_max_num_queries(38):
        assert client.post(base + "l2/undo/", **HTMX).status_code == 200
