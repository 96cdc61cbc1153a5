"""In a real Chromium: a Vietnamese learner reads a translated lesson, answers a translated question
(a short-text one, with a Vietnamese answer of the translation's accept list), and meets the
fallback notice, with lang="en" on the English text, on a lesson and a question not translated yet."""

import pytest
from playwright.sync_api import expect

from courses.importers import load_content
from courses.models import Lesson
from quizzes.models import Question, Quiz
from tests.browser.test_accessibility import serious_violations
from tests.factories import PASSWORD, make_user
from tests.i18n.content import small_curriculum

pytestmark = pytest.mark.browser


@pytest.fixture
def vietnamese_page(browser, live_server, transactional_db, tmp_path):
    load_content(small_curriculum(tmp_path / "content"))
    make_user("thu", display_name="Thu", language="vi")
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill("thu")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main button[type="submit"]').click()
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def test_a_vietnamese_learner_reads_answers_and_meets_the_fallback_notice(vietnamese_page, live_server):
    page = vietnamese_page
    translated = Lesson.objects.select_related("module__path").get(key="blue-green")
    page.goto(live_server.url + translated.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Triển khai blue/green")
    expect(page.get_by_role("heading", name="Hai môi trường")).to_be_visible()
    expect(page.locator(".untranslated")).to_have_count(0)
    assert serious_violations(page) == []

    # the next lesson is not translated: English, marked as such, with the notice
    page.get_by_role("link", name="Canary releases").first.click()
    expect(page.locator(".untranslated")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "en")
    expect(page.locator('.prose[lang="en"]')).to_contain_text("A canary sends a small share")
    assert serious_violations(page) == []

    # the quiz: a translated short-text question answered in Vietnamese
    quiz = Quiz.objects.get(module__slug="deploying")
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.locator('form[action$="/start/"] button[type="submit"]').click()
    order = page.url
    target = Question.objects.get(key="strategy-name")
    for position in range(1, 5):
        page.goto(order.rsplit("/q/", 1)[0] + f"/q/{position}/")
        if page.get_by_text("Kiểu triển khai nào giữ hai môi trường giống hệt nhau?").count():
            break
    expect(page.get_by_text("Kiểu triển khai nào giữ hai môi trường giống hệt nhau?")).to_be_visible()
    page.locator("#answer-input").fill("triển khai xanh/lam")
    page.locator("#answer-input").press("Enter")
    expect(page.locator(".feedback-right")).to_be_visible()
    expect(page.locator(".feedback")).to_contain_text("Blue/green giữ hai môi trường")
    assert target.responses.get().is_correct

    # a question not translated yet
    for position in range(1, 5):
        page.goto(order.rsplit("/q/", 1)[0] + f"/q/{position}/")
        if page.locator(".untranslated").count():
            break
    expect(page.locator(".untranslated")).to_be_visible()
    expect(page.locator('.prompt[lang="en"]')).to_contain_text("Which line makes the deployment fail?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
