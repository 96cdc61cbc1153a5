"""The curriculum as a learner and a lead read it in each language: the active language's text, the
English with a notice and lang="en" where a translation is missing, caches and fragments that never
serve one language's page to the other, one progress and one statistic whatever the language, and
the same number of queries in both."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.importers import load_content
from courses.models import LearningPath, Lesson
from labs.models import Lab
from progress.models import ModuleProgress, ReviewCard
from quizzes.attempts import close_attempt, start_attempt
from quizzes.models import Attempt, Question, Quiz
from quizzes.statistics import question_statistics
from tests.cohorts.conftest import make_cohort
from tests.i18n.content import small_curriculum

pytestmark = pytest.mark.django_db

NOTICE = 'class="banner untranslated"'


@pytest.fixture
def path(tmp_path) -> LearningPath:
    load_content(small_curriculum(tmp_path / "content"))
    return LearningPath.objects.get(slug="small-path")


@pytest.fixture
def reader(client, learner):
    """The signed-in learner; ``reader("vi")`` switches their language (their account preference)."""
    client.force_login(learner)

    def speak(language: str):
        learner.language = language
        learner.save(update_fields=["language"])
        return client

    return speak


def lesson(key: str) -> Lesson:
    return Lesson.objects.select_related("module__path").get(key=key)


def question_url(learner, key: str) -> str:
    quiz = Quiz.objects.get(module__slug="deploying")
    attempt = Attempt.objects.filter(user=learner, quiz=quiz, submitted_at__isnull=True).first()
    attempt = attempt or start_attempt(learner, quiz)
    position = attempt.question_order.index(Question.objects.get(quiz=quiz, key=key).pk) + 1
    return reverse("quizzes:question", args=[attempt.public_id, position])


def main(html: str) -> str:
    """The page's <main> (the header's language switcher names English with lang="en")."""
    return element(html, r"<main.*?</main>")


def element(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return found.group(0)


def test_a_translated_lesson_reads_in_vietnamese_without_a_notice(reader, path):
    page = reader("vi").get(lesson("blue-green").get_absolute_url()).text

    assert '<h1 id="lesson-title">Triển khai blue/green</h1>' in page
    assert "Blue/green giữ hai môi trường" in page and "keeps two identical environments" not in page
    assert "Chuyển lại để rollback." in page
    # only the links to the next lesson, not translated yet, are English
    assert main(page).count('lang="en">Canary releases<') == 2  # "Next" and the module's list
    assert NOTICE not in page and 'lang="en"' not in main(page).replace('lang="en">Canary releases<', "")


def test_an_untranslated_lesson_shows_in_english_marked_lang_en_with_a_notice(reader, path):
    page = reader("vi").get(lesson("canary").get_absolute_url()).text

    assert NOTICE in page
    assert '<h1 id="lesson-title" lang="en">Canary releases</h1>' in page
    body = element(page, r'<div class="prose" lang="en">.*?</div>')
    assert "A canary sends a small share" in body
    # the rest of the page is Vietnamese: the module's translated title in the breadcrumbs
    assert "Triển khai an toàn" in page and '<html lang="vi">' in page


def test_an_english_reader_sees_no_notice_and_no_lang_attributes(reader, path):
    page = reader("en").get(lesson("canary").get_absolute_url()).text

    assert NOTICE not in page and 'lang="en"' not in main(page)
    assert "Blue/green deployments" in reader("en").get(lesson("blue-green").get_absolute_url()).text


def test_a_translated_question_and_an_untranslated_one(reader, learner, path):
    client = reader("vi")
    translated = client.get(question_url(learner, "first-step")).text
    untranslated = client.get(question_url(learner, "faulty")).text

    assert "Canary release làm gì trước tiên?" in translated and NOTICE not in translated
    assert "Nó sao chép cơ sở dữ liệu." in translated
    assert NOTICE in untranslated
    assert '<div class="prompt prose" lang="en"><p>Which line makes the deployment fail?' in untranslated


def test_a_short_text_question_keeps_its_english_answer_and_reads_the_vietnamese_one(reader, learner, path):
    client = reader("vi")
    url = question_url(learner, "strategy-name")

    page = client.post(url, {"answer": "triển khai xanh/lam"}, follow=True).text

    assert "feedback feedback-right" in page
    assert "Blue/green giữ hai môi trường" in page  # the translated explanation


def test_the_feedback_and_explanation_of_an_answer_are_translated(reader, learner, path):
    client = reader("vi")
    url = question_url(learner, "first-step")
    attempt = Attempt.objects.get(user=learner, submitted_at__isnull=True)
    wrong = Question.objects.get(key="first-step").choices.get(key="b")

    page = client.post(url, {"answer": attempt.token("c", wrong.pk)}, follow=True).text

    assert "Đó là sao lưu, không phải canary." in page
    assert "Nó gửi một phần nhỏ lưu lượng tới phiên bản mới." in page


def test_a_lab_reads_in_vietnamese(reader, path):
    page = reader("vi").get(Lab.objects.get(key="tagged-image").get_absolute_url()).text

    assert "Gắn tag cho image nền" in page and "Image nền có tag cố định" in page
    assert "Gắn tag cố định cho image nền." in page and NOTICE not in page


def pages(learner) -> dict[str, tuple[str, str]]:
    """A page of each cached fragment, with a text it shows in English and in Vietnamese."""
    module_url = lesson("blue-green").module.get_absolute_url()
    return {
        "path body": (reverse("courses:path", args=["small-path"]), "Deploying safely", "Triển khai an toàn"),
        "module body": (module_url, "Blue/green deployments", "Triển khai blue/green"),
        "lesson sidebar": (lesson("canary").get_absolute_url(), "Blue/green deployments", "Triển khai blue/green"),
        "lesson body": (lesson("blue-green").get_absolute_url(), "Two environments", "Hai môi trường"),
        # (the learner's progress page shows the first path, the real curriculum: its interface words)
        "progress body": (reverse("progress:mine"), "Progress by module", "Tiến độ theo học phần"),
        "question nav": (question_url(learner, "first-step"), 'aria-label="Question 1"', 'aria-label="Câu 1"'),
        "site nav": ("/", "My progress", "Tiến độ của tôi"),
    }


@pytest.mark.parametrize(
    "name", ["path body", "module body", "lesson sidebar", "lesson body", "progress body", "question nav", "site nav"]
)
def test_a_cached_fragment_is_never_served_in_the_other_language(reader, learner, path, name):
    url, english, vietnamese = pages(learner)[name]

    for language, shown, hidden in [
        ("en", english, vietnamese),
        ("vi", vietnamese, english),
        ("en", english, vietnamese),
    ]:
        page = reader(language).get(url).text
        assert shown in page, (language, name)
        assert hidden not in page, (language, name)


def test_the_result_rows_are_cached_per_language(reader, learner, path):
    client = reader("en")
    attempt = start_attempt(learner, Quiz.objects.get(module__slug="deploying"))
    close_attempt(attempt)
    url = reverse("quizzes:result", args=[attempt.public_id])

    english, vietnamese, again = client.get(url).text, reader("vi").get(url).text, reader("en").get(url).text

    assert "What does a canary release do first?" in english and "Canary release làm gì" not in english
    assert (
        "Canary release làm gì trước tiên?" in vietnamese and "What does a canary release do first?" not in vietnamese
    )
    assert again == english or "Canary release làm gì" not in again


def test_the_cohort_table_is_cached_per_language(client, lead, learner, path):
    make_cohort(path, slug="lop-dich", name="Lớp", leads=[lead], members=[learner])
    client.force_login(lead)
    url = reverse("cohorts:overview", args=["lop-dich"])
    for language, shown, hidden in [
        ("en", "Deploying safely", "Triển khai an toàn"),
        ("vi", "Triển khai an toàn", "Deploying safely"),
    ]:
        lead.language = language
        lead.save(update_fields=["language"])
        page = client.get(url).text
        assert shown in page and hidden not in page, language


def answer_first_step(client, learner, choice: str = "a") -> None:
    url = question_url(learner, "first-step")
    attempt = Attempt.objects.get(user=learner, submitted_at__isnull=True)
    picked = Question.objects.get(key="first-step").choices.get(key=choice)
    assert client.post(url, {"answer": attempt.token("c", picked.pk)}, follow=True).status_code == 200
    client.post(reverse("quizzes:finish", args=[attempt.public_id]))


def test_one_learner_answering_in_english_then_vietnamese_has_one_progress(reader, learner, path):
    answer_first_step(reader("en"), learner, "b")  # missed: a review card
    answer_first_step(reader("vi"), learner, "b")  # missed again, in Vietnamese: the same card

    question = Question.objects.get(key="first-step")
    assert Attempt.objects.filter(user=learner).count() == 2
    assert ModuleProgress.objects.filter(user=learner, module__slug="deploying").count() == 1
    card = ReviewCard.objects.get(user=learner, question=question)
    assert card.module.slug == "deploying"
    assert question.responses.filter(attempt__user=learner, is_correct=False).count() == 2


def test_the_leads_statistics_count_answers_in_both_languages(client, learner, other_learner, lead, path):
    make_cohort(path, slug="lop-hai", name="Hai", leads=[lead], members=[learner, other_learner])
    for person, language in ((learner, "en"), (other_learner, "vi")):
        person.language = language
        person.save(update_fields=["language"])
        client.force_login(person)
        answer_first_step(client, person)

    question = Question.objects.get(key="first-step")
    stats = question_statistics([question.pk], user_ids=[learner.pk, other_learner.pk])[question.pk]
    assert (stats.responses, stats.facility) == (2, 1.0)
    client.force_login(lead)
    page = client.get(reverse("cohorts:question", args=["lop-hai", question.pk])).text
    assert "Responses: 2</li>" in page


def count_queries(client, url: str) -> int:
    client.get(url)  # the caches of this language warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_run_as_many_queries_in_vietnamese_as_in_english(reader, learner, path):
    urls = [url for url, _english, _vietnamese in pages(learner).values()]
    urls += [Lab.objects.get(key="tagged-image").get_absolute_url(), reverse("courses:search") + "?q=trien+khai"]

    english = [count_queries(reader("en"), url) for url in urls]
    vietnamese = [count_queries(reader("vi"), url) for url in urls]

    assert vietnamese == english


def test_the_csv_has_readable_headers_in_the_leads_language_and_slugs_on_request(client, lead, learner, path):
    make_cohort(path, slug="lop-csv", name="CSV", leads=[lead], members=[learner])
    lead.language = "vi"
    lead.save(update_fields=["language"])
    client.force_login(lead)
    url = reverse("cohorts:export", args=["lop-csv"])

    def header(response) -> list[str]:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return next(csv.reader(io.StringIO(text)))

    readable = header(client.get(url))
    slugs = header(client.get(url, {"headers": "slugs"}))

    assert any(name.startswith("Triển khai an toàn") for name in readable)
    assert not any("deploying_state" in name for name in readable)
    assert slugs[0] == "username" and "deploying_state" in slugs and "deploying_best_score" in slugs
    assert len(readable) == len(slugs)


def test_the_certificate_reads_in_its_learners_language_whoever_opens_it(client, learner, path):
    from progress.models import Certificate

    learner.language = "vi"
    learner.save(update_fields=["language"])
    certificate = Certificate.objects.create(user=learner, path=path, name="Lan", path_title=path.title_en, shared=True)

    page = client.get(certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text  # an English visitor

    assert '<html lang="en">' in page
    document = element(page, r'<article class="certificate"[^>]*lang="vi">.*?</article>')
    assert "Lộ trình nhỏ" in document and "Small path" not in document
    assert "Certificate of completion" not in document
