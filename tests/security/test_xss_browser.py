"""Hostile content in a real Chromium: an instructor has saved every payload of payloads.py into every
field a learner or a cohort lead later sees (and learners carry payloads in their names). Each page
that shows them is opened with a ``dialog`` listener, and its DOM is searched for anything a payload
introduced: scripts, event handlers, frames, javascript:/data: URLs, htmx attributes, ids and classes.
No dialog may fire, no CSP violation may be reported, and no page may load a payload's probe URL."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from progress.models import ReviewCard
from quizzes import attempts as lifecycle
from quizzes.models import Attempt, Question
from tests.browser.conftest import login
from tests.security import payloads
from tests.security.conftest import KINDS, answer_data, querydict

pytestmark = pytest.mark.browser

# --- what the app itself writes -------------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
APP_CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
# The page head and account menu every page shows are written by template tags in Python.
SITE_TAGS = [
    Path(settings.BASE_DIR) / "devopslearn" / "lib" / "sitetags.py",
    Path(settings.BASE_DIR) / "accounts" / "templatetags" / "account_menu.py",
]
# Templates of a widget, found by the form renderer in the app's own templates folder.
SITE_TAGS.append(Path(settings.BASE_DIR) / "accounts" / "templates" / "accounts" / "widgets" / "quick_select.html")


def _template_sources() -> str:
    files = [*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.svg")]  # an inline drawing is a template too
    templates = [p.read_text() for p in files if "admin" not in p.relative_to(TEMPLATES).parts]
    return "\n".join([*templates, *(tags.read_text() for tags in SITE_TAGS)])


# Elements and htmx attributes the templates write; the parser adds html/head/body/tbody by itself, and
# the search marks matches with <mark> (courses.views._highlight). Outside rendered content the check also
# accepts the harmless formatting tags content may use (and h1): templates pick heading levels at run time.
APP_TAGS = sorted(
    {t.lower() for t in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)[\s>/]", _template_sources())}
    | {"html", "head", "body", "tbody", "mark"}
)
APP_HX_ATTRIBUTES = sorted(set(re.findall(r"\s(hx-[a-z-]+)=", _template_sources())))
APP_CLASSES = sorted(set(re.findall(r"\.([a-zA-Z][\w-]*)", APP_CSS.read_text())))
# What rendered content may contain: the sanitizer's allow-list (devopslearn/lib/markdown.py), written
# out here on purpose so that widening it is a decision this suite sees.
CONTENT_TAGS = {"p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "del", "sup", "sub", "kbd"}
CONTENT_TAGS |= {"ul", "ol", "li", "dl", "dt", "dd", "blockquote", "code", "pre", "span", "div", "abbr", "a"}
CONTENT_TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}
CONTENT_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    **{h: ["id"] for h in ("h2", "h3", "h4", "h5", "h6")},
    "span": ["class"],
    "div": ["class", "tabindex", "role", "aria-label"],  # "highlight", and the keyboard-scrollable table wrapper
    "code": ["class"],
    "th": ["class"],
    "td": ["class"],
    "ol": ["start"],
    "pre": ["tabindex"],
}
# The only classes of the app's stylesheet that content may carry: the code-block wrapper, the frame
# and bar (with its language's name) and the table wrapper the renderer adds after sanitising, and
# table alignment.
CONTENT_MAY_USE = {"highlight", "table-scroll", "align-left", "align-center", "align-right"}
CONTENT_MAY_USE |= {"code-block", "code-bar", "code-language"}
# What the app's own script adds inside rendered content: the copy button in a code block's bar
# (static/js/app.js). Matched by this selector, it is checked as app markup, not as content.
SCRIPT_ADDS = ".code-bar > button.code-copy"

CHECK_DOM = r"""
(cfg) => {
  const problems = [];
  const appTags = new Set(cfg.appTags), hx = new Set(cfg.hx), appClasses = new Set(cfg.appClasses);
  const contentTags = new Set(cfg.contentTags), contentMayUse = new Set(cfg.contentMayUse);
  const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "poster", "background",
    "data", "codebase", "srcset", "ping", "cite", "longdesc", "lowsrc", "dynsrc", "manifest", "icon"]);
  const hooks = new Set(["id", "class", "name", "for", "form", "slot", "is", "part", "xmlns"]);
  const badScheme = /^(javascript|data|vbscript|livescript):/;
  const invisible = /[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000\ufeff]/g;
  const marker = /xss-\d/i;
  const show = (el) => el.outerHTML.slice(0, 140);
  const ids = new Map();
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName.toLowerCase();
    const inContent = !!(el.parentElement && el.parentElement.closest(".prose")) && !el.matches(cfg.scriptAdds);
    if (inContent ? !contentTags.has(tag) : !(appTags.has(tag) || contentTags.has(tag) || tag === "h1")) {
      const why = inContent ? "the content allow-list does not have" : "no template writes";
      problems.push(`<${tag}> that ${why}: ${show(el)}`);
    }
    if (tag === "script") {
      const src = el.getAttribute("src");
      let own = false;
      if (src && !el.textContent.trim()) {
        const url = new URL(src, location.href);
        own = url.origin === location.origin && url.pathname.startsWith("/static/");
      }
      if (!own) problems.push(`a script that is not one of the app's files: ${show(el)}`);
    }
    if (el.id) ids.set(el.id, (ids.get(el.id) || 0) + 1);
    for (const attribute of Array.from(el.attributes)) {
      const name = attribute.name.toLowerCase(), value = attribute.value;
      const squeezed = value.replace(invisible, "").toLowerCase();
      if (name.startsWith("on")) problems.push(`event handler ${name}: ${show(el)}`);
      if (urlAttributes.has(name) && badScheme.test(squeezed)) {
        problems.push(`${name} with a ${squeezed.split(":")[0]}: URL: ${show(el)}`);
      }
      if (name === "srcdoc" || name === "style") problems.push(`${name} attribute: ${show(el)}`);
      if (marker.test(name)) problems.push(`attribute named by a payload (${name}): ${show(el)}`);
      if (name.startsWith("hx-") || name.startsWith("data-hx-")) {
        if (!hx.has(name)) problems.push(`htmx attribute ${name} that no template writes: ${show(el)}`);
        else if (inContent) problems.push(`htmx attribute ${name} inside rendered content: ${show(el)}`);
        else if (name === "hx-get" || name === "hx-post") {
          const url = new URL(value, location.href);
          if (url.origin !== location.origin || url.pathname.toLowerCase().includes(cfg.probe)) {
            problems.push(`${name} to ${value}: ${show(el)}`);
          }
        } else if (marker.test(value)) problems.push(`${name} carrying a payload: ${show(el)}`);
      }
      const headingId = inContent && /^h[2-6]$/.test(tag) && name === "id" && value.startsWith("section-");
      if ((hooks.has(name) || name.startsWith("data-")) && marker.test(value) && !headingId) {
        problems.push(`${name}="${value.slice(0, 60)}" introduced by a payload: ${show(el)}`);
      }
      if (inContent && !(cfg.contentAttributes[tag] || []).includes(name)) {
        problems.push(`attribute ${name} on <${tag}> inside rendered content: ${show(el)}`);
      }
    }
    if (inContent && cfg.classes) {
      for (const token of Array.from(el.classList)) {
        if (appClasses.has(token) && !contentMayUse.has(token)) {
          problems.push(`content borrows the app's class "${token}": ${show(el)}`);
        }
      }
    }
  }
  for (const [id, count] of ids) if (count > 1) problems.push(`id "${id}" appears ${count} times`);
  for (const violation of window.__cspViolations || []) problems.push(`CSP violation: ${violation}`);
  window.__cspViolations = [];
  return problems;
}
"""

RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""


class Inspector:
    """One persona's browser tab, listening for dialogs, console errors and requests, with a DOM check."""

    def __init__(self, browser, live_server, who: str, *, classes: bool = False):
        self.base = live_server.url
        self.who = who
        self.classes = classes  # also report content wearing the app's own classes (its own test below)
        self.context = browser.new_context()
        self.context.add_init_script(RECORD_CSP)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.requests: list[str] = []
        self.problems: dict[str, list[str]] = {}
        self.pages_checked = 0
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.console.append(f"page error: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def _console(self, message) -> None:
        """Console errors, but not the browser's note that the page itself is a 403/404 (an error page
        asked for), nor the favicon an error page does not name."""
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and (
            where == self.page.url or urlsplit(where).path == "/favicon.ico"
        ):
            return
        self.console.append(f"{message.text} ({where})")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}({dialog.message})")
        dialog.dismiss()

    def visit(self, label: str, url: str) -> None:
        response = self.page.goto(self.base + url)
        assert response is not None and response.status < 500, f"{label}: {url} answered {response and response.status}"
        self.check(label)

    def check(self, label: str) -> None:
        found = self.page.evaluate(
            CHECK_DOM,
            {
                "appTags": APP_TAGS,
                "hx": APP_HX_ATTRIBUTES,
                "appClasses": APP_CLASSES,
                "contentTags": sorted(CONTENT_TAGS),
                "contentAttributes": CONTENT_ATTRIBUTES,
                "contentMayUse": sorted(CONTENT_MAY_USE),
                "scriptAdds": SCRIPT_ADDS,
                "probe": payloads.PROBE,
                "classes": self.classes,
            },
        )
        html = self.page.content()
        found += [f"template evaluated: {leak!r} in the page" for leak in payloads.TEMPLATE_LEAKS if leak in html]
        found += [f"dialog fired: {d}" for d in self.dialogs]
        found += [f"console: {c}" for c in self.console]
        found += [f"requested {u}" for u in self.requests if payloads.PROBE in urlsplit(u).path.lower()]
        self.dialogs.clear()
        self.console.clear()
        self.requests.clear()
        self.pages_checked += 1
        if found:
            self.problems[f"{self.who}: {label} ({self.page.url.removeprefix(self.base)})"] = sorted(set(found))

    def close(self) -> None:
        self.context.close()


def finish(inspector: Inspector, at_least: int) -> None:
    """Close the inspector's browser; it must have checked enough pages and found nothing."""
    inspector.close()
    assert inspector.pages_checked >= at_least
    assert inspector.problems == {}, "\n" + report(inspector)


def report(*inspectors: Inspector) -> str:
    lines = []
    for inspector in inspectors:
        for label, found in inspector.problems.items():
            lines.append(label)
            lines += [f"    {problem}" for problem in found[:12]]
            if len(found) > 12:
                lines.append(f"    … and {len(found) - 12} more")
    return "\n".join(lines)


def fill_answer(scope, kind: str, typed: str = "") -> None:
    """Answer the question in ``scope`` the way a learner would (right or wrong does not matter)."""
    if kind in ("single", "true_false", "multiple"):
        scope.locator("input[name=answer]").first.check()
    elif kind == "ordering":
        selects = scope.locator("select[name^='position-']")
        for i in range(selects.count()):
            selects.nth(i).select_option(str(i + 1))
    elif kind == "matching":
        selects = scope.locator("select[name^='match-']")
        for i in range(selects.count()):
            selects.nth(i).select_option(index=1)
    elif kind == "numeric":
        scope.locator("#answer-input").fill("12.5")
    else:
        scope.locator("#answer-input").fill(typed or "appspec.yml")


def submit_answer_form(inspector: Inspector, panel: str) -> None:
    inspector.page.locator(panel).get_by_role("button", name="Check my answer").click()
    inspector.page.locator(f"{panel} .feedback").wait_for()


# --- the tests --------------------------------------------------------------------------------------------


def test_every_field_holds_every_payload(xss_world):
    """The world really is hostile: 40+ payloads, each in the lesson text, and spread over the titles."""
    assert len(payloads.PAYLOADS) >= 40
    assert len({p.token for p in payloads.PAYLOADS}) == len(payloads.PAYLOADS)
    titles = " ".join(lesson.title for lesson in xss_world.lessons)
    names = " ".join(m.display_name for m in xss_world.members)
    for payload in payloads.PAYLOADS:
        short = payload.text.replace("\n", " ")
        assert short[:40] in titles, payload
        assert short[:40] in names, payload
        assert payload.text in xss_world.lessons[0].body_md
    documents = "\n\n".join(xss_world.documents)
    assert all(payload.text in documents for payload in payloads.PAYLOADS)
    # save() rendered the markdown: the stored HTML is what the pages mark safe
    assert "XSS-1" in xss_world.lessons[0].body_html and "<script" not in xss_world.lessons[0].body_html


def test_the_dom_check_finds_what_it_looks_for(browser, live_server, xss_world):
    """The check is not blind: hostile nodes slipped into a page by hand are all reported."""
    inspector = Inspector(browser, live_server, "self-test", classes=True)
    xss_world.lessons[0].module = xss_world.module
    inspector.visit("clean lesson", xss_world.lessons[0].get_absolute_url())
    inspector.problems.clear()
    inspector.page.evaluate(
        """() => {
          const prose = document.querySelector(".prose");
          prose.insertAdjacentHTML("beforeend",
            '<img src="/xss-probe-0" onerror="alert(0)">' +
            '<a href=" JaVa\tscript:alert(0)">x</a>' +
            '<span class="map-node" hx-get="/xss-probe-0" hx-trigger="load">x</span>' +
            '<iframe src="data:text/html,x"></iframe>' +
            '<b id="content" class="XSS-0">x</b>');
          document.body.insertAdjacentHTML("beforeend", '<div hx-on:click="alert(0)" data-x="XSS-0"></div>' +
            '<script>alert(0)</script>');
        }"""
    )
    inspector.page.wait_for_timeout(300)  # the image request and the CSP report
    inspector.check("after injecting by hand")
    found = "\n".join(next(iter(inspector.problems.values()), []))
    inspector.close()
    for expected in [
        "event handler onerror",
        "href with a javascript: URL",
        'content borrows the app\'s class "map-node"',
        "htmx attribute hx-get inside rendered content",
        "<iframe> that the content allow-list does not have",
        "src with a data: URL",
        'id "content" appears 2 times',
        'class="XSS-0" introduced by a payload',
        "htmx attribute hx-on:click that no template writes",
        'data-x="XSS-0" introduced by a payload',
        "a script that is not one of the app's files",
        "requested http",
        "CSP violation",
    ]:
        assert expected in found, f"{expected!r} not reported in:\n{found}"


def test_a_learner_reads_hostile_content_and_nothing_runs(browser, live_server, xss_world):
    world = xss_world
    learner = Inspector(browser, live_server, "learner")
    login(learner.page, live_server, world.learner.username, world.password)
    learner.check("home after logging in")
    learner.visit("path", world.path.get_absolute_url())
    learner.visit("module", world.module.get_absolute_url())
    for lesson in world.lessons[: len(world.documents) + 1]:  # everything at once, then each document
        lesson.module = world.module
        learner.visit(f"lesson {lesson.slug}", lesson.get_absolute_url())
    learner.visit("locked module", world.locked_module.get_absolute_url())
    locked_lesson = world.locked_module.lessons.filter(published=True).order_by("order").first()
    learner.visit("lesson of a locked module", locked_lesson.get_absolute_url())
    # A POST the locked module refuses: the 403 page names the missing module (a payload title).
    with learner.page.expect_navigation():
        learner.page.evaluate(
            """(url) => {
          const form = document.createElement("form");
          form.method = "post"; form.action = url;
          const token = document.createElement("input");
          token.type = "hidden"; token.name = "csrfmiddlewaretoken";
          token.value = document.querySelector("input[name=csrfmiddlewaretoken]").value;
          form.append(token); document.body.append(form); form.submit();
        }""",
            reverse("progress:complete", args=[world.path.slug, world.locked_module.slug, locked_lesson.slug]),
        )
    assert "403" in learner.page.content()
    learner.check("403 page with the locked module's reason")
    learner.visit("quiz page", world.quiz.get_absolute_url())
    learner.visit("search results", reverse("courses:search") + "?q=XSS")
    learner.visit("search for a payload", reverse("courses:search") + "?q=" + quote(payloads.SEARCH_QUERY.text))
    learner.visit("progress", reverse("progress:mine"))
    learner.visit("certificate", world.certificate.get_absolute_url())
    learner.visit("account", reverse("accounts:account"))
    learner.visit("join a cohort", reverse("cohorts:join"))
    finish(learner, at_least=15)


def test_a_learner_answers_every_kind_of_question_and_reviews_and_nothing_runs(browser, live_server, xss_world):
    world = xss_world
    learner = Inspector(browser, live_server, "learner")
    login(learner.page, live_server, world.learner.username, world.password)
    learner.visit("quiz page", world.quiz.get_absolute_url())
    learner.page.get_by_role("button", name="Start the quiz").click()
    learner.page.wait_for_url(re.compile(r".*/q/1/$"))
    attempt = Attempt.objects.get(user=world.learner, quiz=world.quiz)
    kinds = {q.pk: q.kind for q in Question.objects.filter(pk__in=attempt.question_order)}
    assert sorted(kinds.values()) == sorted(KINDS)
    for position, question_id in enumerate(attempt.question_order, start=1):
        kind = kinds[question_id]
        url = reverse("quizzes:question", args=[attempt.public_id, position])
        learner.visit(f"{kind} question", url)
        fill_answer(learner.page.locator("#answer-panel"), kind, typed=payloads.TYPED_ANSWER.text)
        submit_answer_form(learner, "#answer-panel")
        learner.check(f"{kind} feedback swapped in by htmx")
        learner.visit(f"{kind} feedback as a page", url)
    learner.page.get_by_role("button", name="Finish and see my result").click()
    learner.page.wait_for_url(re.compile(r".*/attempts/[0-9a-f-]+/$"))
    learner.check("result")

    cards = ReviewCard.objects.filter(user=world.learner)
    assert cards.exists(), "wrong answers became review cards"
    cards.update(due=timezone.now() - timedelta(days=1))
    learner.visit("review", reverse("progress:review"))
    card = ReviewCard.objects.filter(user=world.learner).order_by("due", "pk").first()
    fill_answer(learner.page.locator("#card-panel"), card.question.kind, typed=payloads.TYPED_ANSWER.text)
    submit_answer_form(learner, "#card-panel")
    learner.check("review feedback swapped in by htmx")
    learner.visit("review card feedback as a page", reverse("progress:review_card", args=[card.pk]))
    learner.page.get_by_role("button", name="Next card").click()
    learner.page.locator("#card-panel .feedback").wait_for(state="detached")  # htmx swapped the next card in
    learner.check("the next review card")
    learner.visit("progress after the quiz", reverse("progress:mine"))
    finish(learner, at_least=7 * 3 + 5)


def _answer_and_finish(world) -> Attempt:
    """The learner takes the quiz (wrong answers, a payload typed as the short answer) and finishes it."""
    attempt = lifecycle.start_attempt(world.learner, world.quiz)
    for question in Question.objects.filter(pk__in=attempt.question_order):
        data = answer_data(attempt, question, "wrong")
        if question.kind == "short_text":
            data = {"answer": payloads.TYPED_ANSWER.text}
        lifecycle.submit_answer(attempt, question, querydict(data))
    return lifecycle.close_attempt(attempt)


def test_a_cohort_lead_sees_hostile_names_and_answers_and_nothing_runs(browser, live_server, xss_world):
    world = xss_world
    _answer_and_finish(world)
    slug = world.cohort.slug
    lead = Inspector(browser, live_server, "lead")
    login(lead.page, live_server, world.lead.username, world.password)
    lead.visit("cohort list", reverse("cohorts:list"))
    lead.visit("overview", reverse("cohorts:overview", args=[slug]))
    lead.visit(
        "overview filtered by a payload",
        reverse("cohorts:overview", args=[slug]) + "?q=" + quote(payloads.FILTER_QUERY.text),
    )
    lead.visit("overview sorted by module 1", reverse("cohorts:overview", args=[slug]) + f"?sort=-m{world.module.pk}")
    lead.visit("overview, not started", reverse("cohorts:overview", args=[slug]) + "?state=available")
    lead.visit("needs attention", reverse("cohorts:attention", args=[slug]))
    lead.visit("questions", reverse("cohorts:questions", args=[slug]))
    for kind, question in world.questions.items():
        lead.visit(f"question detail ({kind})", reverse("cohorts:question", args=[slug, question.pk]))
    lead.visit("activity", reverse("cohorts:activity", args=[slug]))
    lead.visit("roster", reverse("cohorts:roster", args=[slug]))
    lead.visit("drill-down to the learner", reverse("cohorts:member", args=[slug, world.learner.pk]))
    lead.visit("drill-down to a payload-named member", reverse("cohorts:member", args=[slug, world.members[0].pk]))
    lead.page.goto(live_server.url + reverse("cohorts:roster", args=[slug]))
    with lead.page.expect_navigation():
        lead.page.get_by_role("button", name=re.compile(r"^Remove ")).first.click()  # the message names them
    lead.check("roster after removing a payload-named member")
    lead.visit("account", reverse("accounts:account"))
    finish(lead, at_least=20)


def test_visitors_and_instructors_see_hostile_content_and_nothing_runs(browser, live_server, xss_world):
    world = xss_world
    visitor = Inspector(browser, live_server, "anonymous")
    visitor.visit("home", "/")
    visitor.visit("first module", world.module.get_absolute_url())
    world.lessons[0].module = world.module
    visitor.visit("a lesson", world.lessons[0].get_absolute_url())
    visitor.visit("certificate", world.certificate.get_absolute_url())
    visitor.close()

    instructor = Inspector(browser, live_server, "instructor")
    login(instructor.page, live_server, world.instructor.username, world.password)
    for kind, question in world.questions.items():
        instructor.visit(f"preview ({kind})", reverse("quizzes:preview", args=[question.pk]))
    instructor.close()
    assert visitor.problems == {} and instructor.problems == {}, "\n" + report(visitor, instructor)


def test_rendered_content_cannot_wear_the_apps_own_classes(browser, live_server, xss_world):
    """The sanitizer promises "no id or class of the page's own": a lesson or a question may not
    style itself as the app's path map, a locked card or a number column, nor hide from print."""
    world = xss_world
    visitor = Inspector(browser, live_server, "anonymous", classes=True)
    for lesson in world.lessons[: len(world.documents) + 1]:
        lesson.module = world.module
        visitor.visit(f"lesson {lesson.slug}", lesson.get_absolute_url())
    visitor.close()
    instructor = Inspector(browser, live_server, "instructor", classes=True)
    login(instructor.page, live_server, world.instructor.username, world.password)
    for kind, question in world.questions.items():
        instructor.visit(f"preview ({kind})", reverse("quizzes:preview", args=[question.pk]))
    instructor.close()
    assert visitor.problems == {} and instructor.problems == {}, "\n" + report(visitor, instructor)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_the_cohort_export_hands_no_formula_to_a_spreadsheet(browser, live_server, xss_world):
    """A learner names themself ``=HYPERLINK(...)``; the lead downloads the cohort CSV and opens it in a
    spreadsheet. No cell may start with a character that makes it a formula (OWASP "CSV injection")."""
    world = xss_world
    formula = next(p for p in payloads.PAYLOADS if p.kind == "formula").text
    world.members[1].display_name = formula[:80]
    world.members[1].save(update_fields=["display_name"])
    world.members[2].username = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.members[2].save(update_fields=["username"])
    lead = Inspector(browser, live_server, "lead")
    login(lead.page, live_server, world.lead.username, world.password)
    export = lead.page.request.get(live_server.url + reverse("cohorts:export", args=[world.cohort.slug]))
    status, text = export.status, export.text()
    lead.close()
    assert status == 200
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 1 + len(world.members)
    formulas = [cell for row in rows[1:] for cell in row[:2] if cell.startswith(FORMULA_STARTS)]
    assert formulas == []
