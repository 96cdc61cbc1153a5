"""The header on a phone and a desk, for each role: at 320 and 390 px every link of the header is
reachable through the menu button (a <details>: it opens without JavaScript) and nothing sticks out
of the screen; at 1280 px the links show in a row. The menu also works with the keyboard."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.contrast import contrast_failures
from tests.browser.test_screens_browser import SCREENS

pytestmark = pytest.mark.browser

PHONES = [320, 390]
EVERYONE = ["Learning path"]
LEARNER = [*EVERYONE, "My progress", "Review", "Search"]
ROLES = {  # the demo accounts: who they are, the links their header must offer
    None: EVERYONE,
    "learner": LEARNER,
    "lead": [*LEARNER, "Cohorts"],
    "instructor": [*LEARNER, "Admin"],  # (the demo's instructor leads a cohort too)
}


def signed_in_page(browser, live_server, username, width: int, *, javascript: bool):
    context = browser.new_context(viewport={"width": width, "height": 700}, java_script_enabled=javascript)
    page = context.new_page()
    if username:
        login(page, live_server, username, "devops-demo")
    else:
        page.goto(f"{live_server.url}/")
    return page


def inside_the_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 0.5


def test_every_header_link_is_reachable_on_a_phone_without_javascript(browser, live_server, demo):
    problems = []
    for username, expected in ROLES.items():
        for width in PHONES:
            page = signed_in_page(browser, live_server, username, width, javascript=False)
            where = f"{username or 'visitor'} at {width} px"
            if page.evaluate("document.documentElement.scrollWidth") > width:
                problems.append(f"{where}: the page scrolls sideways")
            header = page.locator(".site-header")
            for control in header.locator(".brand, .nav-menu > summary, .account-menu > a, .menu > summary").all():
                if not (control.is_visible() and inside_the_screen(page, control)):
                    problems.append(f"{where}: {control.inner_text()!r} is hidden or off screen")
            nav = page.get_by_role("navigation", name="Main")
            assert nav.get_by_role("link").count() == 0, "the links wait behind the menu button"
            nav.locator("summary", has_text="Menu").click()
            links = nav.get_by_role("link")
            names = [link.inner_text().strip() for link in links.all()]
            if not set(expected) <= set(names):
                problems.append(f"{where}: the menu offers {names}, not all of {expected}")
            for link in links.all():
                if not inside_the_screen(page, link):
                    problems.append(f"{where}: {link.inner_text()!r} is off screen")
            if username:  # the account menu opens on screen too
                header.locator(".menu summary").click()
                for item in [header.get_by_role("link", name="Account"), header.get_by_role("button", name="Log out")]:
                    if not (item.is_visible() and inside_the_screen(page, item)):
                        problems.append(f"{where}: the account menu's {item.inner_text()!r} is off screen")
            page.context.close()
    assert not problems, "\n".join(problems)


# Which part of the header has focus (a link of the open menu, a language button, the account menu) and
# how far down the screen it is; None once focus has left the header.
FOCUSED_IN_HEADER = """() => {
  const el = document.activeElement;
  if (!el || !el.closest('.site-header')) return null;
  const part = el.closest('.language-switcher') ? 'language' : el.closest('.account-menu') ? 'account' : 'link';
  return [part, Math.round(el.getBoundingClientRect().top)];
}"""


def test_the_phone_menu_opens_and_closes_with_the_keyboard_and_its_links_are_readable(browser, live_server, demo):
    page = signed_in_page(browser, live_server, "lead", 390, javascript=True)
    page.emulate_media(color_scheme="light")
    toggle = page.locator(".nav-menu summary")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.nav-menu') !== null"):
            break
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    cohorts = page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts")
    expect(cohorts).to_be_visible()
    assert contrast_failures(page) == []
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENS / "390-header-menu-open.png")
    # Tab follows the screen: the open panel's links then its language buttons, top to bottom, then the account
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        where = page.evaluate(FOCUSED_IN_HEADER)
        if where is None:
            break
        focused.append(where)
    parts = [part for part, _ in focused]
    assert parts == sorted(parts, key=["link", "language", "account"].index), f"Tab order: {parts}"
    assert "language" in parts and "account" in parts
    tops = [top for part, top in focused if part != "account"]
    assert tops == sorted(tops), "Tab goes up and down the open menu"
    page.keyboard.press("Escape")
    expect(cohorts).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/progress/")


@pytest.mark.parametrize("username", ["lead", "instructor"])
def test_the_desk_shows_every_link_in_a_row(browser, live_server, demo, username):
    page = signed_in_page(browser, live_server, username, 1280, javascript=True)
    nav = page.get_by_role("navigation", name="Main")
    expect(page.locator(".nav-menu summary")).to_be_hidden()
    names = [link.inner_text().strip() for link in nav.get_by_role("link").all()]
    assert set(ROLES[username]) <= set(names)
    tops = {round(link.bounding_box()["y"]) for link in nav.get_by_role("link").all()}
    assert len(tops) == 1, "one row"
