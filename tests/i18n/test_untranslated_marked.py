"""On a Vietnamese page, every curriculum text that shows in English for want of a translation sits in
an element marked lang="en" (screen readers then read it as English): the lead's "most common wrong
answer" and misconceptions, the marks of each choice after answering (a quiz's result, a review
card), the learning path's modules. A translated text shows in Vietnamese, unmarked."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from courses.importers import load_content
from courses.models import LearningPath, Lesson, Module
from progress.models import ReviewCard
from quizzes.models import Attempt, Choice, Misconception, Question
from tests.cohorts.conftest import make_cohort
from tests.i18n.content import small_curriculum
from tests.i18n.test_translated_pages import answer_first_step, main, question_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(tmp_path) -> LearningPath:
    load_content(small_curriculum(tmp_path / "content"))
    return LearningPath.objects.get(slug="small-path")


def speak(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def untranslate_wrong_choice() -> None:
    """The first-step question's wrong choice and its misconception lose their Vietnamese."""
    Choice.objects.filter(question__key="first-step", key="b").update(text_vi="", feedback_vi="")
    Misconception.objects.filter(tag="i18n-canary-is-backup").update(description_vi="")


@pytest.fixture
def lead_page(client, lead, learner, path):
    """The lead's Questions tab and the first-step question's page, in Vietnamese, after the learner
    picked the wrong choice."""
    make_cohort(path, slug="lop-lang", name="Lang", leads=[lead], members=[learner])
    client.force_login(learner)
    answer_first_step(client, learner, "b")
    speak(lead, "vi")
    client.force_login(lead)
    question = Question.objects.get(key="first-step")

    def pages() -> list[str]:
        return [
            client.get(reverse("cohorts:questions", args=["lop-lang"])).text,
            client.get(reverse("cohorts:question", args=["lop-lang", question.pk])).text,
        ]

    return pages


def test_the_leads_most_common_wrong_answer_reads_in_vietnamese_when_translated(lead_page):
    for page in lead_page():
        assert "Nó sao chép cơ sở dữ liệu." in page and "It copies the database." not in page
        assert "Canary là một bản sao lưu" in page  # the misconception
        assert not re.search(r'lang="en">(Nó|Canary là)', page)


def test_the_leads_most_common_wrong_answer_in_english_is_marked_lang_en(lead_page):
    untranslate_wrong_choice()
    for page in lead_page():
        assert '<span lang="en">It copies the database.</span>' in page
        description = Misconception.objects.get(tag="i18n-canary-is-backup").description_en
        assert f'<span lang="en">{description}</span>' in page


def test_an_english_lead_sees_the_english_texts_unmarked(client, lead_page, lead):
    speak(lead, "en")
    for page in lead_page():
        assert "It copies the database." in page and 'lang="en"' not in main(page)
        assert "Nó sao chép" not in page


def test_the_result_pages_marks_carry_lang_en_on_each_untranslated_text(client, learner, path):
    untranslate_wrong_choice()
    speak(learner, "vi")
    client.force_login(learner)
    answer_first_step(client, learner, "b")
    attempt = Attempt.objects.get(user=learner)
    page = client.get(reverse("quizzes:result", args=[attempt.public_id])).text

    assert '<span class="choice-text" lang="en">It copies the database.</span>' in page
    assert '<span class="choice-why" lang="en">That is a backup, not a canary.</span>' in page
    # the translated right choice beside it stays unmarked
    assert '<span class="choice-text">Nó gửi một phần nhỏ lưu lượng tới phiên bản mới.</span>' in page


def test_a_review_cards_untranslated_prompt_and_marks_carry_lang_en(client, learner, path):
    speak(learner, "vi")
    client.force_login(learner)
    url = question_url(learner, "faulty")
    attempt = Attempt.objects.get(user=learner, submitted_at__isnull=True)
    question = Question.objects.get(key="faulty")
    first_line = question.choices.get(order=1)
    client.post(url, {"answer": attempt.token("c", first_line.pk)}, follow=True)
    client.post(reverse("quizzes:finish", args=[attempt.public_id]))
    card = ReviewCard.objects.get(user=learner, question=question)
    ReviewCard.objects.filter(pk=card.pk).update(due=card.created_at)

    shown = client.get(reverse("progress:review")).text
    assert '<div class="prompt prose" lang="en"><p>Which line makes the deployment fail?' in shown
    answered = client.post(
        reverse("progress:review_answer", args=[card.pk]), {"answer": card.token("c", first_line.pk)}, follow=True
    ).text
    assert '<p class="line-feedback" lang="en">This tag was never pushed.</p>' in answered
    assert '<div class="prose" lang="en"><p>The image tag does not exist.' in answered


def test_the_learning_paths_untranslated_module_is_marked_lang_en(client, learner, path):
    speak(learner, "vi")
    client.force_login(learner)
    translated = client.get(path.get_absolute_url()).text
    assert "Triển khai an toàn" in translated and "Phát hành không sợ hãi." in translated
    # Marked: only the lesson the small curriculum leaves untranslated (the path's checklist lists it).
    assert set(re.findall(r'lang="en">([^<]*)<', main(translated))) == {"Canary releases"}

    Module.objects.filter(slug="deploying").update(title_vi="", summary_vi="")
    page = client.get(path.get_absolute_url()).text
    module = Module.objects.get(slug="deploying")
    link = rf'<a href="{module.get_absolute_url()}" aria-label="[^"]*" lang="en">{re.escape(module.title_en)}</a>'
    assert re.search(link, page)  # the checklist's row (the path's one list of modules)
    assert f'<p class="checklist-summary" lang="en">{module.summary_en}</p>' in page  # the current module


CURRICULUM_TEXT = re.compile(
    r"\{\{ *[a-z_.]*\.(title|summary|objectives|body_html|body_html_safe|takeaways|prompt_html|prompt_text|"
    r"explanation_html|explanation_html_safe|instructions_html_safe|unit|text|feedback|match_text|description)\b"
)
# Lines whose texts need no mark of their own: an artifact's line (code), and search pieces (their
# element carries the lesson's lang).
NOT_CURRICULUM = ("quizzes/_answer_fields.html:", "courses/_marked.html:")


def test_every_template_marks_a_curriculum_text_it_prints():
    """A template printing a translated field prints it in an element with ``|lang_attr`` (or ``lang``
    from a feedback dataclass), or through ``|shown``, which wraps an English text in a span."""
    from django.conf import settings

    root = settings.BASE_DIR / "templates"
    unmarked = [
        f"{template.relative_to(root)}:{number}"
        for template in root.rglob("*.html")
        if "admin" not in template.relative_to(root).parts
        for number, line in enumerate(template.read_text().splitlines(), start=1)
        if "{% block title %}" not in line
        and CURRICULUM_TEXT.search(line)
        and "lang" not in line
        and "|shown" not in line
    ]
    assert [line for line in unmarked if not line.startswith(NOT_CURRICULUM)] == []


def test_an_untranslated_title_inside_a_translated_sentence_is_marked_lang_en(client, learner, curriculum):
    """The locked module's “finish ... first”, the search's “In ...”, the buttons' “Continue: ...”: the
    sentence is Vietnamese, the title in it English and marked. (A <title> element holds no markup:
    a page's title names an untranslated module unmarked.)"""
    first = Module.objects.filter(path=curriculum).order_by("order").first()
    Module.objects.filter(pk=first.pk).update(title_vi="")
    lesson = first.lessons.order_by("order")[0]  # the one to continue with, nothing read yet
    Lesson.objects.filter(pk=lesson.pk).update(title_vi="")
    speak(learner, "vi")
    client.force_login(learner)
    marked_module = f'<span lang="en">{escape(first.title_en)}</span>'

    path_page = client.get(curriculum.get_absolute_url()).text
    assert f"“{marked_module}”" in path_page  # Locked: finish “...” first.
    module_page = client.get(first.get_absolute_url()).text
    assert f'<span lang="en">{escape(lesson.title_en)}</span></a>' in module_page  # Continue: ...
    search_page = client.get(reverse("courses:search"), {"q": "devops"}).text
    assert marked_module in search_page  # In ...


BLOCKTRANSLATE_WITH = re.compile(r'(="?)?\{% blocktranslate (?:count [^%]*? )?with ([^%]*)%\}')
CURRICULUM_VALUE = re.compile(r"=[a-z_.]*\.(title|summary|description|text|feedback|unit)(?=\s|$)")


def test_every_curriculum_text_inside_a_translated_sentence_is_marked():
    """``{% blocktranslate with title=module.title %}`` would print an English title unmarked inside a
    Vietnamese sentence: it goes through ``|shown`` (or a filter that marks, like ``linked_titles``).
    Left alone: the admin (staff pages) and attribute values (aria-label holds no markup)."""
    from django.conf import settings

    root = settings.BASE_DIR / "templates"
    unmarked = [
        f"{template.relative_to(root)}:{number}: {match.group(0)}"
        for template in root.rglob("*.html")
        if "admin" not in template.relative_to(root).parts
        for number, line in enumerate(template.read_text().splitlines(), start=1)
        if "{% block title %}" not in line
        for match in BLOCKTRANSLATE_WITH.finditer(line)
        if not match.group(1) and CURRICULUM_VALUE.search(match.group(2))
    ]
    assert unmarked == []
