"""Withdrawn content leaves every review queue and every due count, and comes back with its cards'
schedules when it is published again (issue 12, point 6). Every count reads cards through
ReviewCardQuerySet.shown_to_learners (``due`` calls it)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cohorts.attention import OVERDUE_MANY, needs_attention
from progress.models import ModuleProgress, ReviewCard
from progress.states import PathPlan
from tests.cohorts.conftest import make_cohort
from tests.progress.helpers import ask_every_question, module, module_quiz, take_quiz


@pytest.fixture
def quiz(curriculum):
    return ask_every_question(module_quiz(module(curriculum, "devops-mindset")))


def _withdraw(quiz, card, what: str, published: bool) -> None:
    """Unpublish (or publish again) the card's question, its quiz or its module, as the admin saves it."""
    target = {"question": card.question, "quiz": quiz, "module": quiz.module}[what]
    target.published = published
    target.save()


def _later(days: float = 2):
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def _due_on_progress_page(client) -> int:
    page = client.get(reverse("progress:mine")).content.decode()
    return int(re.search(r'Review</p><p class="score-big">(\d+)</p>', page).group(1))


@pytest.mark.parametrize("what", ["question", "quiz", "module"])
def test_a_withdrawn_question_leaves_the_queue_and_every_count_and_comes_back_with_its_schedule(
    what, curriculum, learner, lead, learner_client, quiz
):
    take_quiz(learner, quiz, wrong={q.key for q in quiz.questions.all()})  # a card per question
    cards = list(ReviewCard.objects.filter(user=learner).order_by("due", "pk"))
    assert len(cards) >= OVERDUE_MANY
    first = cards[0]
    cohort = make_cohort(curriculum, leads=[lead], members=[learner])
    plan = PathPlan.of(curriculum)
    withdrawn = [c for c in cards if what != "question" or c.pk == first.pk]

    with _later():
        review = learner_client.get(reverse("progress:review")).content.decode()
        assert first.question.prompt_html in review  # the example: the first card on Review
        assert _due_on_progress_page(learner_client) == len(cards)
        assert [r.membership.user_id for r in needs_attention(cohort, plan)] == [learner.pk]

        _withdraw(quiz, first, what, published=False)

        review = learner_client.get(reverse("progress:review")).content.decode()
        assert first.question.prompt_html not in review
        left = len(cards) - len(withdrawn)
        assert _due_on_progress_page(learner_client) == left
        if left:
            assert f"{left} card due" in review or f"{left} cards due" in review
        else:
            assert "Nothing to review right now" in review and "Your next card is due on" not in review
        assert learner_client.get(reverse("progress:review_card", args=[first.pk])).status_code == 404
        standing = ModuleProgress.standing([learner.pk], [m.pk for m in plan.modules], timezone.now())
        assert sum(standing.due.get(learner.pk, {}).values()) == left
        status = plan.statuses_for([learner.pk])[learner.pk]
        assert sum(s.due for s in status) == left
        path_page = learner_client.get(curriculum.get_absolute_url()).content.decode()
        assert re.search(rf"<strong>{left}</strong>\s*(<a [^>]*>)?review cards due", path_page)
        flagged = [r.membership.user_id for r in needs_attention(cohort, plan)]
        assert flagged == ([learner.pk] if left >= OVERDUE_MANY else [])

        _withdraw(quiz, first, what, published=True)

        assert _due_on_progress_page(learner_client) == len(cards)
        review = learner_client.get(reverse("progress:review")).content.decode()
        assert first.question.prompt_html in review
    stored = {c.pk: (c.due, c.reviews, c.state) for c in ReviewCard.objects.filter(user=learner)}
    assert stored == {c.pk: (c.due, c.reviews, c.state) for c in cards}  # the schedules were kept
