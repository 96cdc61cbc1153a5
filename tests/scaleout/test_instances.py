"""Two app instances on one database (and one Redis when REDIS_URL is set): what one instance writes,
the other shows at once. Each instance keeps per-process caches (the curriculum keyed by the content
marker, rendered fragments keyed by what they show); none of them may serve a state another instance
has changed."""

import pytest
from django.utils import timezone

from cohorts.models import Cohort
from courses.models import Lesson, Module
from tests.factories import PASSWORD, make_path
from tests.scaleout.instances import Visitor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def path(db):
    return make_path(modules=2, lessons=2, slug="scale", with_quiz=False)


def test_a_logout_on_one_instance_holds_on_the_other(instances, member):
    first, second = instances
    visitor = Visitor()
    visitor.log_in(first, "member", PASSWORD)
    assert visitor.get(second, "/accounts/me/").status == 200  # the session is every instance's
    kept = visitor.copy()  # the session cookie, kept by a copied browser profile (or a thief)

    assert visitor.post(first, "/accounts/logout/", form_from="/accounts/me/").status == 302
    for instance in (second, first):  # the second had read (and, with a cache, cached) the session
        answer = kept.copy().get(instance, "/accounts/me/")  # (a refusal also deletes the cookie)
        assert answer.status == 302 and "/accounts/login/" in answer.location


def test_a_content_edit_reaches_an_instance_that_cached_the_old_content(instances, member, path):
    first, second = instances
    visitor = Visitor()
    visitor.log_in(first, "member", PASSWORD)
    lesson_url = "/paths/scale/m1/l1/"
    for instance in instances:  # both render and cache the lesson, the module and the navigation
        assert "Lesson 1.1" in visitor.get(instance, lesson_url).text
        assert "Module 1" in visitor.get(instance, "/paths/scale/").text

    # An instructor's edit (saved by a third process: the test's own, through the same models).
    lesson = Lesson.objects.get(module__path=path, slug="l1", module__slug="m1")
    lesson.title = "Renamed lesson"
    lesson.save()
    Module.objects.filter(path=path, slug="m1").update(title="Renamed module")

    for instance in instances:
        page = visitor.get(instance, lesson_url).text
        assert "Renamed lesson" in page and "Lesson 1.1" not in page
        assert "Renamed module" in visitor.get(instance, "/paths/scale/").text


def test_progress_written_on_one_instance_shows_on_the_other(instances, member, path):
    first, second = instances
    visitor = Visitor()
    visitor.log_in(first, "member", PASSWORD)
    assert "0 of 2 lessons" in visitor.get(second, "/paths/scale/m1/").text  # cached on the second

    answer = visitor.post(first, "/paths/scale/m1/l1/complete/", form_from="/paths/scale/m1/l1/")
    assert answer.status == 302
    assert "1 of 2 lessons" in visitor.get(second, "/paths/scale/m1/").text
    assert "You completed this lesson." in visitor.get(second, "/paths/scale/m1/l1/").text

    visitor.post(second, "/paths/scale/m1/l1/undo/", form_from="/paths/scale/m1/l1/")
    assert "0 of 2 lessons" in visitor.get(first, "/paths/scale/m1/").text


def test_a_new_lead_sees_the_cohorts_link_on_an_instance_that_cached_the_old_header(instances, member, path):
    first, second = instances
    visitor = Visitor()
    visitor.log_in(first, "member", PASSWORD)
    assert 'href="/cohorts/"' not in visitor.get(second, "/paths/scale/").text  # header cached on the second

    cohort = Cohort.objects.create(name="Scale", slug="scale", path=path, start_date=timezone.localdate())
    cohort.leads.add(member)  # made a lead elsewhere (the admin of another instance)
    for instance in instances:
        assert 'href="/cohorts/"' in visitor.get(instance, "/paths/scale/").text
