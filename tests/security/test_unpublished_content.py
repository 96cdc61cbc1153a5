"""Unpublished content never reaches a page outside the admin and the preview (issue 20.5: a lead
read a draft question and its answer key at /cohorts/<slug>/questions/<id>/).

Drafts of every kind (a question of a published quiz, a quiz of a published module, a lesson of a
published module, a whole module with its lesson and quiz) are marked DRAFTMARK in every text, and
have answers from cohort members given while they were published. Every page of the URL table is
requested by every role, with the world's ids and with each draft's ids in their place: no page may
show the mark.
"""

from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse

from courses.models import Lesson, Module
from quizzes.attempts import close_attempt, start_attempt, submit_answer
from quizzes.models import Quiz
from tests.quizzes.conftest import add_question, answer_data
from tests.security import test_access_matrix
from tests.security.test_access_matrix import ROLES, TABLE, all_url_names

world = test_access_matrix.world  # the access matrix's fixture: real objects of every kind


def marked(question):
    """Put the mark in every text of ``question`` that a page could show (prompt, explanation, choices)."""
    question.prompt_md, question.explanation_md = f"{MARK} prompt", f"{MARK} explanation"
    question.save()
    for choice in question.choices.all():
        choice.text, choice.feedback = f"{MARK} {choice.text}", f"{MARK} feedback"
        choice.save()
    return question


MARK = "draftmark"
ALLOWED = {
    "quizzes:preview",  # the staff preview shows drafts by design
    "privacy-export",  # a person's own data: every attempt they made, withdrawn quizzes included (right of access)
}


@pytest.fixture
def drafts(world):
    module, lesson = world["module"], world["lesson"]
    learner, other = world["users"]["owner"], world["users"]["other"]
    quiz = world["quiz"]
    question = marked(add_question(quiz, "single", key="withdrawn-q", order=90))
    draft_lesson = Lesson.objects.create(
        module=module,
        key="withdrawn-lesson",
        slug="withdrawn-lesson",
        title=f"{MARK} lesson",
        order=90,
        body_md=f"{MARK} body",
        published=False,
    )
    lesson_quiz = Quiz.objects.create(
        module=module, lesson=lesson, key="withdrawn-lq", title=f"{MARK} lesson quiz", published=True
    )
    lesson_question = marked(add_question(lesson_quiz, "single", key="withdrawn-lqq", order=1))
    hidden_module = Module.objects.create(
        path=module.path,
        slug="withdrawn-module",
        title=f"{MARK} module",
        order=90,
        published=True,
        summary=f"{MARK} summary",
    )
    hidden_lesson = Lesson.objects.create(
        module=hidden_module,
        key="withdrawn-ml",
        slug="withdrawn-ml",
        title=f"{MARK} module lesson",
        order=1,
        body_md=f"{MARK} body",
        published=True,
    )
    module_quiz = Quiz.objects.create(
        module=hidden_module, key="withdrawn-mq", title=f"{MARK} module quiz", published=True
    )
    module_question = marked(add_question(module_quiz, "single", key="withdrawn-mqq", order=1))
    # Members answer while all of it is published (a member of the lead's cohort among them); the
    # world's open attempt is closed first, so that the learner's next one holds the new question.
    close_attempt(world["quiz"].attempts.get(public_id=world["kwargs"]["public_id"]))
    attempts = []
    for user in (learner, other):
        for each in (world["quiz"], lesson_quiz, module_quiz):
            attempt = start_attempt(user, each)
            attempts.append(attempt)
            for asked in each.questions.published():
                submit_answer(
                    attempt, asked, QueryDict(urlencode(answer_data(attempt, asked, "wrong"), doseq=True)), user=user
                )
            close_attempt(attempt)
    # Then the instructor withdraws them.
    question.published = False
    question.save()
    lesson_quiz.published = False
    lesson_quiz.save()
    hidden_module.published = False
    hidden_module.save()
    return {
        "question_id": [question.pk, lesson_question.pk, module_question.pk],
        "quiz_id": [lesson_quiz.pk, module_quiz.pk],
        "lesson_slug": [draft_lesson.slug],
        "module_slug": [(hidden_module.slug, hidden_lesson.slug)],
        "public_id": [a.public_id for a in attempts if a.user == learner],
        "positions": [(a.public_id, len(a.question_order)) for a in attempts if a.user == learner],
    }


def variants(world, drafts, params):
    """The page's URL kwargs with the world's objects, then with each draft in its place."""
    base = {p: world["kwargs"][p] for p in params}
    yield base
    for param in ("question_id", "quiz_id", "lesson_slug", "public_id"):
        if param in params:
            for value in drafts[param]:
                yield {**base, param: value}
    if "public_id" in params and "position" in params:
        for public_id, count in drafts["positions"]:
            for position in range(1, count + 1):
                yield {**base, "public_id": public_id, "position": position}
    if "module_slug" in params:
        for module_slug, lesson_slug in drafts["module_slug"]:
            yield {
                **base,
                "module_slug": module_slug,
                **({"lesson_slug": lesson_slug} if "lesson_slug" in params else {}),
            }


def test_no_page_outside_the_admin_and_preview_shows_unpublished_content(client, world, drafts):
    client.raise_request_exception = False
    names = dict(all_url_names())
    leaks = []
    for name, (get_row, _post) in TABLE.items():
        if name in ALLOWED:
            continue
        for kwargs in variants(world, drafts, names[name]):
            url = reverse(name, kwargs=kwargs)
            for role, expected in zip(ROLES, get_row.split(), strict=True):
                if expected in ("405", "login"):
                    continue
                client.logout()
                if world["users"][role] is not None:
                    client.force_login(world["users"][role])
                with transaction.atomic():
                    response = client.get(url)
                    body = b"".join(response.streaming_content) if response.streaming else response.content
                    transaction.set_rollback(True)
                if MARK.encode() in body.lower():
                    leaks.append(f"{url} as {role} ({response.status_code})")
    assert leaks == [], "\n".join(leaks)


def test_the_leads_question_page_of_a_withdrawn_question_is_not_found(client, world, drafts):
    client.force_login(world["users"]["lead"])
    for question_id in drafts["question_id"]:
        url = reverse("cohorts:question", args=[world["cohort"].slug, question_id])
        assert client.get(url).status_code == 404


def test_the_quiz_rule_for_a_loaded_quiz_agrees_with_the_queryset(world, drafts):
    shown = set(Quiz.objects.shown_to_learners().values_list("pk", flat=True))
    for quiz in Quiz.objects.select_related("module", "lesson"):
        assert quiz.is_shown_to_learners == (quiz.pk in shown), quiz
    assert len(shown) < Quiz.objects.count()
