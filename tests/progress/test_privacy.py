"""A learner sees only their own progress and review cards; another learner's card is a 404."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from progress.models import ReviewCard
from tests.progress.helpers import ask_every_question, complete_module, module, module_quiz, take_quiz


@pytest.fixture
def their_cards(curriculum, other_learner):
    """The other learner missed every mindset question and completed nothing else."""
    quiz = module_quiz(module(curriculum, "devops-mindset"))
    take_quiz(other_learner, quiz, wrong={q.key for q in quiz.questions.all()})
    return list(ReviewCard.objects.filter(user=other_learner))


@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "progress:review_card"), ("post", "progress:review_answer"), ("post", "progress:review_rate")],
)
@pytest.mark.parametrize("who", ["learner", "instructor"])
def test_another_learners_card_is_not_found(request, their_cards, method, name, who):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    card = their_cards[0]
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        response = getattr(client, method)(reverse(name, args=[card.pk]), {"answer": "x", "rating": "easy"})
    assert response.status_code == 404
    assert ReviewCard.objects.get(pk=card.pk).reviews == 1


def test_the_review_page_shows_only_the_learners_own_cards(learner, learner_client, curriculum, their_cards):
    quiz = ask_every_question(module_quiz(module(curriculum, "devops-mindset")))
    take_quiz(learner, quiz, wrong={quiz.questions.order_by("order").first().key})
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        page = learner_client.get(reverse("progress:review")).content.decode()
    assert "1 card due" in page
    mine = ReviewCard.objects.get(user=learner)
    assert f"/progress/review/{mine.pk}/answer/" in page
    assert all(f"/progress/review/{card.pk}/" not in page for card in their_cards)


def test_the_progress_page_counts_only_the_learners_own_work(curriculum, learner_client, other_learner, their_cards):
    complete_module(other_learner, module(curriculum, "devops-mindset"))
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        page = learner_client.get(reverse("progress:mine"), {"user": other_learner.pk}).content.decode()
    assert "0 of 6 modules completed" in page
    assert '>Review</p><p class="score-big">0</p>' in page  # the due cards are the other learner's
    assert "Active on 0 of the last" in page
    assert other_learner.shown_name not in page
