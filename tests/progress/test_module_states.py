"""Every module state and the transitions between them, on the real curriculum and its unlock graph."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from progress import services
from progress.models import ModuleProgress, ReviewCard
from progress.states import State
from tests.progress.helpers import (
    PATH_ORDER,
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
)

LOCKED, AVAILABLE, IN_PROGRESS, COMPLETED, MASTERED = (
    State.LOCKED,
    State.AVAILABLE,
    State.IN_PROGRESS,
    State.COMPLETED,
    State.MASTERED,
)
MINDSET, CICD, IAC, CONTAINERS, OBSERVABILITY, PRACTICES = PATH_ORDER


@pytest.fixture
def mindset(curriculum):
    return module(curriculum, MINDSET)


def test_a_new_learner_can_start_only_the_mindset_module(curriculum, learner):
    assert states(curriculum, learner) == {
        MINDSET: AVAILABLE,
        CICD: LOCKED,
        IAC: LOCKED,
        CONTAINERS: LOCKED,
        OBSERVABILITY: LOCKED,
        PRACTICES: LOCKED,
    }


def test_a_completed_lesson_puts_the_module_in_progress(curriculum, learner, mindset):
    services.complete_lesson(learner, mindset.lessons.order_by("order").first())
    assert states(curriculum, learner)[MINDSET] == IN_PROGRESS
    assert status(curriculum, learner, MINDSET).lessons_done == 1


def test_undoing_the_only_completed_lesson_makes_the_module_available_again(curriculum, learner, mindset):
    lesson = mindset.lessons.order_by("order").first()
    services.complete_lesson(learner, lesson)
    assert services.undo_lesson(learner, lesson) is True
    assert states(curriculum, learner)[MINDSET] == AVAILABLE
    assert services.undo_lesson(learner, lesson) is False  # nothing left to undo


def test_a_closed_quiz_attempt_puts_the_module_in_progress_even_without_lessons(curriculum, learner, mindset):
    quiz = module_quiz(mindset)
    attempt = take_quiz(learner, quiz, wrong={q.key for q in quiz.questions.all()})
    assert not attempt.passed
    assert states(curriculum, learner)[MINDSET] == IN_PROGRESS
    assert status(curriculum, learner, MINDSET).attempts == 1


def test_every_lesson_without_a_passed_quiz_stays_in_progress(curriculum, learner, mindset):
    finish_lessons(learner, mindset)
    assert states(curriculum, learner)[MINDSET] == IN_PROGRESS
    quiz = module_quiz(mindset)
    take_quiz(learner, quiz, wrong={q.key for q in quiz.questions.all()})
    assert states(curriculum, learner)[MINDSET] == IN_PROGRESS
    assert states(curriculum, learner)[CICD] == LOCKED


def test_a_passed_quiz_with_a_lesson_left_stays_in_progress(curriculum, learner, mindset):
    finish_lessons(learner, mindset, but=1)
    assert take_quiz(learner, module_quiz(mindset)).passed
    assert states(curriculum, learner)[MINDSET] == IN_PROGRESS
    finish_lessons(learner, mindset)
    assert states(curriculum, learner)[MINDSET] == MASTERED


def test_a_pass_below_90_percent_completes_the_module_without_mastering_it(curriculum, learner, mindset):
    quiz = module_quiz(mindset)
    attempt = complete_module(learner, mindset, wrong=misses_for_percent(ask_every_question(quiz), 70))
    assert attempt.passed and attempt.percent < 90
    assert states(curriculum, learner)[MINDSET] == COMPLETED
    assert ModuleProgress.objects.get(user=learner, module=mindset).completed_at is not None


def test_a_later_attempt_at_90_percent_or_more_masters_a_completed_module(curriculum, learner, mindset):
    quiz = module_quiz(mindset)
    complete_module(learner, mindset, wrong=misses_for_percent(ask_every_question(quiz), 70))
    ReviewCard.objects.filter(user=learner).delete()  # only the score is under test here
    assert take_quiz(learner, quiz).percent == 100
    assert states(curriculum, learner)[MINDSET] == MASTERED
    row = status(curriculum, learner, MINDSET).row
    assert (row.attempts, row.best_percent, row.last_percent) == (2, 100, 100)


def test_a_worse_later_attempt_keeps_the_best_score_and_the_mastery(curriculum, learner, mindset):
    quiz = module_quiz(mindset)
    complete_module(learner, mindset)
    take_quiz(learner, quiz, wrong={q.key for q in quiz.questions.all()})
    s = status(curriculum, learner, MINDSET)
    assert (s.best_percent, s.last_percent, s.state) == (100, 0, MASTERED)


def test_an_overdue_review_card_unmasters_and_a_good_review_masters_again(curriculum, learner, mindset):
    quiz = module_quiz(mindset)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = complete_module(learner, mindset, wrong=misses_worth(ask_every_question(quiz), 1))
        assert attempt.percent >= 90
        assert states(curriculum, learner)[MINDSET] == MASTERED  # the missed question is not due yet
    card = ReviewCard.objects.get(user=learner)
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert states(curriculum, learner)[MINDSET] == COMPLETED  # its review card is overdue
        assert status(curriculum, learner, MINDSET).due == 1
        services.review(card, services.rating_for(1))
        assert states(curriculum, learner)[MINDSET] == MASTERED
    assert states(curriculum, learner)[CICD] == AVAILABLE  # unlocking never depended on mastery


def test_cards_of_another_module_do_not_unmaster_this_one(curriculum, learner, mindset):
    complete_module(learner, mindset)
    cicd = module(curriculum, CICD)
    cicd_quiz = module_quiz(cicd)
    attempt = take_quiz(learner, cicd_quiz, wrong={q.key for q in cicd_quiz.questions.all()})
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert states(curriculum, learner)[MINDSET] == MASTERED
        assert status(curriculum, learner, CICD).due == len(attempt.question_order)  # one card per miss


def test_undoing_a_lesson_of_a_completed_module_takes_the_completion_back(curriculum, learner, mindset):
    complete_module(learner, mindset)
    assert states(curriculum, learner)[CICD] == AVAILABLE
    lesson = mindset.lessons.order_by("order").last()
    services.undo_lesson(learner, lesson)
    assert states(curriculum, learner)[MINDSET] == IN_PROGRESS
    assert states(curriculum, learner)[CICD] == LOCKED
    assert ModuleProgress.objects.get(user=learner, module=mindset).completed_at is None
    services.complete_lesson(learner, lesson)
    assert states(curriculum, learner)[MINDSET] == MASTERED
    assert states(curriculum, learner)[CICD] == AVAILABLE


def test_the_unlock_graph_of_the_real_curriculum(curriculum, learner):
    assert status(curriculum, learner, CONTAINERS).missing == [module(curriculum, CICD), module(curriculum, IAC)]
    complete_module(learner, module(curriculum, MINDSET))
    assert states(curriculum, learner) == {
        MINDSET: MASTERED,
        CICD: AVAILABLE,
        IAC: AVAILABLE,
        CONTAINERS: LOCKED,
        OBSERVABILITY: LOCKED,
        PRACTICES: LOCKED,
    }
    complete_module(learner, module(curriculum, CICD))
    assert states(curriculum, learner)[CONTAINERS] == LOCKED  # still needs infrastructure as code
    assert [m.slug for m in status(curriculum, learner, CONTAINERS).missing] == [IAC]
    assert [m.slug for m in status(curriculum, learner, PRACTICES).missing] == [OBSERVABILITY]
    complete_module(learner, module(curriculum, IAC))
    assert states(curriculum, learner)[CONTAINERS] == AVAILABLE
    assert states(curriculum, learner)[OBSERVABILITY] == LOCKED
    complete_module(learner, module(curriculum, CONTAINERS))
    assert states(curriculum, learner)[OBSERVABILITY] == AVAILABLE
    assert states(curriculum, learner)[PRACTICES] == LOCKED  # needs observability too
    complete_module(learner, module(curriculum, OBSERVABILITY))
    assert states(curriculum, learner)[PRACTICES] == AVAILABLE
    complete_module(learner, module(curriculum, PRACTICES))
    assert set(states(curriculum, learner).values()) == {MASTERED}


def test_the_module_lists_what_it_builds_on_and_what_it_unlocks(curriculum, learner):
    s = status(curriculum, learner, CICD)
    assert [m.slug for m in s.prerequisites] == [MINDSET]
    assert [m.slug for m in s.unlocks] == [CONTAINERS, PRACTICES]


def test_staff_see_every_module_unlocked(curriculum, instructor):
    assert set(states(curriculum, instructor).values()) == {AVAILABLE}


def test_a_visitor_sees_only_the_first_module_open(curriculum):
    assert states(curriculum, AnonymousUser()) == {
        MINDSET: AVAILABLE,
        CICD: LOCKED,
        IAC: LOCKED,
        CONTAINERS: LOCKED,
        OBSERVABILITY: LOCKED,
        PRACTICES: LOCKED,
    }


def test_the_module_page_states_the_rule_and_names_the_missing_prerequisites(curriculum, learner_client):
    response = learner_client.get(reverse("courses:module", args=[curriculum.slug, CONTAINERS]))
    page = response.content.decode()
    assert "Locked" in page
    assert "mastered when the best quiz score is at least 90%" in page
    locked_note = page[page.index("This module is locked") :][:800]
    assert "CI/CD on AWS" in locked_note and "Infrastructure as Code" in locked_note


def test_a_locked_module_refuses_to_mark_its_lessons_complete(curriculum, learner, learner_client):
    cicd = module(curriculum, CICD)
    lesson = cicd.lessons.order_by("order").first()
    response = learner_client.post(reverse("progress:complete", args=[curriculum.slug, cicd.slug, lesson.slug]))
    assert response.status_code == 403
    assert not ModuleProgress.objects.filter(user=learner, module=cicd).exists()


def test_the_module_page_shows_the_state_as_it_changes(curriculum, learner, learner_client, mindset):
    url = reverse("courses:module", args=[curriculum.slug, MINDSET])
    assert "badge state-available" in learner_client.get(url).content.decode()
    services.complete_lesson(learner, mindset.lessons.order_by("order").first())
    assert "badge state-in_progress" in learner_client.get(url).content.decode()
    finish_lessons(learner, mindset)
    take_quiz(learner, module_quiz(mindset))
    assert "badge state-mastered" in learner_client.get(url).content.decode()
