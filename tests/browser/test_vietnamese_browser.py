"""In a real Chromium, in Vietnamese: the header's switcher with and without JavaScript, the axe
scans (contrast included) of the pages with lang="vi", and a learner's journey from sign-up to a
passed quiz whose numeric answer is written the Vietnamese way ("12,5")."""

import pytest
from playwright.sync_api import expect

from quizzes.models import Attempt, Quiz
from tests.browser.test_accessibility import LEARNER_PAGES, PUBLIC_PAGES, serious_violations
from tests.factories import PASSWORD, make_path, make_user
from tests.quizzes.conftest import add_question

pytestmark = pytest.mark.browser
NBSP = "\u00a0"


@pytest.fixture
def vietnamese_context(browser):
    """A browser whose Accept-Language asks for Vietnamese first."""
    context = browser.new_context(locale="vi-VN")
    yield context
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_switcher_changes_the_language_and_remembers_it(browser, live_server, transactional_db, javascript):
    make_path(modules=1, lessons=1, slug="vi-switch")
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")  # back where the learner was
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_role("button", name="Tiếng Việt")).to_have_attribute("aria-pressed", "true")
    page.goto(live_server.url + "/")  # remembered, although the browser asks for English
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name="Lộ trình học").first).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()


def test_the_switcher_is_reachable_and_usable_with_the_keyboard(page, live_server, transactional_db):
    make_path(modules=1, lessons=1, slug="vi-keys")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="Tiếng Việt").focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_pages_in_vietnamese_have_no_serious_accessibility_violation(vietnamese_context, live_server, live_curriculum):
    page = vietnamese_context.new_page()
    problems = {}
    for url in PUBLIC_PAGES:
        page.goto(live_server.url + url)
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        if found := serious_violations(page):
            problems[url] = found
    make_user("lan", display_name="Lan", language="vi")
    page.goto(live_server.url + "/accounts/login/")
    page.locator('input[name="username"]').fill("lan")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main button[type="submit"]').click()
    page.wait_for_url(f"{live_server.url}/")
    for url in LEARNER_PAGES:
        page.goto(live_server.url + url)
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        if found := serious_violations(page):
            problems[url] = found
    assert problems == {}


def test_a_vietnamese_learner_signs_up_reads_and_passes_a_quiz(vietnamese_context, live_server, transactional_db):
    path = make_path(modules=1, lessons=1, slug="hanh-trinh", questions=1)
    module = path.modules.get()
    quiz = Quiz.objects.get(module=module)
    add_question(quiz, "numeric", key="ty-le", order=2)  # 12.5 ± 0.5 %
    page = vietnamese_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("link", name="Đăng ký").first.click()
    expect(page.get_by_role("heading", name="Tạo tài khoản của bạn")).to_be_visible()
    page.locator('input[name="username"]').fill("minh")
    page.locator('input[name="email"]').fill("minh@example.com")
    page.locator('input[name="password1"]').fill("mot-cau-mat-khau-dai")
    page.locator('input[name="password2"]').fill("mot-cau-mat-khau-dai")
    page.locator('main button[type="submit"]').click()
    expect(page.get_by_text("Chào mừng minh! Tài khoản của bạn đã sẵn sàng.")).to_be_visible()

    lesson = module.lessons.get()
    page.goto(live_server.url + lesson.get_absolute_url())
    page.get_by_role("button", name="Đánh dấu hoàn thành").click()
    expect(page.get_by_text("Bạn đã hoàn thành bài học này.")).to_be_visible()

    page.goto(live_server.url + module.get_absolute_url())
    page.get_by_role("link", name="Làm bài kiểm tra").click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    attempt = Attempt.objects.get(user__username="minh", quiz=quiz)
    for position, question_id in enumerate(attempt.question_order, start=1):
        question = quiz.questions.get(pk=question_id)
        if question.kind == "numeric":
            expect(page.get_by_text("Viết phần thập phân với “,” (1,5)")).to_be_visible()
            page.get_by_label("Câu trả lời của bạn (một số)").fill("12,5")
        else:
            page.get_by_label("Right", exact=True).check()
        page.get_by_role("button", name="Kiểm tra câu trả lời").click()
        expect(page.locator("#answer-panel .feedback h2")).to_contain_text("Đúng")
        if position < len(attempt.question_order):
            page.get_by_role("link", name="Câu tiếp theo").click()
    page.get_by_role("button", name="Nộp bài và xem kết quả").click()
    expect(page.get_by_text("Đạt (điểm đạt 70")).to_be_visible()
    assert page.locator(".score-big").text_content() == f"100{NBSP}%"
    attempt.refresh_from_db()
    assert attempt.passed and errors == []
