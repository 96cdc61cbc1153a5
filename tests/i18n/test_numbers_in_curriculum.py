"""Numbers a question's variant puts into its prompt and explanation are written as the text's
language writes numbers ("99,9" in Vietnamese), while grading reads the variant itself."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes.attempts import start_attempt
from quizzes.models import Question, QuestionKind, Response, variant_values
from tests.quizzes.conftest import build_quiz

pytestmark = pytest.mark.django_db


def test_variant_values_are_plain_without_a_language_and_written_with_one():
    variant = {"values": {"slo": "99.95", "deploys": 2400, "rate": 1.5, "region": "us-east-1"}, "answer": 21.6}
    assert variant_values(variant) == {
        "slo": "99.95",
        "deploys": "2400",
        "rate": "1.5",
        "region": "us-east-1",
        "answer": "21.6",
    }
    assert variant_values(variant, "vi") == {
        "slo": "99,95",
        "deploys": "2.400",
        "rate": "1,5",
        "region": "us-east-1",
        "answer": "21,6",
    }
    assert variant_values(variant, "en")["deploys"] == "2,400"
    assert variant_values({"values": {"x": "NaN", "y": "1e3"}}, "vi") == {"x": "NaN", "y": "1e3"}  # text stays


def test_the_slo_question_reads_99_comma_9_in_vietnamese_and_99_dot_9_in_english(curriculum):
    question = Question.objects.get(key="error-budget-minutes")
    vi = [variant["prompt_html"] for variant in question.variants_html_vi]
    en = [variant["prompt_html"] for variant in question.variants_html_en]
    assert "99,9" in vi[0] and "99.9" not in vi[0]
    assert "99,95" in vi[1] and "99,5" in vi[2]
    assert "99.9" in en[0] and "99,9" not in en[0]
    explanation = question.variants_html_vi[0]["explanation_html"]
    assert "(100 − 99,9)" in explanation and "<strong>43,2 phút</strong>" in explanation
    assert "43.2 minutes" in question.variants_html_en[0]["explanation_html"]
    assert question.explanation_html_vi == explanation  # the question's own text is its first variant's


def test_an_english_explanation_shown_on_a_vietnamese_page_keeps_english_numbers():
    quiz = build_quiz(kinds=[QuestionKind.NUMERIC], slug="numbers-fallback")
    question = quiz.questions.get()
    question.prompt_md_en, question.prompt_md_vi = "SLO {slo}?", "SLO {slo} là gì?"
    question.explanation_md_en, question.explanation_md_vi = "It is {slo} of {answer}.", ""
    question.variants = [{"values": {"slo": "99.9"}, "answer": 43.2, "tolerance": 0.1}]
    question.save()
    assert "SLO 99,9 là gì?" in question.variants_html_vi[0]["prompt_html"]
    assert "It is 99.9 of 43.2." in question.variants_html_vi[0]["explanation_html"]  # English text, English numbers


@pytest.fixture
def vi_client(client, learner):
    learner.language = "vi"
    learner.save()
    client.force_login(learner)
    return client


def test_a_vietnamese_learner_sees_the_variant_with_a_decimal_comma_and_is_graded_as_before(vi_client, learner):
    quiz = build_quiz(kinds=[QuestionKind.NUMERIC], slug="numbers-variant")
    question = quiz.questions.get()
    question.prompt_md_en, question.prompt_md_vi = "An SLO of **{slo} %**?", "Một SLO **{slo} %**?"
    question.unit_en, question.unit_vi = "minutes", "phút"
    question.variants = [{"values": {"slo": "99.9"}, "answer": 43.2, "tolerance": 0.1}]
    question.save()
    attempt = start_attempt(learner, quiz)
    url = reverse("quizzes:question", args=[attempt.public_id, 1])
    page = vi_client.get(url).text
    assert "<strong>99,9 %</strong>" in page and "99.9" not in page
    vi_client.post(url, {"answer": "43,2"})
    response = Response.objects.get(attempt=attempt, question=question)
    assert response.is_correct and response.answer == {"number": "43.2"}
    assert (question.numeric_answer, question.tolerance) == (Decimal("43.2"), Decimal("0.1"))


def test_the_instructors_preview_writes_the_variants_in_the_page_language(client, instructor, curriculum):
    question = Question.objects.get(key="error-budget-minutes")
    instructor.language = "vi"
    instructor.save()
    client.force_login(instructor)
    page = client.get(reverse("quizzes:preview", args=[question.pk])).text
    assert '<html lang="vi">' in page
    assert "<td>slo = 99,9</td><td>43,2 ± 0,1</td>" in page
