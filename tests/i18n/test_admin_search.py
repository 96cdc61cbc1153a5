"""The admin searches the curriculum in every language: a Vietnamese word finds its question, module,
lesson, lab or misconception in the English admin (django-modeltranslation alone searches only the
active language's column), and an English word finds them in the Vietnamese admin."""

import pytest
from django.urls import reverse

from courses.models import Lesson, Module
from devopslearn.lib.translated import every_language
from labs.models import Lab
from quizzes.models import Attempt, Misconception, Question

pytestmark = pytest.mark.django_db


def found(client, changelist: str, words: str) -> str:
    response = client.get(reverse(changelist), {"q": words})
    assert response.status_code == 200
    return response.text


@pytest.fixture
def admin_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_vietnamese_phrase_finds_the_question_in_either_admin(admin_client, instructor, curriculum, language):
    instructor.language = language
    instructor.save(update_fields=["language"])
    question = Question.objects.get(key="error-budget-minutes")
    page = found(admin_client, "admin:quizzes_question_changelist", "cửa sổ trượt 30 ngày")
    assert f"/admin/quizzes/question/{question.pk}/change/" in page
    english = found(admin_client, "admin:quizzes_question_changelist", "rolling 30-day window")
    assert f"/admin/quizzes/question/{question.pk}/change/" in english


@pytest.mark.parametrize(
    ("changelist", "words", "find"),
    [
        ("admin:courses_module_changelist", "Tư duy DevOps", lambda: Module.objects.get(slug="devops-mindset")),
        ("admin:courses_lesson_changelist", "Bốn chỉ số DORA", lambda: Lesson.objects.get(key="dora-metrics")),
        ("admin:labs_lab_changelist", "Gia cố Dockerfile", lambda: Lab.objects.get(key="dockerfile-hardening")),
        (
            "admin:quizzes_misconception_changelist",
            "ít lần hơn với các bản release lớn hơn",
            lambda: Misconception.objects.get(tag="big-batches-are-safer"),
        ),
    ],
)
def test_a_vietnamese_phrase_finds_the_curriculum_in_the_english_admin(
    admin_client, curriculum, changelist, words, find
):
    page = found(admin_client, changelist, words)
    assert f"/{find().pk}/change/" in page


def test_search_fields_name_every_languages_column_through_relations():
    assert every_language(Question, ("key", "prompt_md")) == ("key", "prompt_md_en", "prompt_md_vi")
    assert every_language(Attempt, ("user__username", "quiz__title", "=quiz__module__title")) == (
        "user__username",
        "quiz__title_en",
        "quiz__title_vi",
        "=quiz__module__title_en",
        "=quiz__module__title_vi",
    )
