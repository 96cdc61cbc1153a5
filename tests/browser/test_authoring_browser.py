"""An instructor in Chromium: uploads a workshop report, reviews the draft, imports a Moodle bank
into a quiz and exports it back."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.roles import instructors_group
from quizzes.models import Quiz
from tests.browser.conftest import login
from tests.browser.test_accessibility import serious_violations
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

DATA = Path(__file__).parent.parent / "authoring" / "data"


@pytest.fixture
def instructor(live_curriculum):
    user = make_user("teacher", is_staff=True)
    user.groups.add(instructors_group())
    return user


def test_an_instructor_turns_a_report_into_a_draft_and_moves_questions_in_and_out(
    page, live_server, instructor, console_errors
):
    # The admin's pages name the site's icon (templates/admin/base_site.html): no request for a missing
    # /favicon.ico shows among the console's errors.
    login(page, live_server, "teacher", PASSWORD)
    page.goto(f"{live_server.url}/admin/courses/module/")
    page.get_by_role("link", name="Import a report").click()
    expect(page.get_by_role("heading", name="Import a report")).to_be_visible()
    page.get_by_label("Report files").set_input_files(
        [DATA / "seeds" / "002_5a0763850c97891e.txt", DATA / "seeds" / "004_7ad767eee277b520.txt"]
    )
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible()
    expect(page.get_by_text("96 lines repaired", exact=False)).to_be_visible()
    page.get_by_role(
        "link", name='Open the draft module “Bài Thu Hoạch "AWS Cloud Mastery Series #2 - DevOps on AWS"”'
    ).click()
    expect(page.locator("#id_title_en")).to_have_value('Bài Thu Hoạch "AWS Cloud Mastery Series #2 - DevOps on AWS"')
    expect(page.locator("#id_published")).not_to_be_checked()

    quiz = Quiz.objects.filter(module__slug="devops-mindset").get()
    page.goto(f"{live_server.url}/admin/quizzes/quiz/")
    page.get_by_role("link", name="Import questions (GIFT or Moodle XML)").click()
    page.get_by_label("Into the quiz").select_option(label=quiz.title)
    page.get_by_label("GIFT or Moodle XML file").set_input_files(DATA / "documented.moodle.xml")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("9 created", exact=False)).to_be_visible()
    expect(page.get_by_text("line 86: “essay” (essay) was not imported", exact=False)).to_be_visible()

    page.goto(f"{live_server.url}/admin/quizzes/quiz/")
    page.locator(f'input[name="_selected_action"][value="{quiz.pk}"]').check()
    page.get_by_label("Action:").select_option(label="Export the selected quizzes as Moodle XML")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Run").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert exported.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    assert exported.count('<question type="') > 13
    assert console_errors == []


def test_the_import_pages_have_no_serious_accessibility_violation(page, live_server, instructor):
    login(page, live_server, "teacher", PASSWORD)
    problems = {}
    for url in ("/admin/authoring/reportimport/import/", "/admin/authoring/questionimport/import/"):
        page.goto(live_server.url + url)
        if found := serious_violations(page):
            problems[url] = found
    page.goto(live_server.url + "/admin/authoring/reportimport/import/")
    page.get_by_label("Report files").set_input_files(DATA / "seeds" / "003_86345d1270b2335c.txt")
    page.get_by_role("button", name="Import").click()
    if found := serious_violations(page):
        problems["the report of an import"] = found
    assert problems == {}
