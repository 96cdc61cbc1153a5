"""The lesson page: the rendered lesson, its place in the module, and the "Mark as complete" state."""

import pytest

from courses.models import Lesson, Module
from progress import services as progress_services
from tests.courses.conftest import elements

pytestmark = pytest.mark.django_db

MINDSET = "/paths/devops-on-aws/devops-mindset/"
FIRST = MINDSET + "what-devops-is/"
SECOND = MINDSET + "the-four-dora-metrics/"
LAST = MINDSET + "shift-left-fail-fast-and-learning/"
LOCKED = "/paths/devops-on-aws/cicd-on-aws/source-control-strategies/"


def lesson(curriculum, module: str, slug: str) -> Lesson:
    return Lesson.objects.get(module__path=curriculum, module__slug=module, slug=slug)


def test_anonymous_visitors_read_a_lesson_of_the_first_module_without_a_completion_button(client, curriculum):
    response = client.get(FIRST)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="lesson-title">What DevOps is: culture before tools</h1>' in html
    assert "Lesson 1 of 5 · about 15 minutes" in html
    assert '<h2 id="section-the-problem-devops-set-out-to-fix">The problem DevOps set out to fix</h2>' in html
    assert '<h2 id="takeaways-title">Key takeaways</h2>' in html
    assert "Reading as a guest." in html
    assert "Mark as complete" not in html
    assert "/complete/" not in html


def test_anonymous_visitors_are_sent_to_sign_up_for_lessons_of_other_modules(client, curriculum):
    response = client.get(LOCKED)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/signup/?next={LOCKED}"


def test_a_learner_can_mark_an_available_lesson_complete(learner_client, curriculum):
    html = learner_client.get(FIRST).content.decode()

    form = next(f for f in elements(html).find("form") if f.get("action", "").endswith("/complete/"))
    assert form["action"] == form["hx-post"] == FIRST + "complete/"
    assert form["method"] == "post"
    assert (form["hx-target"], form["hx-swap"]) == ("#completion", "innerHTML")
    assert "Mark as complete" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<span id="module-progress-text">0 of 5 lessons</span>' in html


def test_previous_and_next_lessons_are_linked_in_order(learner_client, curriculum):
    html = learner_client.get(SECOND).content.decode()

    assert f'<a href="{FIRST}" rel="prev">' in html
    assert f'<a href="{MINDSET}why-dora-metrics-matter/" rel="next">' in html
    assert "Lesson 2 of 5" in html
    assert f'<li aria-current="page"><a href="{SECOND}">' in html


def test_a_completed_lesson_says_so_and_offers_to_continue_or_undo(learner_client, learner, curriculum):
    progress_services.complete_lesson(learner, lesson(curriculum, "devops-mindset", "what-devops-is"))

    html = learner_client.get(FIRST).content.decode()

    assert "You completed this lesson." in html
    assert f'<a class="button" href="{SECOND}">Continue: The four DORA metrics' in html
    assert f'action="{FIRST}undo/"' in html
    assert "Mark as complete" not in html
    assert '<span id="module-progress-text">1 of 5 lessons</span>' in html
    assert '<span class="visually-hidden">(completed)</span>' in html


def test_the_last_lesson_continues_to_the_module_quiz(learner_client, learner, curriculum):
    progress_services.complete_lesson(
        learner, lesson(curriculum, "devops-mindset", "shift-left-fail-fast-and-learning")
    )
    quiz = curriculum.modules.get(slug="devops-mindset").quizzes.get()

    html = learner_client.get(LAST).content.decode()

    assert f'href="/quizzes/{quiz.pk}/">Continue to the module quiz</a>' in html
    assert 'rel="next"' not in html


def test_a_lesson_of_a_locked_module_is_readable_under_a_banner_naming_the_prerequisite(learner_client, curriculum):
    response = learner_client.get(LOCKED)

    assert response.status_code == 200
    html = response.content.decode()
    assert "You can read this lesson, but its module is locked: finish" in html
    assert f'<a href="{MINDSET}">DevOps mindset and metrics</a> first to mark it complete.' in html
    assert "Finish the prerequisite modules to mark this lesson complete." in html
    assert "Mark as complete" not in html
    assert "<h2" in html and "Where the code lives" in html


def test_staff_are_never_locked_out(client, instructor, curriculum):
    client.force_login(instructor)

    html = client.get(LOCKED).content.decode()

    assert "Mark as complete" in html
    assert "module is locked" not in html


def test_an_unpublished_lesson_is_not_found(learner_client, curriculum):
    Lesson.objects.filter(pk=lesson(curriculum, "devops-mindset", "the-four-dora-metrics").pk).update(published=False)

    assert learner_client.get(SECOND).status_code == 404
    assert "Lesson 2 of 4" in learner_client.get(MINDSET + "why-dora-metrics-matter/").content.decode()


def test_a_published_lesson_of_an_unpublished_module_is_not_found(client, learner_client, curriculum):
    Module.objects.filter(path=curriculum, slug="devops-mindset").update(published=False)

    assert learner_client.get(FIRST).status_code == 404
    client.logout()
    assert client.get(FIRST).status_code == 404


def test_an_unknown_lesson_is_not_found(learner_client, curriculum):
    assert learner_client.get(MINDSET + "no-such-lesson/").status_code == 404


def test_the_lesson_body_is_the_stored_sanitised_rendering(learner_client, curriculum):
    item = lesson(curriculum, "devops-mindset", "what-devops-is")
    Lesson.objects.filter(pk=item.pk).update(body_md="<script>alert(1)</script>", body_html="<p>Stored.</p>")

    html = learner_client.get(FIRST).content.decode()

    assert '<div class="prose"><p>Stored.</p></div>' in html
    assert "alert(1)" not in html


def test_the_lesson_page_runs_a_fixed_number_of_queries(client, learner, sized_path, django_assert_max_num_queries):
    progress_services.complete_lesson(learner, sized_path.modules.get(slug="m1").lessons.first())
    client.force_login(learner)

    for url in ("m1/l1/", "m1/l2/", "m2/l1/"):  # completed, open, locked
        client.get(f"/paths/{sized_path.slug}/{url}")  # per-worker caches filled, as in production
        with django_assert_max_num_queries(10):
            assert client.get(f"/paths/{sized_path.slug}/{url}").status_code == 200

    client.logout()
    with django_assert_max_num_queries(6):
        assert client.get(f"/paths/{sized_path.slug}/m1/l2/").status_code == 200
