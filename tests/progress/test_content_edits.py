"""Progress survives content edits: lessons added or deleted, a question regraded after the fact."""

from decimal import ROUND_FLOOR, Decimal

import pytest
from django.urls import reverse

from courses.importers import load_content
from progress import services
from progress.models import Certificate, LessonCompletion, ModuleProgress, ReviewCard
from progress.states import State
from quizzes import attempts
from quizzes.models import Attempt
from tests.conftest import CONTENT
from tests.progress.helpers import (
    add_lesson,
    ask_every_question,
    complete_module,
    finish_lessons,
    misses_for_percent,
    misses_worth,
    module,
    module_quiz,
    states,
    status,
    take_quiz,
    total_points,
)

MINDSET, CICD, IAC = "devops-mindset", "cicd-on-aws", "infrastructure-as-code"
ORDER = [MINDSET, CICD, IAC, "containers-on-aws", "observability", "best-practices-incidents"]


@pytest.fixture
def mindset(curriculum):
    return module(curriculum, MINDSET)


def test_a_lesson_added_to_a_completed_module_keeps_it_completed_and_says_so(
    curriculum, learner, learner_client, mindset
):
    complete_module(learner, mindset)
    add_lesson(mindset)
    s = status(curriculum, learner, MINDSET)
    assert s.is_completed and s.new_lessons == 1
    assert (s.lessons_done, s.lessons_total) == (5, 6)
    assert states(curriculum, learner)[CICD] == State.AVAILABLE

    module_page = learner_client.get(mindset.get_absolute_url()).content.decode()
    assert "Updated since you completed it: 1 new lesson. The module stays completed." in module_page
    assert "updated: 1 new lesson" in learner_client.get(reverse("progress:mine")).content.decode()
    assert "Updated: 1 new lesson" in learner_client.get(reverse("courses:home")).content.decode()


def test_completing_the_new_lesson_clears_the_update_note(curriculum, learner, mindset):
    complete_module(learner, mindset)
    lesson = add_lesson(mindset)
    services.complete_lesson(learner, lesson)
    s = status(curriculum, learner, MINDSET)
    assert (s.new_lessons, s.lessons_done, s.lessons_total, s.percent) == (0, 6, 6, 100)


def test_a_lesson_added_to_an_unfinished_module_keeps_earlier_completions(curriculum, learner, mindset):
    finish_lessons(learner, mindset, but=2)
    add_lesson(mindset)
    s = status(curriculum, learner, MINDSET)
    assert (s.state, s.lessons_done, s.lessons_total, s.new_lessons) == (State.IN_PROGRESS, 3, 6, 0)


def test_a_module_completed_before_a_lesson_was_added_still_counts_for_the_certificate(curriculum, learner):
    for slug in ORDER[:-1]:
        complete_module(learner, module(curriculum, slug))
    add_lesson(module(curriculum, MINDSET))
    assert not Certificate.objects.filter(user=learner).exists()
    complete_module(learner, module(curriculum, ORDER[-1]))
    assert Certificate.objects.filter(user=learner, path=curriculum).count() == 1


def test_deleting_a_lesson_never_deletes_other_progress(curriculum, learner, other_learner, mindset):
    finish_lessons(learner, mindset, but=1)
    finish_lessons(other_learner, mindset)
    quiz = ask_every_question(module_quiz(mindset))
    take_quiz(learner, quiz, wrong=misses_worth(quiz, 1))
    cards_before = ReviewCard.objects.filter(user=learner).count()
    first = mindset.lessons.order_by("order").first()

    first.delete()

    assert LessonCompletion.objects.filter(user=learner).count() == 3
    assert LessonCompletion.objects.filter(user=other_learner).count() == 4
    assert Attempt.objects.filter(user=learner).count() == 1
    assert ReviewCard.objects.filter(user=learner).count() == cards_before
    row = ModuleProgress.objects.get(user=learner, module=mindset)
    assert (row.lessons_completed, row.attempts, row.quiz_passed) == (3, 1, True)
    assert ModuleProgress.objects.get(user=other_learner, module=mindset).lessons_completed == 4


def test_deleting_the_one_lesson_left_completes_the_module_and_unlocks_the_next(curriculum, learner, mindset):
    finish_lessons(learner, mindset, but=1)
    take_quiz(learner, module_quiz(mindset))
    assert states(curriculum, learner)[MINDSET] == State.IN_PROGRESS

    mindset.lessons.order_by("order").last().delete()

    assert states(curriculum, learner)[MINDSET] == State.MASTERED
    assert states(curriculum, learner)[CICD] == State.AVAILABLE


def test_unpublishing_a_lesson_counts_like_removing_it_and_publishing_it_again_restores_it(
    curriculum, learner, mindset
):
    finish_lessons(learner, mindset)
    lesson = mindset.lessons.order_by("order").first()
    lesson.published = False
    lesson.save()
    s = status(curriculum, learner, MINDSET)
    assert (s.lessons_done, s.lessons_total, s.state) == (4, 4, State.IN_PROGRESS)
    lesson.published = True
    lesson.save()
    assert status(curriculum, learner, MINDSET).lessons_done == 5


def test_a_regrade_that_turns_a_pass_into_a_fail_does_not_relock_and_shows(
    curriculum, learner, learner_client, mindset
):
    quiz = ask_every_question(module_quiz(mindset))
    finish_lessons(learner, mindset)
    attempt = take_quiz(learner, quiz, wrong=misses_for_percent(quiz, quiz.pass_mark))  # the lowest pass
    assert attempt.passed
    assert states(curriculum, learner)[CICD] == State.AVAILABLE
    numeric = next(q for q in quiz.questions.filter(kind="numeric", points=1) if not q.variants)
    numeric.numeric_answer += 1
    before = attempt.score
    numeric.save()  # regrades at once (progress.derived)

    attempt.refresh_from_db()
    assert not attempt.passed and attempt.score == before - 1 and attempts.regrade([numeric], apply=False) == []
    s = status(curriculum, learner, MINDSET)
    assert s.state == State.COMPLETED and s.regraded_below_pass
    below = attempt.score * 100 / attempt.max_score
    assert s.best_percent == below.quantize(Decimal("0.000001"))
    assert states(curriculum, learner)[CICD] == State.AVAILABLE
    progress_page = learner_client.get(reverse("progress:mine")).content.decode()
    assert "regraded: best score now below the pass mark" in progress_page
    assert f"{below.quantize(Decimal(1), rounding=ROUND_FLOOR)}%" in progress_page
    module_page = learner_client.get(mindset.get_absolute_url()).content.decode()
    assert "your best score is now below the pass mark" in module_page


def test_a_regrade_that_turns_a_fail_into_a_pass_completes_the_module(curriculum, learner, mindset):
    quiz = ask_every_question(module_quiz(mindset))
    finish_lessons(learner, mindset)
    numeric = quiz.questions.filter(kind="numeric").first()
    needed = -(-total_points(quiz) * quiz.pass_mark // 100)  # the fewest points that pass
    missed = misses_worth(quiz, total_points(quiz) - numeric.points - (needed - 1))
    attempt = take_quiz(learner, quiz, wrong=missed, skip={numeric.key})  # one point short of a pass
    assert not attempt.passed
    assert states(curriculum, learner)[CICD] == State.LOCKED
    question = quiz.questions.get(key=sorted(missed)[0])
    picked = question.choices.get(pk=attempt.responses.get(question=question).answer["choices"][0])
    question.choices.update(is_correct=False)
    picked.is_correct = True
    picked.save()  # regrades at once (progress.derived)

    assert states(curriculum, learner)[MINDSET] == State.COMPLETED
    assert states(curriculum, learner)[CICD] == State.AVAILABLE


def test_reloading_the_content_keeps_every_learners_progress(curriculum, learner, mindset):
    complete_module(learner, mindset)
    before = list(ModuleProgress.objects.filter(user=learner).values())
    load_content(CONTENT)
    assert list(ModuleProgress.objects.filter(user=learner).values()) == before
    assert LessonCompletion.objects.filter(user=learner).count() == 5


def test_a_content_edit_that_completes_the_last_module_issues_the_certificate(curriculum, learner):
    for slug in ORDER[:-1]:
        complete_module(learner, module(curriculum, slug))
    last = module(curriculum, ORDER[-1])
    finish_lessons(learner, last, but=1)
    take_quiz(learner, module_quiz(last))
    assert not Certificate.objects.filter(user=learner).exists()

    last.lessons.order_by("order").last().delete()

    assert Certificate.objects.filter(user=learner, path=curriculum).count() == 1


def test_a_regrade_that_completes_the_last_module_issues_the_certificate(curriculum, learner):
    for slug in ORDER[:-1]:
        complete_module(learner, module(curriculum, slug))
    last = module(curriculum, ORDER[-1])
    finish_lessons(learner, last)
    quiz = ask_every_question(module_quiz(last))
    numeric = quiz.questions.filter(kind="numeric").first()
    attempt = take_quiz(learner, quiz, wrong={q.key for q in quiz.questions.exclude(pk=numeric.pk)})
    assert not attempt.passed
    # The instructor lowers the pass mark to what the one right answer scores: every attempt's pass
    # is decided again at once (progress.derived).
    quiz.pass_mark = max(1, int(numeric.points * 100 // total_points(quiz)))
    quiz.save()

    assert Certificate.objects.filter(user=learner, path=curriculum).count() == 1
