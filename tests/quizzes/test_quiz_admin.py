"""Authoring in the admin as the instructor (staff in the Instructors group, not a superuser): a quiz
and a question of each kind with their choices, validation in plain words, protection of answered
questions, the response count, the preview and the regrade (a dry run, then one transaction)."""

import re
from decimal import Decimal

import pytest
from django.db.models import QuerySet
from django.urls import reverse

from progress.models import ModuleProgress
from quizzes.attempts import close_attempt, start_attempt, submit_answer
from quizzes.models import Attempt, Choice, Question, QuestionKind, Quiz, Response
from quizzes.signals import attempt_regraded
from tests.quizzes.conftest import answer_data, build_quiz, questions_of
from tests.quizzes.test_grading import form

QUESTION_ADD = reverse("admin:quizzes_question_add")


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def question_post(quiz: Quiz, kind: str, choices: list[dict], **fields) -> dict:
    """The question add form as the browser sends it: the question's fields and its choice inline."""
    data = {
        "quiz": str(quiz.pk),
        "key": "",
        "kind": kind,
        "order": "1",
        "points": "1",
        "published": "on",
        "prompt_md_en": f"Which is right? *({kind})*",
        "explanation_md_en": f"Because of the **{kind}** rule.",
        "numeric_answer": "",
        "tolerance": "",
        "unit_en": "",
        **management("choices", len(choices)),
        **fields,
    }
    for n, choice in enumerate(choices):
        data[f"choices-{n}-order"] = str(choice.get("order", n + 1))
        data[f"choices-{n}-text_en"] = choice["text"]
        data[f"choices-{n}-match_text_en"] = choice.get("match", "")
        data[f"choices-{n}-feedback_en"] = choice.get("feedback", "")
        if choice.get("correct"):
            data[f"choices-{n}-is_correct"] = "on"
    return data


GOOD = {
    QuestionKind.SINGLE: ([{"text": "Canary", "correct": True}, {"text": "Big bang", "feedback": "Too risky."}], {}),
    QuestionKind.MULTIPLE: (
        [{"text": "Metrics", "correct": True}, {"text": "Logs", "correct": True}, {"text": "Vibes"}],
        {},
    ),
    QuestionKind.TRUE_FALSE: ([{"text": "True", "correct": True}, {"text": "False"}], {}),
    QuestionKind.ORDERING: ([{"text": "Source"}, {"text": "Build"}, {"text": "Test"}, {"text": "Deploy"}], {}),
    QuestionKind.MATCHING: (
        [
            {"text": "ECR", "match": "stores images"},
            {"text": "ECS", "match": "runs containers"},
            {"text": "X-Ray", "match": "traces requests"},
        ],
        {},
    ),
    QuestionKind.NUMERIC: ([], {"numeric_answer": "10", "tolerance": "0.5", "unit_en": "%"}),
    QuestionKind.SHORT_TEXT: ([{"text": "buildspec.yml", "correct": True}, {"text": "appspec.yml"}], {}),
}

BAD = [
    (QuestionKind.SINGLE, [{"text": "A", "correct": True}, {"text": "B", "correct": True}], {}, "exactly one correct"),
    (QuestionKind.SINGLE, [{"text": "A"}, {"text": "B"}], {}, "exactly one correct choice (it has 0)"),
    (QuestionKind.MULTIPLE, [{"text": "A"}, {"text": "B"}], {}, "at least one correct choice"),
    (QuestionKind.TRUE_FALSE, [{"text": "True", "correct": True}], {}, "exactly the two choices"),
    (
        QuestionKind.TRUE_FALSE,
        [{"text": "True", "correct": True}, {"text": "False"}, {"text": "Maybe"}],
        {},
        "exactly the two choices",
    ),
    (QuestionKind.ORDERING, [{"text": "Build"}, {"text": "Deploy"}], {}, "at least three items"),
    (
        QuestionKind.MATCHING,
        [{"text": "ECR", "match": "images"}, {"text": "ECS", "match": "images"}, {"text": "EKS", "match": "pods"}],
        {},
        "Matching pairs must be unique",
    ),
    (
        QuestionKind.MATCHING,
        [{"text": "ECR", "match": "images"}, {"text": "ECS"}, {"text": "EKS", "match": "pods"}],
        {},
        "needs its match",
    ),
    (QuestionKind.NUMERIC, [], {"numeric_answer": "", "tolerance": "0"}, "needs its answer"),
    (QuestionKind.NUMERIC, [], {"numeric_answer": "10", "tolerance": ""}, "tolerance of zero or more"),
    (QuestionKind.NUMERIC, [], {"numeric_answer": "10", "tolerance": "-1"}, "The tolerance cannot be negative"),
    (QuestionKind.SHORT_TEXT, [{"text": "appspec.yml"}], {}, "at least one accepted answer"),
    (QuestionKind.SHORT_TEXT, [], {}, "at least one accepted answer"),
]


@pytest.fixture
def quiz(db):
    return build_quiz(count=0, slug="authoring")


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


def test_the_instructor_is_staff_in_the_instructors_group_but_not_a_superuser(instructor):
    assert instructor.is_staff and not instructor.is_superuser
    assert instructor.groups.filter(name="Instructors").exists()


def test_the_instructor_creates_a_quiz(instructor_client, quiz):
    module = quiz.module
    quiz.delete()  # the module's quiz slot is free again
    page = instructor_client.get(reverse("admin:quizzes_quiz_add"))
    assert page.status_code == 200
    response = instructor_client.post(
        reverse("admin:quizzes_quiz_add"),
        {
            "module": str(module.pk),
            "lesson": "",
            "key": "module",
            "title_en": "Pipelines: module quiz",
            "pass_mark": "80",
            "shuffle_choices": "on",
            "max_attempts": "3",
            "time_limit_minutes": "",
            "published": "on",
            **management("pools", 0),
            **management("questions", 0),
        },
    )
    assert response.status_code == 302, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode())
    created = Quiz.objects.get(title="Pipelines: module quiz")
    assert (created.module, created.pass_mark, created.max_attempts, created.published) == (module, 80, 3, True)
    change = instructor_client.get(reverse("admin:quizzes_quiz_change", args=[created.pk])).content.decode()
    assert f"{QUESTION_ADD}?quiz={created.pk}" in change


@pytest.mark.parametrize("kind", list(GOOD))
def test_the_instructor_creates_a_question_of_each_kind_with_its_choices(instructor_client, quiz, kind):
    choices, fields = GOOD[kind]
    assert instructor_client.get(f"{QUESTION_ADD}?quiz={quiz.pk}").status_code == 200

    response = instructor_client.post(QUESTION_ADD, question_post(quiz, kind, choices, **fields))

    assert response.status_code == 302, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode())
    question = Question.objects.get(quiz=quiz)
    assert question.kind == kind and question.key.startswith("q-")
    assert question.prompt_html == f"<p>Which is right? <em>({kind})</em></p>"
    assert [c.text for c in question.choices.all()] == [c["text"] for c in choices]
    assert [c.is_correct for c in question.choices.all()] == [bool(c.get("correct")) for c in choices]
    if kind == QuestionKind.NUMERIC:
        assert (question.numeric_answer, question.tolerance, question.unit) == (Decimal(10), Decimal("0.5"), "%")
    change = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert change.status_code == 200 and b"0 learner responses" in change.content


def test_an_authored_question_can_be_answered_and_its_statistics_seen(client, instructor, learner, quiz):
    """The issue's "done when": authored in the admin, answered by a learner, measured in the admin."""
    client.force_login(instructor)
    choices, fields = GOOD[QuestionKind.SINGLE]
    client.post(QUESTION_ADD, question_post(quiz, QuestionKind.SINGLE, choices, **fields))
    question = Question.objects.get(quiz=quiz)

    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=learner)
    client.post(reverse("quizzes:question", args=[attempt.public_id, 1]), answer_data(attempt, question, "wrong"))
    client.post(reverse("quizzes:finish", args=[attempt.public_id]))

    client.force_login(instructor)
    stats = client.get(reverse("admin:quizzes_question_statistics", args=[question.pk])).content.decode()
    assert re.search(r"Responses</th><td>1</td>", stats)
    assert re.search(r"Facility index</th><td>0.0%</td>", stats)
    assert "Big bang (1)" in stats
    # Searched by its key: the real curriculum's questions fill more than one page of the list.
    listing = client.get(reverse("admin:quizzes_question_changelist"), {"q": question.key}).content.decode()
    assert "0%" in listing


@pytest.mark.parametrize(("kind", "choices", "fields", "message"), BAD)
def test_each_kind_is_validated_in_plain_words(instructor_client, quiz, kind, choices, fields, message):
    response = instructor_client.post(QUESTION_ADD, question_post(quiz, kind, choices, **fields))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Constraint" not in page and "violated" not in page
    assert not Question.objects.filter(quiz=quiz).exists()


def test_a_learner_and_a_cohort_lead_cannot_reach_the_admin(client, learner, lead, quiz):
    question = build_quiz(slug="other").questions.first()
    for person in (learner, lead):
        client.force_login(person)
        for url in (
            reverse("admin:index"),
            reverse("admin:quizzes_quiz_changelist"),
            QUESTION_ADD,
            reverse("admin:quizzes_question_change", args=[question.pk]),
            reverse("admin:quizzes_question_statistics", args=[question.pk]),
            reverse("admin:quizzes_question_regrade", args=[question.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 302 and reverse("admin:login") in response.url, (person, url)
        response = client.post(QUESTION_ADD, question_post(quiz, "single", GOOD["single"][0]))
        assert response.status_code == 302 and reverse("admin:login") in response.url
    assert not Question.objects.filter(quiz=quiz).exists()


def test_the_preview_shows_the_question_as_a_learner_sees_it_to_staff_only(client, instructor, learner):
    quiz = build_quiz(slug="preview")
    client.force_login(instructor)
    for question in quiz.questions.all():
        page = client.get(reverse("quizzes:preview", args=[question.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert question.prompt_html in html
        assert "Answer key (instructors only)" in html
        if question.is_choice_kind:  # a faulty line: one radio per line of the artifact
            assert html.count('name="answer"') == question.choices.count()
        elif question.kind == QuestionKind.ORDERING:
            assert html.count('name="position-') == question.choices.count()
        elif question.kind == QuestionKind.MATCHING:
            assert html.count('name="match-') == question.choices.count()
        else:
            assert 'id="answer-input"' in html
    change = client.get(reverse("admin:quizzes_question_change", args=[question.pk])).content.decode()
    assert reverse("quizzes:preview", args=[question.pk]) in change

    client.force_login(learner)
    assert client.get(reverse("quizzes:preview", args=[question.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("quizzes:preview", args=[question.pk])).status_code == 302


# --- answered questions --------------------------------------------------------------------------


@pytest.fixture
def answered(learner):
    """A single-choice quiz (pass mark 70) that the learner finished, answering the question wrongly."""
    quiz = build_quiz(kinds=[QuestionKind.SINGLE], slug="answered")
    question = quiz.questions.get()
    attempt = start_attempt(learner, quiz)
    submit_answer(attempt, question, form(**answer_data(attempt, question, "wrong")))
    return close_attempt(attempt), question


def change_post(question: Question, **overrides) -> dict:
    """The change form of ``question`` as it stands, with its choices."""
    choices = list(question.choices.all())
    data = {
        "quiz": str(question.quiz_id),
        "key": question.key,
        "kind": question.kind,
        "order": str(question.order),
        "points": str(question.points),
        "published": "on" if question.published else "",
        "prompt_md_en": question.prompt_md,
        "explanation_md_en": question.explanation_md,
        "numeric_answer": "",
        "tolerance": "",
        "unit_en": "",
        **management("choices", len(choices), len(choices)),
    }
    for n, choice in enumerate(choices):
        data |= {
            f"choices-{n}-id": str(choice.pk),
            f"choices-{n}-question": str(question.pk),
            f"choices-{n}-order": str(choice.order),
            f"choices-{n}-text_en": choice.text,
            f"choices-{n}-match_text_en": choice.match_text,
            f"choices-{n}-feedback_en": choice.feedback,
        }
        if choice.is_correct:
            data[f"choices-{n}-is_correct"] = "on"
    return {k: v for k, v in (data | overrides).items() if v is not None}


def test_the_change_page_says_how_many_responses_the_question_has(instructor_client, answered):
    _attempt, question = answered
    page = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk])).content.decode()
    assert "1 learner response" in page
    assert reverse("admin:quizzes_question_regrade", args=[question.pk]) in page


def test_a_question_with_responses_cannot_be_deleted(instructor_client, answered):
    _attempt, question = answered
    change = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk])).content.decode()
    delete_url = reverse("admin:quizzes_question_delete", args=[question.pk])
    assert delete_url not in change
    assert instructor_client.get(delete_url).status_code == 403
    assert instructor_client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = instructor_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "delete_selected", "_selected_action": [str(question.pk)], "post": "yes"},
        follow=True,
    )
    assert bulk.status_code == 200
    assert Question.objects.filter(pk=question.pk).exists()


def test_an_unanswered_question_can_be_deleted(instructor_client, quiz):
    question = build_quiz(slug="fresh").questions.first()
    response = instructor_client.post(reverse("admin:quizzes_question_delete", args=[question.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_the_choices_of_a_question_with_responses_cannot_be_deleted(instructor_client, answered):
    _attempt, question = answered
    choice = question.choices.filter(is_correct=False).last()
    n = list(question.choices.all()).index(choice)
    response = instructor_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        change_post(question, **{f"choices-{n}-DELETE": "on"}),
    )
    assert response.status_code == 200
    assert "Learners have answered this question, so its choices cannot be deleted" in response.content.decode()
    assert Choice.objects.filter(pk=choice.pk).exists()


def test_an_answered_question_cannot_be_deleted_from_its_quiz_either(instructor_client, answered):
    _attempt, question = answered
    quiz = question.quiz
    data = {
        "module": str(quiz.module_id),
        "lesson": "",
        "key": quiz.key,
        "title_en": quiz.title,
        "pass_mark": str(quiz.pass_mark),
        "shuffle_choices": "on",
        "published": "on",
        **management("pools", 0),
        **management("questions", 1, 1),
        "questions-0-id": str(question.pk),
        "questions-0-quiz": str(quiz.pk),
        "questions-0-order": str(question.order),
        "questions-0-points": "1",
        "questions-0-published": "on",
        "questions-0-DELETE": "on",
    }
    response = instructor_client.post(reverse("admin:quizzes_quiz_change", args=[quiz.pk]), data)
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


# --- regrade -------------------------------------------------------------------------------------


def fix_the_key(question: Question) -> None:
    """The choice the learner picked was right after all, written behind the apps' back (plain SQL, a
    restored dump): no content change is recorded, so nothing regrades until the Regrade page does.
    (Every change through the models regrades at once: tests/progress/test_derived_results.py.)"""
    picked = Response.objects.get(question=question).answer["choices"][0]
    QuerySet.update(question.choices.all(), is_correct=False)
    QuerySet.update(question.choices.filter(pk=picked), is_correct=True)


def test_regrade_shows_a_dry_run_that_changes_nothing(instructor_client, answered):
    attempt, question = answered
    fix_the_key(question)
    page = instructor_client.get(reverse("admin:quizzes_question_regrade", args=[question.pk])).content.decode()
    assert "would change 1 attempt" in page
    assert "learner1" in page and "0.0% → 100.0%" in page and "no → yes" in page
    attempt.refresh_from_db()
    assert attempt.score == 0 and not attempt.passed
    assert Response.objects.get(question=question).points == 0


def test_regrade_applies_when_confirmed_and_progress_follows(instructor_client, answered, learner):
    attempt, question = answered
    row = ModuleProgress.objects.get(user=learner, module=question.quiz.module)
    assert not row.quiz_passed and row.best_percent == 0
    fix_the_key(question)
    seen = []

    def listen(sender, **kwargs):
        seen.append(kwargs)

    attempt_regraded.connect(listen, sender=Attempt)
    try:
        response = instructor_client.post(
            reverse("admin:quizzes_question_regrade", args=[question.pk]), {"confirm": "yes"}
        )
    finally:
        attempt_regraded.disconnect(listen, sender=Attempt)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (1, True)
    assert Response.objects.get(question=question).is_correct
    row.refresh_from_db()
    assert row.quiz_passed and row.best_percent == 100
    assert [(kw["previous_percent"], kw["previous_passed"]) for kw in seen] == [(0, False)]


def test_regrade_as_an_admin_action_on_selected_questions(instructor_client, answered):
    attempt, question = answered
    fix_the_key(question)
    changelist = reverse("admin:quizzes_question_changelist")
    dry = instructor_client.post(changelist, {"action": "regrade_action", "_selected_action": [str(question.pk)]})
    assert dry.status_code == 200 and "would change 1 attempt" in dry.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == 0
    applied = instructor_client.post(
        changelist, {"action": "regrade_action", "_selected_action": [str(question.pk)], "confirm": "yes"}
    )
    assert applied.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 1 and attempt.passed


def test_a_regrade_that_fails_halfway_changes_nothing(instructor_client, learner, other_learner):
    """One transaction: when progress cannot follow the second attempt, the first is not regraded either."""
    quiz = build_quiz(kinds=[QuestionKind.SINGLE], slug="atomic")
    question = quiz.questions.get()
    attempts = []
    for person in (learner, other_learner):
        attempt = start_attempt(person, quiz)
        submit_answer(attempt, question, form(**answer_data(attempt, question, "wrong")))
        attempts.append(close_attempt(attempt))
    # Both picked the same wrong choice (the first wrong one): it was right after all.
    wrong = question.choices.filter(is_correct=False).order_by("order").first()
    QuerySet.update(question.choices.all(), is_correct=False)
    QuerySet.update(question.choices.filter(pk=wrong.pk), is_correct=True)
    calls = []

    def fail_on_second(sender, attempt, **kwargs):
        calls.append(attempt.pk)
        if len(calls) == 2:
            raise RuntimeError("progress could not follow")

    attempt_regraded.connect(fail_on_second, sender=Attempt)
    try:
        with pytest.raises(RuntimeError):
            instructor_client.post(reverse("admin:quizzes_question_regrade", args=[question.pk]), {"confirm": "yes"})
    finally:
        attempt_regraded.disconnect(fail_on_second, sender=Attempt)
    assert len(calls) == 2
    for attempt in attempts:
        attempt.refresh_from_db()
        assert attempt.score == 0 and not attempt.passed
    assert not Response.objects.filter(question=question, is_correct=True).exists()


def test_regrade_leaves_an_open_attempt_without_a_score(learner):
    quiz = build_quiz(kinds=[QuestionKind.SINGLE, QuestionKind.NUMERIC], slug="open-regrade")
    attempt = start_attempt(learner, quiz)
    single = questions_of(attempt)[0]
    submit_answer(attempt, single, form(**answer_data(attempt, single, "wrong")))
    fix_the_key(single)
    from quizzes.attempts import regrade

    regrade([single], apply=True)
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.score == 0
    assert Response.objects.get(attempt=attempt).points == 1
    assert close_attempt(attempt).score == 1


def test_the_question_list_filters_by_module_and_kind_and_searches(instructor_client):
    quiz = build_quiz(slug="listing")
    listing = reverse("admin:quizzes_question_changelist")
    page = instructor_client.get(listing, {"kind": "numeric", "quiz__module__id__exact": quiz.module_id})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    found = instructor_client.get(listing, {"q": "q3-true-false"})
    assert found.context["cl"].result_count == 1


def field_row(page: str, field: str) -> str:
    """The admin's row of ``field`` (its label, input and errors), or "" when the form lacks it."""
    found = re.search(rf'<div class="form-row[^"]*field-{field}\b.*?(?=<div class="form-row|</fieldset>)', page, re.S)
    return found.group(0) if found else ""


def test_a_new_question_starts_by_choosing_its_kind_with_plain_links(instructor_client, quiz):
    page = instructor_client.get(f"{QUESTION_ADD}?quiz={quiz.pk}").content.decode()

    assert "Add question: choose its kind" in page
    for value, label in QuestionKind.choices:
        assert f'<a href="?quiz={quiz.pk}&amp;kind={value}"><strong>{label}</strong></a>' in page
    assert "<form" not in page.split('id="content"')[1], "links, not a form that needs a script"


@pytest.mark.parametrize("kind", list(QuestionKind))
def test_the_form_shows_the_fields_of_the_chosen_kind_only(instructor_client, quiz, kind):
    page = instructor_client.get(f"{QUESTION_ADD}?quiz={quiz.pk}&kind={kind}").content.decode()

    assert bool(field_row(page, "numeric_answer")) == (kind == QuestionKind.NUMERIC)
    assert bool(field_row(page, "artifact")) == (kind == QuestionKind.FAULTY_LINE)
    assert ('name="choices-TOTAL_FORMS"' in page) == (kind != QuestionKind.NUMERIC), "no choices table for numeric"
    assert 'class="collapse' not in page, "nothing the kind needs is folded away"
    assert f'<option value="{kind}" selected>' in page


def test_a_new_question_starts_unpublished(instructor_client, quiz):
    page = instructor_client.get(f"{QUESTION_ADD}?quiz={quiz.pk}&kind=single").content.decode()
    assert re.search(r'<input type="checkbox" name="published"(?![^>]*checked)[^>]*>', page)

    choices, fields = GOOD[QuestionKind.SINGLE]
    data = question_post(quiz, QuestionKind.SINGLE, choices, **fields)
    del data["published"]  # the box left as it came
    response = instructor_client.post(QUESTION_ADD, data)

    assert response.status_code == 302
    assert Question.objects.get(quiz=quiz).published is False
    assert Question._meta.get_field("published").default is False


@pytest.mark.parametrize(
    ("kind", "fields", "field", "message"),
    [
        (QuestionKind.NUMERIC, {"numeric_answer": "", "tolerance": "0"}, "numeric_answer", "needs its answer"),
        (QuestionKind.NUMERIC, {"numeric_answer": "10", "tolerance": ""}, "tolerance", "tolerance of zero or more"),
        (QuestionKind.NUMERIC, {"numeric_answer": "10", "tolerance": "-1"}, "tolerance", "cannot be negative"),
        (QuestionKind.NUMERIC, {"numeric_answer": "", "tolerance": "0", "variants": "[{]"}, "variants", ""),
        (QuestionKind.FAULTY_LINE, {"artifact": "", "select_count": "1"}, "artifact", "needs an artifact"),
    ],
)
def test_errors_sit_beside_their_fields(instructor_client, quiz, kind, fields, field, message):
    response = instructor_client.post(QUESTION_ADD, question_post(quiz, kind, [], **fields))

    page = response.content.decode()
    row = field_row(page, field)
    assert response.status_code == 200 and 'class="errorlist' in row, f"the error of {field} is in its row"
    assert message in row
    top = page.split('<fieldset class="module aligned')[0]
    assert message == "" or message not in top, "not repeated at the top of the form"
    assert not Question.objects.filter(quiz=quiz).exists()
