"""Each worker keeps the published curriculum in memory, keyed on the content marker: an edit made
anywhere (admin save, bulk update, delete) shows on the next request, and a learner's page never
carries another request's objects."""

import pytest

from courses import catalog
from courses.models import LearningPath, Lesson, Module

pytestmark = pytest.mark.django_db

MINDSET = "/paths/devops-on-aws/devops-mindset/"


def test_a_saved_title_shows_on_the_next_request(client, curriculum):
    assert "What DevOps is" in client.get(MINDSET).content.decode()
    lesson = Lesson.objects.get(module__slug="devops-mindset", slug="what-devops-is")
    lesson.title = "DevOps, what it is and is not"
    lesson.save()
    curriculum.title = "A renamed learning path"
    curriculum.save()
    html = client.get(MINDSET).content.decode()
    assert "DevOps, what it is and is not" in html
    assert "A renamed learning path" in client.get("/").content.decode()


def test_bulk_updates_and_deletes_reach_the_cached_lessons(client, curriculum):
    assert client.get(f"{MINDSET}what-devops-is/").status_code == 200
    Lesson.objects.filter(module__slug="devops-mindset", slug="what-devops-is").update(published=False)
    assert client.get(f"{MINDSET}what-devops-is/").status_code == 404
    assert client.get(MINDSET).content.decode().count('<a class="lesson-title"') == 4
    Lesson.objects.filter(module__slug="devops-mindset", published=True).first().delete()
    assert client.get(MINDSET).content.decode().count('<a class="lesson-title"') == 3


def test_a_renamed_path_slug_is_found_and_the_old_one_is_404(client, curriculum):
    LearningPath.objects.filter(pk=curriculum.pk).update(slug="devops-2027")
    assert client.get("/paths/devops-2027/devops-mindset/").status_code == 200
    assert client.get(MINDSET).status_code == 404


def test_callers_get_copies_they_may_change(curriculum):
    marker = catalog.current_marker()
    module = Module.objects.get(slug="devops-mindset")
    first = catalog.published_lessons(module, marker)
    first[0].title = "changed by one request"
    assert catalog.published_lessons(module, marker)[0].title != "changed by one request"
    path = catalog.path_by_slug(curriculum.slug, marker)
    path.title = "changed"
    assert catalog.path_by_slug(curriculum.slug, marker).title == curriculum.title
    assert catalog.path_by_slug("no-such-path", marker) is None


def test_a_cached_lesson_still_reads_its_body_when_asked(curriculum):
    module = Module.objects.get(slug="devops-mindset")
    lesson = catalog.published_lessons(module, catalog.current_marker())[0]
    assert lesson.body_html == Lesson.objects.get(pk=lesson.pk).body_html != ""
    assert lesson.get_absolute_url() == f"{MINDSET}{lesson.slug}/"
