"""The main screens at 390 and 1280 px, in the light and the dark scheme: none scrolls sideways, and
each is saved as a screenshot (test-results/screens/<width>-<scheme>-<name>.png, a build artifact for
whoever reviews a change, named in the README: looked at, not compared pixel by pixel). Also the
search result's whole title on a phone, the path's intro whole and no empty block beside its checklist,
the lead's question list in plain text, the lead's overview
with its figures in view at 1280 px, and the admin's question form chosen by kind without JavaScript."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cohorts.models import Cohort
from progress.models import Certificate
from quizzes.models import Attempt, Question, QuestionKind
from tests.browser.conftest import login
from tests.quizzes.conftest import build_quiz

pytestmark = pytest.mark.browser

SCREENS = Path(settings.BASE_DIR) / "test-results" / "screens"
WIDTHS = [390, 1280]
SCHEMES = ["light", "dark"]


def look(page, url: str, name: str, width: int, problems: list[str], scheme: str = "light") -> None:
    if url:
        page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.evaluate("document.documentElement.scrollWidth") > width:
        problems.append(f"{name} at {width} px ({scheme}) scrolls sideways")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / f"{width}-{scheme}-{name}.png", full_page=True)


PATH_START = """() => {
  const box = (el) => el.getBoundingClientRect();
  const summary = document.querySelector(".hero-summary");
  const hero = box(document.querySelector(".path-start > .hero"));
  const list = box(document.querySelector(".path-start > .path-checklist"));
  const left = [...document.querySelectorAll(".path-start > *")].map(box)
    .filter((r) => r.height > 0 && Math.abs(r.left - hero.left) < 1).sort((a, b) => a.top - b.top);
  let gap = 0, bottom = left[0].bottom;
  for (const r of left.slice(1)) { gap = Math.max(gap, r.top - bottom); bottom = Math.max(bottom, r.bottom); }
  return {clamped: summary.scrollHeight > summary.clientHeight + 1, beside: list.left > hero.right,
          gap: Math.round(Math.max(gap, list.bottom - bottom))};
}"""


def path_start_problems(page, who: str, width: int) -> list[str]:
    """Issue 14's path page: the intro was clamped with "..." on a phone, with no way to read the rest;
    at 1280 px an empty block sat under it beside the checklist. The intro is whole, and the column
    beside the checklist has no gap taller than the grid's own down to the checklist's end."""
    found = page.evaluate(PATH_START)
    problems = [f"the path ({who}) at {width} px: the intro is cut"] if found["clamped"] else []
    if found["beside"] and found["gap"] > 40:
        problems.append(f"the path ({who}) at {width} px: {found['gap']} px empty beside the checklist")
    return problems


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_learners_and_the_leads_screens_fit_and_are_saved(browser, live_server, demo, width, scheme):
    problems: list[str] = []
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    if scheme == "light":
        page.goto(base + "/")
        problems += path_start_problems(page, "a visitor", width)
    login(page, live_server, "learner", "devops-demo")
    problems += path_start_problems(page, "a learner", width)  # login lands on the path
    attempt = Attempt.objects.filter(user__username="learner", submitted_at__isnull=False).order_by("-pk").first()
    screens = {
        "path": "/",
        "module": "/paths/devops-on-aws/devops-mindset/",
        "lesson": "/paths/devops-on-aws/devops-mindset/the-four-dora-metrics/",
        "search": "/search/?q=drift",
        "progress": "/progress/",
        "review": "/progress/review/",
    }
    if attempt:
        screens["result"] = f"/quizzes/attempts/{attempt.public_id}/"
    for name, url in screens.items():
        look(page, base + url, name, width, problems, scheme)
    page.goto(f"{base}/search/?q=drift")
    expect(page.get_by_role("link", name="AWS CloudFormation: templates, stacks and drift", exact=True)).to_be_visible()

    quiz = build_quiz(kinds=[QuestionKind.SINGLE], count=2, slug=f"shots-{width}-{scheme}")
    page.goto(base + quiz.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    question = quiz.questions.order_by("order").first()
    choice = next(c for c in question.choices.all() if not c.is_correct)
    page.get_by_label(choice.text, exact=True).check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".feedback h2")).to_be_visible()
    look(page, "", "question-feedback", width, problems, scheme)
    page.get_by_role("link", name="Next question").click()
    second = quiz.questions.order_by("order").last()
    page.get_by_label(next(c for c in second.choices.all() if c.is_correct).text, exact=True).check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".feedback h2")).to_be_visible()
    page.get_by_role("button", name="Finish and see my result").click()
    expect(page.locator(".score-big")).to_be_visible()
    look(page, "", "quiz-result", width, problems, scheme)

    certificate = Certificate.objects.select_related("user").order_by("pk").first()
    page.context.clear_cookies()
    login(page, live_server, certificate.user.username, "devops-demo")
    look(page, base + certificate.get_absolute_url(), "certificate", width, problems, scheme)

    page.context.clear_cookies()
    login(page, live_server, "lead", "devops-demo")
    cohort = Cohort.objects.get(slug="demo-cohort")
    member = cohort.memberships.filter(user__attempts__isnull=False).order_by("pk").first()
    for name, url in {
        "lead-overview": f"/cohorts/{cohort.slug}/",
        "lead-attention": f"/cohorts/{cohort.slug}/attention/",
        "lead-questions": f"/cohorts/{cohort.slug}/questions/",
        "lead-activity": f"/cohorts/{cohort.slug}/activity/",
        "lead-roster": f"/cohorts/{cohort.slug}/roster/",
        "lead-member": f"/cohorts/{cohort.slug}/members/{member.user_id}/",
    }.items():
        look(page, base + url, name, width, problems, scheme)
    page.goto(f"{base}/cohorts/{cohort.slug}/questions/")
    table = page.get_by_role("table", name="Questions the cohort answered")
    prompts = "\n".join(table.locator("tbody tr td:first-child").all_inner_texts())  # answers may hold "**/*"
    assert prompts and "**" not in prompts and "`" not in prompts, "prompts in plain text, not markdown"
    context.close()
    assert problems == []


def test_the_leads_overview_shows_its_figures_without_scrolling_at_1280_px(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "lead", "devops-demo")
    page.goto(f"{live_server.url}/cohorts/demo-cohort/")
    wrap = page.get_by_role("region", name="Learners by module")
    edge = wrap.bounding_box()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    for name in ["Learner", "Progress", "Last activity", "Quiz average"]:
        header = page.get_by_role("columnheader", name=re.compile(f"^{name}"))
        box = header.bounding_box()
        assert box["x"] >= edge["x"] - 1 and box["x"] + box["width"] <= edge["x"] + edge["width"] + 1, name
    # The learner column stays in view when the modules scroll sideways (where there is anything to scroll).
    first = page.locator("#overview-table tbody th").first
    before = first.bounding_box()["x"]
    wrap.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    assert abs(first.bounding_box()["x"] - before) < 1
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_activity_chart_is_as_wide_as_its_card_and_never_widens_the_page(browser, live_server, demo, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_server, "lead", "devops-demo")
    page.goto(f"{live_server.url}/cohorts/demo-cohort/activity/")
    card = page.locator("section.card", has=page.locator(".weekly-chart"))
    chart = page.locator(".weekly-chart")
    inner = card.evaluate("e => e.clientWidth - parseFloat(getComputedStyle(e).paddingLeft) * 2")
    assert chart.bounding_box()["width"] >= min(inner, 576) - 1  # the card's width; 36rem at least
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(chart.locator("text.axis-title")).to_have_count(2)
    context.close()


def test_an_instructor_chooses_a_kind_then_sees_only_its_fields_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    login(page, live_server, "instructor", "devops-demo")
    page.goto(f"{live_server.url}/admin/quizzes/question/add/")
    page.get_by_role("link", name="Numeric").click()
    expect(page.get_by_label("Numeric answer")).to_be_visible()
    expect(page.get_by_label("Tolerance")).to_be_visible()
    expect(page.get_by_text("Choices", exact=True)).to_have_count(0)
    expect(page.get_by_label("Published")).not_to_be_checked()
    page.get_by_role("button", name=re.compile("^Save$")).click()
    row = page.locator(".form-row.field-numeric_answer")
    expect(row.locator(".errorlist")).to_contain_text("needs its answer")
    context.close()


def test_a_questions_choices_in_both_languages_fit_the_admin_form_at_1280(browser, live_server, demo):
    question = Question.objects.filter(kind=QuestionKind.MATCHING).first()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "instructor", "devops-demo")
    page.goto(f"{live_server.url}/admin/quizzes/question/{question.pk}/change/")
    expect(page.locator("#id_choices-0-match_text_vi")).to_be_visible()  # each language's field shows
    expect(page.locator("#id_choices-0-feedback_en")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_path_maps_modules_are_links_reached_by_keyboard_with_their_state(browser, live_server, demo, width):
    """On a desk the map's boxes; on a phone the checklist is the map (one module a row, the drawn
    map hidden): either way each module is a link named with its state, reached by Tab, and fits."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    login(page, live_server, "learner", "devops-demo")
    shown = page.locator(".checklist" if width < 640 else ".path-map")
    expect(page.locator(".path-map")).to_be_visible(visible=width >= 640)
    links = shown.get_by_role("link", name=re.compile(r"^Module \d+: "))
    expect(links).to_have_count(6)
    names = [link.get_attribute("aria-label") for link in links.all()]
    assert names[0].startswith("Module 1: DevOps mindset and metrics, ")
    assert all(re.search(r", (Locked|Available|In progress|Completed|Mastered)", name) for name in names)
    box = shown.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, "the map fits the screen"
    where = ".checklist-title" if width < 640 else ".path-map"
    for _ in range(40):  # Tab from the top of the page to the map's first module
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.closest('{where}') !== null"):
            break
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == names[0]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/paths/devops-on-aws/devops-mindset/$"))
    context.close()
