"""In a real Chromium: a new learner's journey through the first module, its quiz, the unlocked
path, a review, and the progress page; and the axe scans of the progress, review and certificate
pages with data in them."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from courses.models import LearningPath
from progress.models import Certificate, ReviewCard
from quizzes.grading import match_options
from quizzes.models import Attempt, Question
from tests.browser.conftest import login
from tests.browser.test_accessibility import serious_violations
from tests.factories import PASSWORD, make_user
from tests.progress.helpers import (
    ask_every_question,
    complete_module,
    finish_lessons,
    make_cards_due,
    misses_worth,
    module,
    module_quiz,
    shown_percent,
)

pytestmark = pytest.mark.browser


def fill_answer(page, question: Question, *, right: bool, token=None) -> None:
    """Answer one question on the page the way a learner would, by the visible labels (a faulty line
    by its radio or checkboxes, whose values are tokens: ``token`` is the attempt's or the card's)."""
    choices = list(question.choices.all())
    if question.kind == "faulty_line":  # all the right lines, or as many wrong ones as may be selected
        for line in [c for c in choices if c.is_correct == right][: question.select_count]:
            page.locator(f'input[value="{token("c", line.pk)}"]').check()
    elif question.kind in ("single", "true_false"):
        page.get_by_label(next(c for c in choices if c.is_correct == right).text, exact=True).check()
    elif question.kind == "multiple":
        for choice in choices:
            if choice.is_correct == right:
                page.get_by_label(choice.text, exact=True).check()
    elif question.kind == "ordering":
        order = sorted(choices, key=lambda c: (c.order, c.pk))
        if not right:
            order = order[1:] + order[:1]
        for position, choice in enumerate(order, start=1):
            page.get_by_label(choice.text, exact=True).select_option(str(position))
    elif question.kind == "matching":
        options = {c.match_text: c for c in match_options(choices)}  # a menu's option is named by a token
        targets = [options[c.match_text] for c in choices]
        if not right:
            targets = targets[1:] + targets[:1]
        for choice, target in zip(choices, targets, strict=True):
            page.get_by_label(choice.text, exact=True).select_option(token("m", target.pk))
    elif question.kind == "numeric":
        page.locator("#answer-input").fill(format(question.numeric_answer.normalize(), "f") if right else "123456")
    else:
        page.locator("#answer-input").fill(next(c.text for c in choices if c.is_correct) if right else "no idea")


def badge(page, title: str):
    """A module's state on the path's checklist ("Mastered · 100%")."""
    title_link = page.locator(".checklist-title a", has_text=title)
    return page.locator(".checklist-module", has=title_link).locator(".checklist-state")


def test_a_new_learner_completes_the_first_module_unlocks_the_next_and_reviews(
    page, live_server, live_curriculum, console_errors
):
    path = LearningPath.objects.get(slug="devops-on-aws")
    mindset = module(path, "devops-mindset")
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("nam")
    page.get_by_label("E-mail address").fill("nam@example.com")
    page.get_by_label("Display name").fill("Nam Le")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(badge(page, "DevOps mindset and metrics")).to_have_text("Available")
    expect(badge(page, "CI/CD on AWS")).to_have_text("Locked")

    page.get_by_role("link", name="My progress").click()
    expect(page.locator(".score-big").first).to_have_text("0%")
    expect(page.get_by_text("0 of 6 modules completed")).to_be_visible()

    # Every lesson of the first module, marked complete with htmx.
    for lesson in mindset.lessons.filter(published=True).order_by("order"):
        page.goto(live_server.url + lesson.get_absolute_url())
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_text("You completed this lesson.")).to_be_visible()
    page.goto(live_server.url + mindset.get_absolute_url())
    expect(page.get_by_text("5 of 5 lessons")).to_be_visible()

    # The quiz: every answer right but one question worth one point, missed on purpose (every draw has
    # one: most of the metrics pool is worth a point).
    quiz = module_quiz(mindset)
    page.get_by_role("link", name="Take the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    attempt = Attempt.objects.get(user__username="nam", quiz=quiz)
    questions = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_order).prefetch_related("choices")}
    missed = {next(questions[pk].key for pk in attempt.question_order if questions[pk].points == 1)}
    score = shown_percent((attempt.max_score - 1) * 100 / attempt.max_score)
    for position, question_id in enumerate(attempt.question_order, start=1):
        question = attempt.asked(questions[question_id])  # its drawn variant
        expect(page).to_have_url(re.compile(rf"/q/{position}/$"))
        fill_answer(page, question, right=question.key not in missed, token=attempt.token)
        page.get_by_role("button", name="Check my answer").click()
        verdict = "Not quite" if question.key in missed else "Correct"
        expect(page.locator("#answer-panel .feedback h2")).to_contain_text(verdict)
        if position < len(attempt.question_order):
            page.get_by_role("link", name="Next question").click()
    page.get_by_role("button", name="Finish and see my result").click()
    expect(page.get_by_text("Passed (pass mark 70%)")).to_be_visible()
    expect(page.locator(".score-big")).to_have_text(score)

    # The next modules unlock on the path.
    page.get_by_role("link", name="Learning path").click()
    expect(badge(page, "DevOps mindset and metrics")).to_have_text("Mastered · 100%")
    expect(badge(page, "CI/CD on AWS")).to_have_text("Available")
    expect(badge(page, "Infrastructure as Code")).to_have_text("Available")
    expect(badge(page, "Containers on AWS")).to_have_text("Locked")

    # Ten minutes later (the cards' due time moved back; the server's clock is not) the missed
    # question is due: the path shows it, and the review page asks it again.
    learner = attempt.user
    make_cards_due(learner)
    page.reload()
    page.get_by_role("link", name="review cards due").click()
    expect(page.get_by_text("1 card due")).to_be_visible()
    card = ReviewCard.objects.get(user=learner)
    fill_answer(page, card.question.with_variant(0), right=True, token=card.token)  # the review asks variant 1
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#card-panel .feedback h2")).to_contain_text("Correct")
    expect(page.get_by_text("Rated Good: right.")).to_be_visible()
    page.get_by_role("button", name="Next card").click()
    expect(page.get_by_role("heading", name="Nothing to review right now")).to_be_visible()
    card.refresh_from_db()
    assert card.reviews == 2 and card.due - card.last_review == timedelta(days=1)

    # The progress page has changed.
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_text("1 of 6 modules completed")).to_be_visible()
    mindset_row = page.get_by_role("row", name=re.compile("DevOps mindset and metrics"))
    expect(mindset_row.locator(".badge")).to_have_text("Mastered")
    expect(mindset_row).to_contain_text("5 / 5")
    expect(mindset_row).to_contain_text(score)
    expect(page.get_by_text("Active on 1 of the last")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Continue where you left off"))).to_contain_text("CI/CD on AWS")
    assert page.locator(".score-big").first.inner_text() != "0%"
    assert console_errors == []


def test_progress_review_and_certificate_pages_have_no_serious_accessibility_violation(
    page, live_server, live_curriculum
):
    path = LearningPath.objects.get(slug="devops-on-aws")
    learner = make_user("axe-learner", display_name="Axe Learner")
    mindset = module(path, "devops-mindset")
    complete_module(learner, mindset, wrong=misses_worth(ask_every_question(module_quiz(mindset)), 1))
    finish_lessons(learner, module(path, "cicd-on-aws"), but=3)
    make_cards_due(learner)
    certificate = Certificate.objects.create(user=learner, path=path, name="Axe Learner", path_title=path.title)
    login(page, live_server, "axe-learner", PASSWORD)
    problems = {}

    page.goto(f"{live_server.url}/progress/")
    expect(page.get_by_text("1 of 6 modules completed")).to_be_visible()
    problems["progress"] = serious_violations(page)

    page.goto(f"{live_server.url}/progress/review/")
    expect(page.get_by_text("1 card due")).to_be_visible()
    problems["review with a due card"] = serious_violations(page)

    card = ReviewCard.objects.get(user=learner)
    fill_answer(page, card.question, right=False, token=card.token)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_text("Rated Again: wrong.")).to_be_visible()
    problems["review with feedback"] = serious_violations(page)

    page.get_by_role("button", name="Next card").click()
    expect(page.get_by_role("heading", name="Nothing to review right now")).to_be_visible()
    problems["review with nothing due"] = serious_violations(page)

    page.goto(live_server.url + certificate.get_absolute_url())
    expect(page.get_by_role("heading", name="Certificate of completion")).to_be_visible()
    problems["certificate"] = serious_violations(page)

    assert {name: found for name, found in problems.items() if found} == {}
