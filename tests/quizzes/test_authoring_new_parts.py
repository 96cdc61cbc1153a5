"""Authoring what issue 15 adds, as the instructor in the admin: a find-the-faulty-line question
(its lines, validation in plain words, the preview), pools and draws, numeric variants,
misconceptions on choices, and numbers typed the way the page's language writes them."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.attempts import close_attempt, start_attempt, submit_answer
from quizzes.models import Misconception, Pool, Question, QuestionKind
from tests.quizzes.conftest import BUILD_LOG, add_question, build_quiz
from tests.quizzes.test_grading import form
from tests.quizzes.test_quiz_admin import QUESTION_ADD, management, question_post

pytestmark = pytest.mark.django_db

ARTIFACT = "\n".join(BUILD_LOG)


@pytest.fixture
def quiz(db):
    return build_quiz(count=0, slug="authoring-new")


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def warnings_tag(db):
    return Misconception.objects.create(tag="t-warnings-fail-builds", description="Believes warnings fail builds.")


def errors(response) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", e)
        for e in re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', response.content.decode())
    ]


def faulty_post(quiz, lines: list[dict], **fields) -> dict:
    """The add form of a faulty-line question: the artifact, and the listed lines by number ("order")."""
    data = question_post(
        quiz, QuestionKind.FAULTY_LINE, [], artifact=ARTIFACT, artifact_language="log", select_count="1"
    )
    data.update(management("choices", len(lines)))
    for n, line in enumerate(lines):
        data[f"choices-{n}-order"] = str(line["line"])
        data[f"choices-{n}-text_en"] = ""
        data[f"choices-{n}-feedback_en"] = line.get("feedback", "")
        data[f"choices-{n}-misconception"] = str(line.get("misconception", ""))
        if line.get("correct"):
            data[f"choices-{n}-is_correct"] = "on"
    data.update(fields)
    return data


def test_the_instructor_writes_a_faulty_line_question_and_every_line_becomes_a_choice(
    instructor_client, quiz, warnings_tag
):
    lines = [{"line": 4, "correct": True}, {"line": 2, "feedback": "A warning.", "misconception": warnings_tag.pk}]

    response = instructor_client.post(QUESTION_ADD, faulty_post(quiz, lines))

    assert response.status_code == 302, errors(response)
    question = Question.objects.get(quiz=quiz)
    choices = list(question.choices.order_by("order"))
    assert [(c.key, c.order, c.text) for c in choices] == [
        (f"line-{n}", n, text) for n, text in enumerate(BUILD_LOG, start=1)
    ]
    assert [c.order for c in choices if c.is_correct] == [4]
    assert (choices[1].feedback, choices[1].misconception) == ("A warning.", warnings_tag)
    change = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk])).content.decode()
    assert change.count('name="choices-') >= 5 * 3  # every line is a row: correct, feedback, misconception
    assert BUILD_LOG[2] in change


def test_editing_the_artifact_updates_the_lines_and_adds_new_ones(instructor_client, quiz):
    question = add_question(quiz, QuestionKind.FAULTY_LINE, key="log", order=1)
    data = faulty_post(quiz, [], artifact=ARTIFACT.replace("BUILD State", "BUILD phase") + "\nexit status 1")
    data.update(key="log", **management("choices", 5, 5))
    for n, choice in enumerate(question.choices.order_by("order")):
        data[f"choices-{n}-id"] = str(choice.pk)
        data[f"choices-{n}-question"] = str(question.pk)
        data[f"choices-{n}-feedback_en"] = choice.feedback
        if choice.is_correct:
            data[f"choices-{n}-is_correct"] = "on"

    response = instructor_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)

    assert response.status_code == 302, errors(response)
    texts = list(question.choices.order_by("order").values_list("text", flat=True))
    assert len(texts) == 6 and "BUILD phase" in texts[2] and texts[5] == "exit status 1"
    assert list(question.choices.filter(is_correct=True).values_list("order", flat=True)) == [4]


BAD_LINES = [
    ([{"line": 4, "correct": True}], {"artifact": ""}, "needs an artifact"),
    ([{"line": 9, "correct": True}], {}, "Line 9 is not in the artifact: it has 5 lines."),
    ([{"line": 4, "correct": True}, {"line": 4}], {}, "Line 4 is listed twice."),
    ([{"line": 2, "feedback": "No."}], {}, "at least one line must be correct"),
    ([{"line": 4, "correct": True}, {"line": 5, "correct": True}], {}, "Learners select exactly one line, but 2"),
    (
        [{"line": 1, "correct": True}, {"line": 4, "correct": True}, {"line": 5, "correct": True}],
        {"select_count": "2"},
        "nobody could earn full marks",
    ),
    ([{"line": 4, "correct": True}], {"select_count": "9"}, "from 1 to 5 lines"),
    ([{"line": 4, "correct": True}], {"artifact": ARTIFACT + "\n" + "x" * 501}, "Line 6 of the artifact is longer"),
    ([{"line": 4, "correct": True}], {"artifact": "x\n" * 201}, "The artifact has 201 lines"),
]


@pytest.mark.parametrize(("lines", "fields", "message"), BAD_LINES)
def test_a_faulty_line_question_is_validated_in_plain_words(instructor_client, quiz, lines, fields, message):
    response = instructor_client.post(QUESTION_ADD, faulty_post(quiz, lines, **fields))

    assert response.status_code == 200
    assert any(message in e for e in errors(response)), errors(response)
    assert not Question.objects.filter(quiz=quiz).exists()


def test_a_misconception_on_a_correct_line_is_refused(instructor_client, quiz, warnings_tag):
    lines = [{"line": 4, "correct": True, "misconception": warnings_tag.pk}]
    response = instructor_client.post(QUESTION_ADD, faulty_post(quiz, lines))
    assert any("Only a wrong choice can carry a misconception" in e for e in errors(response))


def test_a_line_a_learner_selected_cannot_be_cut_from_the_artifact(instructor_client, quiz, learner):
    question = add_question(quiz, QuestionKind.FAULTY_LINE, key="log", order=1)
    attempt = start_attempt(learner, quiz)
    submit_answer(attempt, question, form(answer=attempt.token("c", question.choices.get(order=5).pk)))
    data = faulty_post(quiz, [], artifact="\n".join(BUILD_LOG[:3]), key="log")
    data.update(management("choices", 0))

    response = instructor_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)

    assert any("Learners selected line 5, which the new artifact no longer has" in e for e in errors(response))
    assert question.choices.count() == 5


def test_the_preview_shows_the_numbered_lines_and_the_key_to_staff(instructor_client, quiz):
    question = add_question(quiz, QuestionKind.FAULTY_LINE, key="log", order=1)
    page = instructor_client.get(reverse("quizzes:preview", args=[question.pk])).content.decode()
    assert page.count('type="radio" name="answer"') == 5
    assert '<p class="artifact-language">log</p>' in page
    assert "Select the faulty line" in page
    assert "line 4: " + BUILD_LOG[3].replace("(", "(") in page  # the right answer, in the key


# --- pools and draws -----------------------------------------------------------------------------


def quiz_post(quiz, pools: list[dict], questions=()) -> dict:
    data = {
        "module": str(quiz.module_id),
        "lesson": "",
        "key": quiz.key,
        "title_en": quiz.title,
        "pass_mark": "70",
        "shuffle_choices": "on",
        "published": "on",
        **management("pools", len(pools), sum(1 for p in pools if p.get("id"))),
        **management("questions", len(questions), len(questions)),
    }
    for n, pool in enumerate(pools):
        for name in ("id", "key", "title", "lesson", "draw_count", "order"):
            data[f"pools-{n}-{name}_en" if name == "title" else f"pools-{n}-{name}"] = str(pool.get(name, ""))
        data[f"pools-{n}-quiz"] = str(quiz.pk)
    for n, question in enumerate(questions):
        data.update(
            {
                f"questions-{n}-id": str(question.pk),
                f"questions-{n}-quiz": str(quiz.pk),
                f"questions-{n}-order": str(question.order),
                f"questions-{n}-points": str(question.points),
                f"questions-{n}-pool": str(question.pool_id or ""),
                f"questions-{n}-published": "on",
            }
        )
    return data


@pytest.fixture
def pooled(quiz):
    pool = Pool.objects.create(quiz=quiz, key="deploy", title="Deployments", order=1)
    for n in range(1, 4):
        add_question(quiz, QuestionKind.SINGLE, key=f"d{n}", order=n)
    quiz.questions.update(pool=pool)
    return quiz, pool


def test_the_instructor_sets_a_draw_and_each_attempt_then_asks_that_many(instructor_client, pooled, learner):
    quiz, pool = pooled
    url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    pools = [{"id": pool.pk, "key": "deploy", "title": "Deployments", "draw_count": 2, "order": 1}]

    response = instructor_client.post(url, quiz_post(quiz, pools, quiz.questions.all()))

    assert response.status_code == 302, errors(response)
    assert Pool.objects.get(pk=pool.pk).draw_count == 2
    assert len(start_attempt(learner, quiz).question_order) == 2
    listing = instructor_client.get(reverse("admin:quizzes_quiz_changelist")).content.decode()
    assert "Asked per attempt" in listing and '<td class="field-asks">2</td>' in listing


@pytest.mark.parametrize(
    ("pools", "message"),
    [
        ([{"key": "deploy", "draw_count": 4}], "Pool “deploy” has 3 published questions: it cannot draw 4."),
        (
            [{"key": "deploy", "draw_count": 1}, {"key": "build", "draw_count": 1, "order": 2}],
            "Pool “build” has 0 published questions: it cannot draw 1.",
        ),
        ([{"key": "deploy", "draw_count": "two"}], "Enter a number"),
    ],
)
def test_a_draw_is_validated_in_plain_words(instructor_client, pooled, pools, message):
    quiz, pool = pooled
    pools[0].update(id=pool.pk, title="Deployments", order=1)

    response = instructor_client.post(
        reverse("admin:quizzes_quiz_change", args=[quiz.pk]), quiz_post(quiz, pools, quiz.questions.all())
    )

    assert response.status_code == 200
    assert any(message in e for e in errors(response)), errors(response)
    assert Pool.objects.get(pk=pool.pk).draw_count is None


def test_a_draw_that_would_leave_published_questions_unasked_is_refused(instructor_client, pooled):
    quiz, pool = pooled
    loose = add_question(quiz, QuestionKind.SINGLE, key="loose", order=9)
    pools = [{"id": pool.pk, "key": "deploy", "draw_count": 1, "order": 1}]

    response = instructor_client.post(
        reverse("admin:quizzes_quiz_change", args=[quiz.pk]), quiz_post(quiz, pools, quiz.questions.all())
    )

    assert any("in no drawn pool and would never be asked: loose" in e for e in errors(response)), errors(response)
    assert loose.pool is None


def test_the_instructor_names_the_lesson_that_teaches_a_pool_from_the_quizs_module_only(instructor_client, pooled):
    quiz, pool = pooled
    url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    lesson = quiz.module.lessons.first()
    foreign = build_quiz(count=0, slug="other-lessons").module.lessons.first()
    page = instructor_client.get(url).content.decode()
    select = re.search(r'<select name="pools-0-lesson".*?</select>', page, re.S).group(0)
    assert f'<option value="{lesson.pk}"' in select and f'<option value="{foreign.pk}"' not in select

    refused = instructor_client.post(
        url, quiz_post(quiz, [{"id": pool.pk, "key": "deploy", "lesson": foreign.pk, "order": 1}], quiz.questions.all())
    )
    assert refused.status_code == 200 and any("valid choice" in e for e in errors(refused)), errors(refused)

    saved = instructor_client.post(
        url, quiz_post(quiz, [{"id": pool.pk, "key": "deploy", "lesson": lesson.pk, "order": 1}], quiz.questions.all())
    )
    assert saved.status_code == 302, errors(saved)
    assert Pool.objects.get(pk=pool.pk).lesson == lesson


def test_a_question_cannot_join_another_quizs_pool(instructor_client, quiz):
    other = build_quiz(count=0, slug="other-pools")
    foreign = Pool.objects.create(quiz=other, key="x")
    choices = [{"text": "Right", "correct": True}, {"text": "Wrong", "feedback": "No."}]

    response = instructor_client.post(
        QUESTION_ADD, question_post(quiz, QuestionKind.SINGLE, choices, pool=str(foreign.pk))
    )

    assert response.status_code == 200
    assert any("valid choice" in e or "another quiz" in e for e in errors(response)), errors(response)


# --- variants, misconceptions and numbers ----------------------------------------------------------

PROMPT = {
    "prompt_md_en": "A team deployed {deploys} times in {days} days.",
    "explanation_md_en": "{deploys}/{days} = {answer}",
}


def test_numeric_variants_are_saved_and_the_question_answers_as_its_first(instructor_client, quiz):
    variants = [
        {"values": {"deploys": 48, "days": 30}, "answer": 1.6, "tolerance": 0.05},
        {"values": {"deploys": 90, "days": 30}, "answer": "3", "tolerance": 0},
    ]
    data = question_post(quiz, QuestionKind.NUMERIC, [], variants=json.dumps(variants), **PROMPT)

    response = instructor_client.post(QUESTION_ADD, data)

    assert response.status_code == 302, errors(response)
    question = Question.objects.get(quiz=quiz)
    assert question.variants[1] == {"values": {"deploys": 90, "days": 30}, "answer": "3", "tolerance": "0"}
    assert (question.numeric_answer, question.tolerance) == (Decimal("1.6"), Decimal("0.05"))
    assert "deployed 48 times" in question.prompt_html
    assert "90/30 = 3" in question.variants_html[1]["explanation_html"]
    preview = instructor_client.get(reverse("quizzes:preview", args=[question.pk])).content.decode()
    assert "<td>2</td><td>days = 30, deploys = 90</td><td>3 ± 0</td>" in preview  # names sorted: jsonb reorders keys


@pytest.mark.parametrize(
    ("variants", "kind", "message"),
    [
        ([{"values": {"deploys": 48}, "answer": 1.6}], "numeric", "uses {days}, but variant 1 gives it no value"),
        ([{"values": {"deploys": 48, "days": 30}}], "numeric", "Variant 1 needs an answer"),
        ([{"values": {"deploys": 48, "days": 30}, "answer": 1, "tolerance": -1}], "numeric", "tolerance of zero"),
        ({"deploys": 48}, "numeric", "Variants are a list"),
    ],
)
def test_variants_are_validated_in_plain_words(instructor_client, quiz, variants, kind, message):
    data = question_post(quiz, kind, [], variants=json.dumps(variants), **PROMPT)
    response = instructor_client.post(QUESTION_ADD, data)
    assert any(message in e for e in errors(response)), errors(response)
    assert not Question.objects.filter(quiz=quiz).exists()


def test_only_a_numeric_question_has_variants_to_fill_in(instructor_client, quiz):
    """The form of another kind has no variants field: variants sent anyway are not stored."""
    variants = [{"values": {"deploys": 1, "days": 2}, "answer": 1}]
    data = question_post(
        quiz, "short_text", [{"text": "buildspec.yml", "correct": True}], variants=json.dumps(variants), **PROMPT
    )
    response = instructor_client.post(QUESTION_ADD, data)
    assert response.status_code == 302, errors(response)
    assert Question.objects.get(quiz=quiz).variants == []


def test_the_admin_reads_numbers_the_way_english_writes_them(instructor_client, quiz):
    data = question_post(quiz, QuestionKind.NUMERIC, [], numeric_answer="2,400", tolerance="0.5", points="1.5")
    assert instructor_client.post(QUESTION_ADD, data).status_code == 302
    question = Question.objects.get(quiz=quiz)
    assert (question.numeric_answer, question.tolerance, question.points) == (
        Decimal(2400),
        Decimal("0.5"),
        Decimal("1.5"),
    )
    page = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk])).content.decode()
    assert "“,” may separate thousands (2,400)" in page  # the rule, beside the input


def test_an_ambiguous_number_in_the_admin_is_refused_not_guessed(instructor_client, quiz):
    data = question_post(quiz, QuestionKind.NUMERIC, [], numeric_answer="1,5", tolerance="0")
    response = instructor_client.post(QUESTION_ADD, data)
    assert any("“1,5” can be read two ways" in e for e in errors(response)), errors(response)


def test_a_wrong_choice_carries_a_misconception_and_a_learners_pick_counts_for_it(
    instructor_client, quiz, warnings_tag, learner
):
    choices = [{"text": "Right", "correct": True}, {"text": "Wrong", "feedback": "No."}]
    data = question_post(quiz, QuestionKind.SINGLE, choices, **{"choices-1-misconception": str(warnings_tag.pk)})
    assert instructor_client.post(QUESTION_ADD, data).status_code == 302
    question = Question.objects.get(quiz=quiz)
    wrong = question.choices.get(text="Wrong")
    assert wrong.misconception == warnings_tag

    attempt = start_attempt(learner, quiz)
    submit_answer(attempt, question, form(answer=attempt.token("c", wrong.pk)))
    close_attempt(attempt)
    page = instructor_client.get(reverse("admin:quizzes_quiz_statistics", args=[quiz.pk])).content.decode()
    assert "<td>t-warnings-fail-builds</td>" in page
    listing = instructor_client.get(reverse("admin:quizzes_misconception_changelist")).content.decode()
    assert "Wrong answers by misconception" in listing
