"""The find-the-faulty-line question on the learner's pages: a numbered block whose lines are radio
buttons (or checkboxes) labelled by the line, per-line feedback after answering, form errors that
store nothing, hostile artifact text shown as text; and the numeric input that states how to write a
number and reads "10,000" as ten thousand (issue 12, point 8)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.attempts import start_attempt
from quizzes.models import Misconception, Pool, QuestionKind
from tests.courses.conftest import elements
from tests.quizzes.conftest import BUILD_LOG, add_question, build_quiz, questions_of

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def faulty_quiz(db):
    return build_quiz(kinds=[QuestionKind.FAULTY_LINE], slug="faulty-pages")


def open_question(client, learner, quiz, position=1):
    client.force_login(learner)
    attempt = start_attempt(learner, quiz)
    question = questions_of(attempt)[position - 1]
    return attempt, question, reverse("quizzes:question", args=[attempt.public_id, position])


def test_the_answer_form_is_a_numbered_block_of_radio_buttons_labelled_by_their_lines(client, learner, faulty_quiz):
    attempt, question, url = open_question(client, learner, faulty_quiz)

    page = client.get(url).content.decode()

    form = page[page.index('<div id="answer-panel">') : page.index("</article>")]
    radios = elements(form).find("input")
    radios = [r for r in radios if r.get("name") == "answer"]
    assert [r["type"] for r in radios] == ["radio"] * 5 and all("required" in r for r in radios)
    lines = question.choices.order_by("order")
    assert [r["value"] for r in radios] == [attempt.token("c", c.pk) for c in lines]
    labels = re.findall(r"<label><input [^>]+>(.*?)</label>", form)
    assert [re.sub(r"<[^>]+>", "", label) for label in labels] == [
        f"Line {n}{text}" for n, text in enumerate(BUILD_LOG, start=1)
    ]
    assert "<legend>Select the faulty line</legend>" in form
    assert '<p class="artifact-language">log</p>' in form
    assert "The arrow keys move between lines." in form


def test_with_several_lines_to_select_the_lines_are_checkboxes_and_the_scoring_is_stated(client, learner):
    quiz = build_quiz(count=0, slug="two-lines")
    question = add_question(quiz, QuestionKind.FAULTY_LINE, key="two", order=1)
    question.select_count = 2
    question.save()
    _attempt, _question, url = open_question(client, learner, quiz)

    form = client.get(url, headers=HTMX).content.decode()

    assert form.count('type="checkbox" name="answer"') == 5 and "required" not in form.split("<fieldset")[1]
    assert "<legend>Select up to 2 lines</legend>" in form
    assert "each other line you select takes one share away" in form


def test_after_answering_every_line_is_marked_and_the_chosen_line_explained(client, learner, faulty_quiz):
    attempt, question, url = open_question(client, learner, faulty_quiz)
    warning = question.choices.get(order=2)

    fragment = client.post(url, {"answer": attempt.token("c", warning.pk)}, headers=HTMX).content.decode()

    assert "Not quite" in fragment
    assert "<dl>" not in fragment  # the marked lines say it: no sentence repeating them (test_feedback_marks)
    block = fragment[fragment.index('<div class="artifact artifact-marked">') :]
    block = block[: block.index("</ol>")]  # the artifact's lines (the question numbers follow, out of band)
    assert block.count("<li ") == 5
    assert '<li class="line-selected ">' in block and '<li class="line-faulty">' in block
    assert "you selected this line; it is not the faulty one" in block
    assert "the faulty line, which you did not select" in block
    assert f'<p class="line-feedback">{warning.feedback}</p>' in block


def test_an_unlisted_wrong_line_gets_the_generic_feedback(client, learner, faulty_quiz):
    attempt, question, url = open_question(client, learner, faulty_quiz)
    plain = question.choices.get(order=3)

    fragment = client.post(url, {"answer": attempt.token("c", plain.pk)}, headers=HTMX).content.decode()

    assert '<p class="line-feedback">This line is not where the failure shows.</p>' in fragment


def test_the_faulty_line_is_right(client, learner, faulty_quiz):
    attempt, question, url = open_question(client, learner, faulty_quiz)
    fragment = client.post(url, {"answer": attempt.token("c", question.choices.get(order=4).pk)}, headers=HTMX)
    assert "Correct" in fragment.content.decode()
    assert attempt.responses.get().points == question.points


@pytest.mark.parametrize(
    ("picked", "message"), [([], "Select at least one line."), ([1, 2, 3], "Select at most 2 lines.")]
)
def test_too_few_or_too_many_lines_are_a_form_error_that_stores_nothing(client, learner, picked, message):
    quiz = build_quiz(count=0, slug="limits")
    question = add_question(quiz, QuestionKind.FAULTY_LINE, key="two", order=1)
    question.select_count = 2
    question.save()
    attempt, question, url = open_question(client, learner, quiz)
    tokens = [attempt.token("c", question.choices.get(order=n).pk) for n in picked]

    response = client.post(url, {"answer": tokens}, headers=HTMX)

    assert response.status_code == 200 and message in response.content.decode()
    assert not attempt.responses.exists()
    checked = [i for i in elements(response.content.decode()).find("input") if "checked" in i]
    assert [i["value"] for i in checked] == tokens  # the learner's selection is kept in the form


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_text_in_an_artifact_feedback_pool_or_misconception_is_shown_as_text(client, learner, instructor):
    quiz = build_quiz(count=0, slug="hostile")
    question = add_question(quiz, QuestionKind.FAULTY_LINE, key="hostile", order=1)
    question.artifact = "\n".join([HOSTILE, *BUILD_LOG[1:]])
    question.save()
    question.sync_artifact_lines()
    tag = Misconception.objects.create(tag="t-hostile", description=HOSTILE)
    question.choices.filter(order=1).update(feedback=HOSTILE, misconception=tag)
    question.pool = Pool.objects.create(quiz=quiz, key="p", title=HOSTILE)
    question.save()
    attempt, question, url = open_question(client, learner, quiz)
    pages = [client.get(url).content.decode()]
    pages.append(client.post(url, {"answer": attempt.token("c", question.choices.get(order=1).pk)}).content.decode())
    pages.append(client.get(url).content.decode())
    client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    pages.append(client.get(reverse("quizzes:result", args=[attempt.public_id])).content.decode())
    client.force_login(instructor)
    for admin_url in (
        reverse("quizzes:preview", args=[question.pk]),
        reverse("admin:quizzes_quiz_statistics", args=[quiz.pk]),
        reverse("admin:quizzes_misconception_statistics"),
        reverse("admin:quizzes_question_change", args=[question.pk]),
        reverse("admin:quizzes_quiz_change", args=[quiz.pk]),
    ):
        pages.append(client.get(admin_url).content.decode())

    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in pages[0]


# --- numbers as the page's language writes them ---------------------------------------------------


@pytest.fixture
def percent_quiz(db):
    quiz = build_quiz(kinds=[QuestionKind.NUMERIC], slug="percent")
    quiz.questions.update(numeric_answer=Decimal(10), tolerance=Decimal(0))
    return quiz


def test_the_numeric_input_states_how_to_write_a_number(client, learner, percent_quiz):
    _attempt, _question, url = open_question(client, learner, percent_quiz)
    page = client.get(url).content.decode()
    assert 'aria-describedby="number-rule"' in page
    rule = "Write decimals with “.” (1.5); “,” may separate thousands (2,400)."
    assert f'<span id="number-rule" class="field-help">{rule}</span>' in page


def test_ten_thousand_with_a_thousands_separator_is_not_ten(client, learner, percent_quiz):
    """Issue 12: "10,000" was graded Correct for an answer of 10 %."""
    attempt, _question, url = open_question(client, learner, percent_quiz)

    fragment = client.post(url, {"answer": "10,000"}, headers=HTMX).content.decode()

    assert "Not quite" in fragment and "<dd>10,000%</dd>" in fragment  # read back as the page writes numbers
    assert attempt.responses.get().answer == {"number": "10000"}


def test_an_ambiguous_comma_is_refused_with_the_rule_and_nothing_is_stored(client, learner, percent_quiz):
    attempt, _question, url = open_question(client, learner, percent_quiz)

    fragment = client.post(url, {"answer": "1,5"}, headers=HTMX).content.decode()

    assert "“1,5” can be read two ways. Write decimals with “.” (1.5)" in fragment
    assert 'value="1,5"' in fragment  # kept in the input to correct
    assert not attempt.responses.exists()
