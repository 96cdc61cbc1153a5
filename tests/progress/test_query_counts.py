"""The progress, review and path pages stay within one query ceiling whatever a learner's history:
the real curriculum with a short history, and ten times the modules, lessons, attempts, review
cards and active days."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import changes
from courses.models import Lesson, Module
from progress.models import DailyActivity, LessonCompletion, ReviewCard
from progress.rebuild import rebuild
from quizzes.models import Attempt, Choice, Question, Quiz

# One ceiling per page, the same at both sizes. They include a worker's first read of the content a
# page shows (a card's question and quiz: three queries once per content version).
PROGRESS_PAGE, REVIEW_PAGE, PATH_PAGE = 14, 7, 12  # the path: 2 of them the learner's activity


def grow_path(path, extra: int) -> None:
    """Add ``extra`` modules to the path, each with five lessons and a three-question quiz, each
    requiring the module before it: one batch of content changes, as load_content writes."""
    with changes.batch():
        _grow_path(path, extra)


def _grow_path(path, extra: int) -> None:
    previous = path.modules.order_by("-order").first()
    for n in range(extra):
        module = Module.objects.create(
            path=path, slug=f"extra-{n}", title=f"Extra module {n}", order=100 + n, published=True
        )
        module.prerequisites.add(previous)
        for k in range(5):
            Lesson.objects.create(
                module=module,
                key=f"l{k}",
                slug=f"l{k}",
                title=f"Extra {n}.{k}",
                order=k,
                body_md="Text.",
                published=True,
            )
        quiz = Quiz.objects.create(module=module, title=f"Extra quiz {n}", published=True)
        for q in range(3):
            question = Question.objects.create(
                published=True, quiz=quiz, key=f"q{q}", prompt_md=f"Question {n}.{q}?", explanation_md="."
            )
            Choice.objects.create(question=question, key="right", text="Right", is_correct=True)
            Choice.objects.create(question=question, key="wrong", text="Wrong")
        previous = module


def give_history(path, user, scale: int) -> None:
    """Every lesson but the last module's done, ``scale`` closed attempts per quiz, cards for
    ``5 * scale`` questions (half of them due), ``8 * scale`` active days; then the progress rows."""
    now = timezone.now()
    modules = list(path.modules.order_by("order"))
    lessons = Lesson.objects.filter(module__in=modules[:-1], published=True)
    LessonCompletion.objects.bulk_create(LessonCompletion(user=user, lesson=lesson) for lesson in lessons)
    attempts = []
    for quiz in Quiz.objects.filter(module__in=modules, lesson__isnull=True):
        for number in range(1, scale + 1):
            attempts.append(
                Attempt(
                    user=user,
                    quiz=quiz,
                    number=number,
                    submitted_at=now - timedelta(hours=number),
                    score=Decimal(number % 4),
                    max_score=Decimal(3),
                    passed=number % 4 == 3,
                )
            )
    Attempt.objects.bulk_create(attempts)
    questions = Question.objects.filter(quiz__module__in=modules).select_related("quiz")[: 5 * scale]
    ReviewCard.objects.bulk_create(
        ReviewCard(
            user=user,
            question=question,
            module_id=question.quiz.module_id,
            due=now + timedelta(days=1 if n % 2 else -1),
            last_review=now - timedelta(days=2),
            reviews=1,
        )
        for n, question in enumerate(questions)
    )
    today = timezone.localdate(timezone=user.zone)
    DailyActivity.objects.bulk_create(
        DailyActivity(user=user, day=today - timedelta(days=2 * n), lessons_completed=n + 1) for n in range(8 * scale)
    )
    rebuild([user.pk])


@pytest.fixture(params=[1, 10], ids=["1x", "10x"])
def scaled(request, curriculum, learner):
    scale = request.param
    grow_path(curriculum, extra=6 * (scale - 1))
    give_history(curriculum, learner, scale)
    assert curriculum.modules.count() == 6 * scale
    return scale


def test_the_progress_page_query_count_does_not_grow_with_the_history(
    learner_client, scaled, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PROGRESS_PAGE):
        response = learner_client.get(reverse("progress:mine"))
    assert response.status_code == 200
    assert response.content.decode().count('class="badge state-') == 6 * scaled


def test_the_review_page_query_count_does_not_grow_with_the_history(
    learner_client, scaled, django_assert_max_num_queries
):
    with django_assert_max_num_queries(REVIEW_PAGE):
        response = learner_client.get(reverse("progress:review"))
    assert f"{(5 * scaled + 1) // 2} cards due" in response.content.decode()
    card = ReviewCard.objects.filter(due__lte=timezone.now()).order_by("due", "pk").first()
    with django_assert_max_num_queries(REVIEW_PAGE):
        response = learner_client.post(reverse("progress:review_answer", args=[card.pk]), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_the_path_page_query_count_does_not_grow_with_the_history(
    learner_client, scaled, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PATH_PAGE):
        response = learner_client.get(reverse("courses:home"))
    assert response.content.decode().count('class="checklist-module checklist-') == 6 * scaled
