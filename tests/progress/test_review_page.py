"""The review page: missed questions come back as FSRS cards, one at a time, graded like the quiz."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fsrs import Rating

from progress.models import DailyActivity, ReviewCard
from progress.services import rating_for
from quizzes import attempts
from tests.progress.helpers import (
    answer_data,
    as_post,
    ask_every_question,
    misses_worth,
    module,
    module_quiz,
    take_quiz,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
TEN_MINUTES = timedelta(minutes=10)


@pytest.fixture
def quiz(curriculum):
    """The mindset quiz, asking every question (the cards under test come from chosen misses)."""
    return ask_every_question(module_quiz(module(curriculum, "devops-mindset")))


@pytest.fixture
def cards(learner, quiz):
    """Two questions missed in the mindset quiz: two cards, due ten minutes later."""
    take_quiz(learner, quiz, wrong=misses_worth(quiz, 2))
    return list(ReviewCard.objects.filter(user=learner).order_by("due", "pk"))


def later(minutes: int = 11):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def answer(client, card: ReviewCard, *, right: bool, htmx: bool = False):
    card.refresh_from_db()
    data = answer_data(card.question, card.token, right=right)
    return client.post(reverse("progress:review_answer", args=[card.pk]), data, **(HTMX if htmx else {}))


def rate(client, card: ReviewCard, rating: str = "auto", *, htmx: bool = False):
    return client.post(reverse("progress:review_rate", args=[card.pk]), {"rating": rating}, **(HTMX if htmx else {}))


def test_a_missed_question_becomes_a_card_and_a_right_answer_does_not(learner, quiz, cards):
    missed = misses_worth(quiz, 2)
    assert sorted(c.question.key for c in cards) == sorted(missed)
    card = cards[0]
    assert (card.reviews, card.module_id, card.state) == (1, quiz.module_id, 1)  # learning, rated Again
    assert card.due - card.last_review == TEN_MINUTES


def test_a_partly_right_answer_becomes_a_card_rated_hard(learner, quiz):
    question = quiz.questions.filter(kind="multiple").first()
    attempt = attempts.start_attempt(learner, quiz)
    first_right = next(c for c in question.choices.all() if c.is_correct)
    response = attempts.submit_answer(attempt, question, as_post({"answer": [attempt.token("c", first_right.pk)]}))
    assert 0 < response.response.fraction < 1
    card = ReviewCard.objects.get(user=learner, question=question)
    assert card.due - card.last_review == timedelta(minutes=15)  # Hard: a little later than Again


def test_a_card_not_due_yet_is_not_shown_and_the_page_says_when_it_is(learner_client, cards):
    page = learner_client.get(reverse("progress:review")).content.decode()
    assert "Nothing to review right now" in page
    assert "Your next card is due on" in page
    assert cards[0].question.prompt_html not in page


def test_the_review_page_shows_the_due_cards_one_at_a_time(learner_client, cards):
    with later():
        response = learner_client.get(reverse("progress:review"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 cards due" in page
    assert cards[0].question.prompt_html in page
    assert cards[1].question.prompt_html not in page
    assert f'action="{reverse("progress:review_answer", args=[cards[0].pk])}"' in page


def test_a_wrong_answer_without_javascript_shows_the_answer_and_brings_the_card_back_soon(
    learner, learner_client, cards
):
    card = cards[0]
    with later() as traveller:
        response = answer(learner_client, card, right=False)
        assert response.status_code == 302
        assert response["Location"] == reverse("progress:review_card", args=[card.pk])
        page = learner_client.get(response["Location"]).content.decode()
        assert "Not quite" in page and ("The right answer" in page or "Right, not chosen" in page)
        assert "Rated Again: wrong. This card comes back in 10" in page
        assert "That was easy" not in page

        response = rate(learner_client, card)

        assert response.status_code == 302 and response["Location"] == reverse("progress:review")
        card.refresh_from_db()
        assert card.due == timezone.now() + TEN_MINUTES
        assert (card.reviews, card.pending_fraction) == (2, None)
        # the quiz was taken "now" and the review 11 minutes later: near local midnight that is two days
        assert sum(DailyActivity.objects.filter(user=learner).values_list("reviews", flat=True)) == 1
        traveller.shift(TEN_MINUTES)


def test_a_right_answer_with_htmx_returns_the_panel(learner_client, cards):
    card = cards[0]
    with later():
        response = answer(learner_client, card, right=True, htmx=True)
        page = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in page and page.lstrip().startswith('<div id="card-panel">')
        assert "Correct" in page and "Rated Good: right. This card comes back in 1" in page
        # issue 12.9: just relearned, Easy and Good both bring it back in a day: Easy is not offered
        assert 'value="easy"' not in page and "If it was easy" not in page

        response = rate(learner_client, card, htmx=True)

        page = response.content.decode()
        assert "<html" not in page
        assert cards[1].question.prompt_html in page  # the next due card, in the same panel
        assert "1 card due" in page
        card.refresh_from_db()
        assert card.due == timezone.now() + timedelta(days=1)


def test_easy_is_only_taken_after_a_right_answer(learner_client, cards):
    wrong, right = cards
    with later():
        answer(learner_client, wrong, right=False)
        rate(learner_client, wrong, "easy")
        answer(learner_client, right, right=True)
        rate(learner_client, right, "easy")
        wrong.refresh_from_db()
        right.refresh_from_db()
        assert wrong.due == timezone.now() + TEN_MINUTES  # still Again
        # Easy was not offered (a day, as Good): asked for anyway, the card is rated Good
        assert right.due == timezone.now() + timedelta(days=1)


def test_easy_moves_a_card_further_out_than_good(learner, client, cards):
    good, easy = cards
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False) as traveller:
        client.force_login(learner)
        for card in cards:  # both answered right once: each back in a day
            answer(client, card, right=True)
            rate(client, card)
        traveller.shift(timedelta(days=1, minutes=1))
        client.force_login(learner)
        answer(client, easy, right=True)
        page = client.get(reverse("progress:review_card", args=[easy.pk])).content.decode()
        assert "Rated Good: right. This card comes back in 2" in page
        assert "If it was easy, it comes back in 4" in page
        assert 'value="easy"' in page  # offered now: it changes the schedule
        rate(client, easy, "easy")
        answer(client, good, right=True)
        rate(client, good)
        good.refresh_from_db()
        easy.refresh_from_db()
        assert easy.due - timezone.now() == timedelta(days=4)
        assert good.due - timezone.now() == timedelta(days=2)


def test_a_partly_right_review_is_rated_hard(learner, learner_client, quiz):
    question = quiz.questions.filter(kind="multiple").first()
    take_quiz(learner, quiz, wrong={question.key})
    card = ReviewCard.objects.get(user=learner, question=question)
    with later():
        card.refresh_from_db()
        first_right = next(c for c in question.choices.all() if c.is_correct)
        learner_client.post(
            reverse("progress:review_answer", args=[card.pk]), {"answer": [card.token("c", first_right.pk)]}
        )
        page = learner_client.get(reverse("progress:review_card", args=[card.pk])).content.decode()
        assert "Partly right" in page and "Rated Hard: partly right." in page
        assert 'value="easy"' not in page
        rate(learner_client, card)
        card.refresh_from_db()
        assert card.due == timezone.now() + timedelta(minutes=15)


def test_a_card_answered_well_moves_further_out_than_one_answered_wrong(learner, client, cards):
    """The FSRS schedule, with the clock moved: right answers push a card out for longer each time;
    a wrong one brings it back within ten minutes."""
    good, bad = cards
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=11), tick=False) as traveller:
        client.force_login(learner)
        answer(client, good, right=True)
        rate(client, good)
        answer(client, bad, right=False)
        rate(client, bad)
        good.refresh_from_db()
        bad.refresh_from_db()
        now = timezone.now()
        assert good.due - now == timedelta(days=1)
        assert bad.due - now == TEN_MINUTES
        assert good.due > bad.due

        intervals = []
        for _ in range(3):  # the learner answers it right each time it comes back
            traveller.move_to(good.due + timedelta(minutes=1))
            client.force_login(learner)
            assert answer(client, good, right=True).status_code == 302
            rate(client, good)
            good.refresh_from_db()
            intervals.append(good.due - timezone.now())
        assert intervals == sorted(intervals) and intervals[0] < intervals[-1]
        assert intervals[-1] >= timedelta(days=5)  # it stops coming back for a long time

        traveller.move_to(good.due + timedelta(minutes=1))
        client.force_login(learner)
        answer(client, good, right=False)  # a lapse
        rate(client, good)
        good.refresh_from_db()
        assert good.due - timezone.now() == TEN_MINUTES
        assert good.lapses == 1


def test_replaying_an_answer_or_a_rating_changes_nothing(learner_client, cards):
    card = cards[0]
    with later():
        card.refresh_from_db()
        wrong = answer_data(card.question, card.token, right=False)
        right = answer_data(card.question, card.token, right=True)
        url = reverse("progress:review_answer", args=[card.pk])
        learner_client.post(url, wrong)
        learner_client.post(url, right)  # a second answer to the same showing is ignored
        card.refresh_from_db()
        assert card.pending_fraction == 0
        rate(learner_client, card)
        card.refresh_from_db()
        after = (card.reviews, card.due, card.stability, card.difficulty, card.pending_fraction)

        rate(learner_client, card)  # the rating again
        learner_client.post(url, right)  # the old answer again: the card is not due any more

        card.refresh_from_db()
        assert (card.reviews, card.due, card.stability, card.difficulty, card.pending_fraction) == after


def test_an_unreadable_answer_shows_an_error_and_changes_nothing(learner_client, cards):
    card = cards[0]
    with later():
        response = learner_client.post(reverse("progress:review_answer", args=[card.pk]), {"answer": "forged"})
        assert response.status_code == 200
        assert "That choice is not part of this question" in response.content.decode()
        response = learner_client.post(reverse("progress:review_answer", args=[card.pk]), {}, **HTMX)
        assert "Choose an answer" in response.content.decode() and "<html" not in response.content.decode()
    before = card.reviews
    card.refresh_from_db()
    assert (card.pending_fraction, card.reviews) == (None, before)


def test_a_card_that_is_not_due_cannot_be_answered(learner_client, cards):
    card = cards[0]
    response = answer(learner_client, card, right=True)
    assert response.status_code == 302 and response["Location"] == reverse("progress:review")
    assert learner_client.get(reverse("progress:review_card", args=[card.pk])).status_code == 302
    card.refresh_from_db()
    assert card.pending_fraction is None and card.reviews == 1


def test_another_learners_cards_are_not_found(learner, other_learner, cards):
    client = Client()
    client.force_login(other_learner)
    card = cards[0]
    with later():
        card.refresh_from_db()
        data = answer_data(card.question, card.token, right=True)
        assert client.get(reverse("progress:review_card", args=[card.pk])).status_code == 404
        assert client.post(reverse("progress:review_answer", args=[card.pk]), data).status_code == 404
        assert client.post(reverse("progress:review_rate", args=[card.pk])).status_code == 404
        page = client.get(reverse("progress:review")).content.decode()
        assert "Nothing to review right now" in page and card.question.prompt_html not in page
    card.refresh_from_db()
    assert (card.reviews, card.pending_fraction) == (1, None)


def test_csrf_is_enforced_on_answering_and_rating(learner, cards):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    card = cards[0]
    with later():
        card.refresh_from_db()
        data = answer_data(card.question, card.token, right=True)
        assert client.post(reverse("progress:review_answer", args=[card.pk]), data).status_code == 403
        assert client.post(reverse("progress:review_rate", args=[card.pk]), {"rating": "easy"}).status_code == 403
    card.refresh_from_db()
    assert (card.reviews, card.pending_fraction) == (1, None)


def test_answering_and_rating_need_a_post(learner_client, cards):
    assert learner_client.get(reverse("progress:review_answer", args=[cards[0].pk])).status_code == 405
    assert learner_client.get(reverse("progress:review_rate", args=[cards[0].pk])).status_code == 405


def test_the_review_page_needs_a_login(client, cards):
    response = client.get(reverse("progress:review"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_path_and_progress_pages_show_how_many_cards_are_due(learner_client, cards):
    with later():
        path_page = learner_client.get(reverse("courses:home")).content.decode()
        progress_page = learner_client.get(reverse("progress:mine")).content.decode()
    assert "<strong>2</strong> <a" in path_page and "review cards due" in path_page
    assert "2 review cards due" in path_page  # on the module's card too
    assert '<p class="score-big">2</p>' in progress_page and "cards due" in progress_page


def test_the_rating_follows_the_quiz_grading():
    assert [rating_for(f) for f in (0, 0.5, 1)] == [Rating.Again, Rating.Hard, Rating.Good]
