"""Derived results follow their source (issue 20, point 1): a content change that alters a grade, a
review card, module progress or a certificate brings it up to date in the same transaction, through
whichever door the change came (an admin save, a bulk update, a plain model save, a deletion).

The examples of the issue, each with its right value; then the general test: after every kind of
content change, everything derived equals what a recomputation from the content and the answers
gives (no regrade left to do, no progress row to fix, no card or certificate missing)."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse

from courses import changes
from courses.models import Lesson, Module
from progress import rebuild, services
from progress.derived import invalidated
from progress.models import Certificate, ModuleProgress, ReviewCard
from progress.states import State, learner_statuses
from quizzes.attempts import close_attempt, regrade, start_attempt, submit_answer
from quizzes.models import Attempt, Choice, Question, QuestionKind, Quiz, Response
from tests.factories import make_path, make_user
from tests.quizzes.conftest import answer_data, build_quiz
from tests.quizzes.test_grading import form
from tests.quizzes.test_quiz_admin import change_post, management

pytestmark = pytest.mark.django_db


def colour_quiz(module=None) -> Quiz:
    """A one-question quiz: "Which colour?" Red (the key), Green, Blue; pass mark 70."""
    quiz = build_quiz(kinds=[], count=0, slug="colours", module=module, pass_mark=70)
    question = Question.objects.create(
        quiz=quiz,
        key="colour",
        kind=QuestionKind.SINGLE,
        prompt_md="Which colour?",
        explanation_md="Because.",
        published=True,
    )
    for order, (text, right) in enumerate([("Red", True), ("Green", False), ("Blue", False)], start=1):
        Choice.objects.create(question=question, key=text.lower(), text=text, is_correct=right, order=order)
    return quiz


def answer_colour(user, quiz: Quiz, colour: str) -> Attempt:
    attempt = start_attempt(user, quiz)
    question = quiz.questions.get()
    picked = question.choices.get(text=colour)
    submit_answer(attempt, question, form(answer=attempt.token("c", picked.pk)))
    return close_attempt(attempt)


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


# --- the examples of the issue ---------------------------------------------------------------------


def test_a_key_changed_in_the_admin_regrades_at_once_and_says_so(instructor_client, client, learner, other_learner):
    quiz = colour_quiz()
    green = answer_colour(learner, quiz, "Green")
    red = answer_colour(other_learner, quiz, "Red")
    question = quiz.questions.get()
    assert (green.passed, red.passed) == (False, True)
    data = change_post(question)
    for n, choice in enumerate(question.choices.all()):  # Red -> Green
        data.pop(f"choices-{n}-is_correct", None)
        if choice.text == "Green":
            data[f"choices-{n}-is_correct"] = "on"

    response = instructor_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)

    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        "Regraded at once with the new key: 2 answers changed; 2 attempts' scores changed "
        "(1 now pass, 1 no longer pass)." in said
    )
    green.refresh_from_db()
    red.refresh_from_db()
    assert (green.score, green.passed, red.score, red.passed) == (1, True, 0, False)
    assert ModuleProgress.objects.get(user=learner).quiz_passed
    assert not ModuleProgress.objects.get(user=other_learner).quiz_passed
    assert ModuleProgress.objects.get(user=learner).best_percent == 100
    # No learner reads a verdict that contradicts the key beside it.
    for user, attempt, verdict, points in (
        (learner, green, "Correct", "1 of 1 point"),
        (other_learner, red, "Not quite", "0 of 1 point"),
    ):
        client.force_login(user)
        page = client.get(reverse("quizzes:result", args=[attempt.public_id])).content.decode()
        assert verdict in page and points in page, user


def test_after_a_regrade_review_cards_follow_the_new_verdicts(learner, other_learner):
    quiz = colour_quiz()
    answer_colour(learner, quiz, "Green")
    answer_colour(other_learner, quiz, "Red")
    question = quiz.questions.get()
    assert set(ReviewCard.objects.values_list("user_id", flat=True)) == {learner.pk}

    question.choices.filter(text="Red").update(is_correct=False)
    green = question.choices.get(text="Green")
    green.is_correct = True
    green.save()

    # The learner who became right loses the card; the one who became wrong gets one, due soon.
    card = ReviewCard.objects.get()
    assert card.user_id == other_learner.pk and card.question_id == question.pk and card.module_id == quiz.module_id
    assert card.reviews == 1 and card.due > card.created_at  # scheduled as a fresh miss: back in ten minutes


def test_a_learner_who_is_still_wrong_in_another_attempt_keeps_the_card(learner):
    quiz = colour_quiz()
    answer_colour(learner, quiz, "Green")
    answer_colour(learner, quiz, "Blue")
    question = quiz.questions.get()
    with changes.batch():
        question.choices.filter(text="Red").update(is_correct=False)
        question.choices.filter(text="Green").update(is_correct=True)
    assert ReviewCard.objects.filter(user=learner, question=question).exists()  # Blue is still wrong


def test_unpublishing_a_module_quiz_completes_the_module_for_a_learner_who_did_every_lesson(instructor_client, learner):
    path = make_path(modules=1, lessons=2, slug="unpublish", with_quiz=False)
    module = path.modules.get()
    quiz = colour_quiz(module=module)
    for lesson in module.lessons.all():
        services.complete_lesson(learner, lesson)
    answer_colour(learner, quiz, "Blue")
    assert [s.state for s in learner_statuses(path, learner)] == [State.IN_PROGRESS]
    data = {
        "module": str(module.pk),
        "lesson": "",
        "key": quiz.key,
        "title_en": quiz.title,
        "pass_mark": str(quiz.pass_mark),
        "shuffle_choices": "on",
        **management("pools", 0),
        **management("questions", 1, 1),
        "questions-0-id": str(quiz.questions.get().pk),
        "questions-0-quiz": str(quiz.pk),
        "questions-0-order": "0",
        "questions-0-points": "1",
        "questions-0-published": "on",
    }

    response = instructor_client.post(reverse("admin:quizzes_quiz_change", args=[quiz.pk]), data)

    assert response.status_code == 302
    assert not Quiz.objects.get(pk=quiz.pk).published
    assert [s.state for s in learner_statuses(path, learner)] == [State.MASTERED]
    assert ModuleProgress.objects.get(user=learner, module=module).completed
    assert Certificate.objects.filter(user=learner, path=path).exists()
    assert "Module progress brought up to date for 1 learner." in [str(m) for m in get_messages(response.wsgi_request)]


# --- which changes invalidate what: the one rule --------------------------------------------------


def change(model, kind=changes.UPDATED, fields=(), before=None, after=None, pk=1) -> changes.Change:
    return changes.Change(model, pk, kind, frozenset(fields), before or {}, after or {})


def test_the_rule_names_what_each_change_invalidates():
    assert invalidated([change(Choice, fields={"is_correct"}, after={"question_id": 7})]).questions == {7}
    assert not invalidated([change(Choice, fields={"feedback"}, after={"question_id": 7})])
    assert invalidated([change(Question, fields={"points"}, pk=3)]).questions == {3}
    assert not invalidated([change(Question, fields={"prompt_md", "prompt_html"}, pk=3)])
    assert invalidated([change(Quiz, fields={"pass_mark"}, pk=4)]).quizzes == {4}
    moved = change(Lesson, fields={"module_id"}, before={"module_id": 1}, after={"module_id": 2})
    assert invalidated([moved]).modules == {1, 2}
    assert invalidated([change(Quiz, fields={"published"}, after={"module_id": 5})]).modules == {5}
    assert not invalidated([change(Lesson, fields={"body_md", "body_html", "body_text"}, after={"module_id": 5})])
    assert invalidated([change(Module, fields={"published"}, after={"path_id": 9})]).paths == {9}
    gone = change(Lesson, kind=changes.DELETED, fields={"id", "module_id"}, before={"module_id": 6})
    assert invalidated([gone]).modules == {6}


# --- the general test: every kind of content change, through every door ------------------------------


KINDS = [QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.NUMERIC, QuestionKind.SHORT_TEXT]
KINDS += [QuestionKind.ORDERING, QuestionKind.MATCHING, QuestionKind.TRUE_FALSE, QuestionKind.FAULTY_LINE]


@pytest.fixture
def world(learner, other_learner):
    """A two-module path; module 1 has a quiz of every kind, module 2 the colour quiz. Three learners:
    one right everywhere, one partly right, one wrong; all finished their lessons."""
    path = make_path(modules=2, lessons=2, slug="world", with_quiz=False, chain=False)
    first, second = path.modules.order_by("order")
    quiz = build_quiz(kinds=KINDS, module=first, pass_mark=60)
    colours = colour_quiz(module=second)
    third = make_user("learner3")
    for user, how in ((learner, "right"), (other_learner, "partial"), (third, "wrong")):
        for module in (first, second):
            for lesson in module.lessons.all():
                services.complete_lesson(user, lesson)
        attempt = start_attempt(user, quiz)
        for question in quiz.questions.all():
            submit_answer(attempt, question, form(**answer_data(attempt, question, how)))
        close_attempt(attempt)
        answer_colour(user, colours, {"right": "Red", "partial": "Green", "wrong": "Blue"}[how])
    return path


def _question(path, kind) -> Question:
    return Question.objects.get(quiz__module__path=path, quiz__module__order=1, kind=kind)


def _flip_single(path):
    question = _question(path, QuestionKind.SINGLE)
    right, wrong = question.choices.order_by("order")[:2]
    right.is_correct, wrong.is_correct = False, True
    right.save()
    wrong.save()


CONTENT_CHANGES = {
    "a single-choice key moved (saves)": _flip_single,
    "a key moved by a bulk update": lambda path: (
        Choice.objects.filter(question__quiz__module__path=path, text="Red").update(is_correct=False),
        Choice.objects.filter(question__quiz__module__path=path, text="Green").update(is_correct=True),
    ),
    "a correct choice added (bulk create)": lambda path: Choice.objects.bulk_create(
        [Choice(question=_question(path, QuestionKind.MULTIPLE), key="c9", text="also good", is_correct=True, order=9)]
    ),
    "a question's points": lambda path: Question.objects.filter(pk=_question(path, QuestionKind.NUMERIC).pk).update(
        points=Decimal(3)
    ),
    "a numeric answer": lambda path: _save(_question(path, QuestionKind.NUMERIC), numeric_answer=Decimal(99)),
    "a numeric tolerance": lambda path: _save(_question(path, QuestionKind.NUMERIC), tolerance=Decimal(100)),
    "a short answer accepted": lambda path: _save(
        _question(path, QuestionKind.SHORT_TEXT).choices.get(text="appspec.yml"), is_correct=True
    ),
    "an ordering's right order": lambda path: Choice.objects.bulk_update(
        [
            _set(c, order=5 - c.order)
            for c in _question(path, QuestionKind.ORDERING).choices.all()  # the reverse order is right now
        ],
        ["order"],
    ),
    "a matching pair": lambda path: _save(
        _question(path, QuestionKind.MATCHING).choices.order_by("order").first(), match_text="something else"
    ),
    "a true/false key": lambda path: [
        _save(c, is_correct=not c.is_correct) for c in _question(path, QuestionKind.TRUE_FALSE).choices.all()
    ],
    "a faulty line": lambda path: _with_batch(
        lambda: [_save(c, is_correct=c.order == 2) for c in _question(path, QuestionKind.FAULTY_LINE).choices.all()]
    ),
    "a pass mark raised": lambda path: _save(Quiz.objects.get(module__path=path, module__order=1), pass_mark=100),
    "a pass mark lowered (bulk)": lambda path: Quiz.objects.filter(module__path=path).update(pass_mark=10),
    "a quiz unpublished": lambda path: _save(Quiz.objects.get(module__path=path, module__order=2), published=False),
    "quizzes unpublished (bulk)": lambda path: Quiz.objects.filter(module__path=path).update(published=False),
    "a lesson unpublished": lambda path: _save(Lesson.objects.filter(module__path=path).first(), published=False),
    "a lesson deleted": lambda path: Lesson.objects.filter(module__path=path).first().delete(),
    "a lesson added": lambda path: Lesson.objects.create(
        module=Module.objects.get(path=path, order=1), key="new", slug="new", title="New", body_md="x", published=True
    ),
    "a lesson moved to the other module": lambda path: _save(
        Lesson.objects.filter(module__path=path, module__order=1).first(),
        module=Module.objects.get(path=path, order=2),
        key="moved",
        slug="moved",
    ),
    "a module unpublished": lambda path: _save(Module.objects.get(path=path, order=2), published=False),
    "modules unpublished (bulk)": lambda path: Module.objects.filter(path=path, order=2).update(published=False),
}


def _set(instance, **values):
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


def _save(instance, **values):
    _set(instance, **values).save()
    return instance


def _with_batch(work):
    with changes.batch():
        return work()


def assert_derived_results_follow_the_content(path):
    questions = list(Question.objects.filter(quiz__module__path=path))
    assert regrade(questions, apply=False) == [], "a stored grade disagrees with the key"
    missed = set(
        Response.objects.missed().filter(question__in=questions).values_list("attempt__user_id", "question_id")
    )
    cards = set(ReviewCard.objects.filter(question__in=questions).values_list("user_id", "question_id"))
    assert cards == missed, "review cards disagree with the verdicts"
    modules = list(Module.objects.filter(path=path))
    with transaction.atomic():
        counts = rebuild.rebuild(None, modules)
        transaction.set_rollback(True)
    assert counts["updated"] == 0, "a progress row disagrees with the content"
    with transaction.atomic():
        learners = set(ModuleProgress.objects.filter(module__path=path).values_list("user_id", flat=True))
        assert services.issue_certificates(path, learners) == 0, "a certificate earned was not issued"
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", list(CONTENT_CHANGES))
def test_every_content_change_brings_what_is_derived_from_it_up_to_date(world, name):
    assert_derived_results_follow_the_content(world)
    CONTENT_CHANGES[name](world)
    assert_derived_results_follow_the_content(world)


def test_the_general_test_would_catch_a_change_made_behind_the_apps_back(world):
    """The check above can fail: a key changed in plain SQL is a grade left behind."""
    from django.db.models import QuerySet

    QuerySet.update(Choice.objects.filter(question__quiz__module__path=world, text="Red"), is_correct=False)
    with pytest.raises(AssertionError, match="grade disagrees"):
        assert_derived_results_follow_the_content(world)


def test_a_batch_announces_once_and_an_error_drops_its_changes(world):
    seen = []

    def listen(sender, changes, report, **kwargs):
        seen.append(len(changes))

    changes.content_changed.connect(listen)
    try:
        with changes.batch():
            _flip_single(world)
            with changes.batch():
                _save(Quiz.objects.get(module__path=world, module__order=1), pass_mark=90)
        assert seen == [3]
        with pytest.raises(RuntimeError), changes.batch():
            _flip_single(world)
            raise RuntimeError
        assert seen == [3]
    finally:
        changes.content_changed.disconnect(listen)
    assert_derived_results_follow_the_content(world)


# --- load_content is one batch too -----------------------------------------------------------------

COURSE_QUIZ = """\
title: Colours
pass_mark: 70
published: true
questions:
  - key: colour
    kind: single
    prompt: Which colour?
    explanation: Because.
    choices:
      - key: red
        text: Red
        correct: true
      - key: green
        text: Green
        correct: false
"""


def test_load_content_that_moves_a_key_regrades_and_says_so(tmp_path, learner):
    from courses.importers import load_content

    root = tmp_path / "content"
    (root / "m1").mkdir(parents=True)
    (root / "path.yaml").write_text("slug: colour-path\ntitle: Colour path\n", encoding="utf-8")
    (root / "m1" / "module.yaml").write_text("slug: m1\ntitle: Module one\norder: 1\n", encoding="utf-8")
    (root / "m1" / "01-first.md").write_text(
        "---\nkey: first\ntitle: First\norder: 1\nreviewed: 2026-11-29\n---\nText.\n", encoding="utf-8"
    )
    (root / "m1" / "quiz.yaml").write_text(COURSE_QUIZ, encoding="utf-8")
    load_content(root)
    quiz = Quiz.objects.get(module__path__slug="colour-path")
    attempt = answer_colour(learner, quiz, "Green")
    assert not attempt.passed and ReviewCard.objects.filter(user=learner).exists()
    swapped = COURSE_QUIZ.replace("correct: true", "correct: @").replace("correct: false", "correct: true")
    (root / "m1" / "quiz.yaml").write_text(swapped.replace("correct: @", "correct: false"), encoding="utf-8")

    report = load_content(root)

    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == 1
    assert not ReviewCard.objects.filter(user=learner).exists()
    assert (
        "note: Regraded at once with the new key: 1 answer changed; 1 attempt's score changed "
        "(1 now passes, 0 no longer passes)." in report.summary()
    )
