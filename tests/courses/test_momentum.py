"""A sense of momentum: a lesson's bar shows where it stands in its module (one segment a lesson,
done, this one, to read) and is brought up to date after an htmx completion; the end of a lesson
names the next step (the next lesson, else the module quiz, else the module); the module page marks
the lesson that is up next for a learner, not for a visitor."""

import re

import pytest
from django.test import Client

from progress import services as progress_services
from tests.courses.test_lesson_page import FIRST, LAST, MINDSET, SECOND, lesson

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def segments(html: str) -> list[str]:
    bar = re.search(r'<ol class="step-bar" id="lesson-steps" aria-hidden="true"[^>]*>(.*?)</ol>', html).group(1)
    return [" ".join(found.split()) for found in re.findall(r'<li class="([^"]*)">', bar)]


def test_the_bar_shows_each_lesson_done_this_one_and_to_read(learner_client, learner, curriculum):
    progress_services.complete_lesson(learner, lesson(curriculum, "devops-mindset", "what-devops-is"))

    html = learner_client.get(SECOND).content.decode()

    assert "Lesson 2 of 5" in html
    assert segments(html) == ["is-done", "is-current", "", "", ""]


def test_after_an_htmx_completion_the_bar_is_swapped_out_of_band_with_this_lesson_done(learner_client, curriculum):
    html = learner_client.post(FIRST + "complete/", **HTMX).content.decode()

    assert '<ol class="step-bar" id="lesson-steps" aria-hidden="true" hx-swap-oob="true">' in html
    assert segments(html) == ["is-done is-current", "", "", "", ""]


def test_a_lesson_names_the_next_one_and_the_last_names_the_module_quiz(learner_client, curriculum):
    quiz = curriculum.modules.get(slug="devops-mindset").quizzes.get()

    first = learner_client.get(FIRST).content.decode()
    last = learner_client.get(LAST).content.decode()

    assert re.search(r'rel="next"><span class="label">Up next · lesson 2 of 5</span>The four DORA metrics', first)
    assert f'<a href="/quizzes/{quiz.pk}/"><span class="label">Up next</span>The module quiz →</a>' in last


def test_the_module_page_marks_the_lesson_up_next_for_a_learner_only(learner_client, learner, curriculum):
    progress_services.complete_lesson(learner, lesson(curriculum, "devops-mindset", "what-devops-is"))

    mine = learner_client.get(MINDSET).content.decode()
    visitor = Client().get(MINDSET).content.decode()

    assert mine.count("is-next") == 1 and mine.count(">Up next</span>") == 1
    assert re.search(r'<li class=" is-next">\s*<span class="check" aria-hidden="true">2</span>', mine)
    assert "is-next" not in visitor and "Up next" not in visitor
