"""The module page: objectives, lessons with their state, the quiz, what unlocks next; who may open it."""

import pytest

from courses.models import Module
from progress import services as progress_services
from quizzes.models import Quiz
from tests.factories import make_path

pytestmark = pytest.mark.django_db

MINDSET = "/paths/devops-on-aws/devops-mindset/"
CICD = "/paths/devops-on-aws/cicd-on-aws/"


def test_anonymous_visitors_read_the_first_module_without_progress_or_quiz(client, curriculum):
    response = client.get(MINDSET)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>DevOps mindset and metrics</h1>" in html
    assert "What you will be able to do" in html
    assert html.count('<a class="lesson-title"') == 5
    assert f'href="{MINDSET}what-devops-is/">Start reading</a>' in html
    assert "to take the quiz and track your progress." in html
    assert "Take the quiz" not in html
    assert "<progress" not in html


def test_anonymous_visitors_are_sent_to_sign_up_for_any_other_module(client, curriculum):
    response = client.get(CICD)

    assert response.status_code == 302  # signing up unlocks it; the sign-up page links to log in
    assert response["Location"] == "/accounts/signup/?next=/paths/devops-on-aws/cicd-on-aws/"


def test_a_learner_sees_an_available_module_with_its_quiz_and_what_it_unlocks(learner_client, curriculum):
    html = learner_client.get(MINDSET).content.decode()

    assert '<span class="badge state-available">Available</span>' in html
    assert "0 of 5 lessons" in html
    assert f'href="{MINDSET}what-devops-is/">Start reading: What DevOps is: culture before tools</a>' in html
    assert "Take the quiz" in html
    assert "Unlocks next" in html
    assert f'<a href="{CICD}">CI/CD on AWS</a>' in html
    assert "/paths/devops-on-aws/infrastructure-as-code/" in html


def test_the_quiz_says_how_many_questions_an_attempt_asks_of_its_pool(learner_client, curriculum):
    quiz = Quiz.objects.get(module__slug="devops-mindset", lesson__isnull=True)
    asked, pool = quiz.questions_per_attempt(), quiz.questions.published().count()
    assert asked < pool  # the curriculum's quizzes draw 10 of a larger pool
    html = learner_client.get(MINDSET).content.decode()
    assert f"{asked} questions an attempt (drawn from {pool}) · pass mark" in html


def test_a_locked_module_names_its_prerequisite_and_keeps_the_quiz_closed(learner_client, curriculum):
    html = learner_client.get(CICD).content.decode()

    assert '<span class="badge state-locked">Locked</span>' in html
    assert "This module is locked. You can read its lessons" in html
    assert f'finish <a href="{MINDSET}">DevOps mindset and metrics</a> first.' in html
    assert "The quiz opens when the module is unlocked." in html
    assert "Take the quiz" not in html
    lessons = curriculum.modules.get(slug="cicd-on-aws").lessons.published().count()
    assert html.count('<a class="lesson-title"') == lessons, "the lessons stay readable"


def test_completed_lessons_are_marked_in_the_list(learner_client, learner, curriculum):
    first, second = curriculum.modules.get(slug="devops-mindset").lessons.published()[:2]
    progress_services.complete_lesson(learner, first)

    html = learner_client.get(MINDSET).content.decode()

    assert html.count('<li class="done">') == 1
    assert '<span class="visually-hidden">Completed · </span>' in html
    assert f"Continue: {second.title}" in html
    assert '<span class="badge state-in_progress">In progress</span>' in html


def test_a_module_completes_when_its_lessons_are_done_and_unlocks_the_next(client, learner):
    path = make_path(modules=2, lessons=2, with_quiz=False, slug="small")
    for lesson in path.modules.get(slug="m1").lessons.all():
        progress_services.complete_lesson(learner, lesson)
    client.force_login(learner)

    first = client.get("/paths/small/m1/").content.decode()
    second = client.get("/paths/small/m2/").content.decode()

    assert '<span class="badge state-mastered">Mastered</span>' in first  # no quiz, nothing overdue
    assert "2 of 2 lessons" in first
    assert '<span class="badge state-available">Available</span>' in second


def test_an_unpublished_module_is_not_found(learner_client, curriculum):
    Module.objects.filter(path=curriculum, slug="devops-mindset").update(published=False)

    assert learner_client.get(MINDSET).status_code == 404


def test_an_unknown_module_is_not_found(client, curriculum):
    assert client.get("/paths/devops-on-aws/no-such-module/").status_code == 404


def test_the_module_page_runs_a_fixed_number_of_queries(client, learner, sized_path, django_assert_max_num_queries):
    progress_services.complete_lesson(learner, sized_path.modules.get(slug="m1").lessons.first())
    client.force_login(learner)

    for module in ("m1", "m2"):  # in progress, then locked
        # one looks for the learner's timed-out attempts; one reads the quiz's pools (how many questions
        # an attempt asks), once per content version
        with django_assert_max_num_queries(14):
            assert client.get(f"/paths/{sized_path.slug}/{module}/").status_code == 200

    client.logout()
    with django_assert_max_num_queries(8):
        assert client.get(f"/paths/{sized_path.slug}/m1/").status_code == 200
