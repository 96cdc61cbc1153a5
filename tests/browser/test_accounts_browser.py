"""A new visitor signs up, is logged in, logs out and logs in again, in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User

pytestmark = pytest.mark.browser


def test_visitor_signs_up_logs_out_and_logs_in_again(page, live_server, live_curriculum, console_errors):
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("mai")
    page.get_by_label("E-mail address").fill("mai@example.com")
    page.get_by_label("Display name").fill("Mai Pham")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Welcome, Mai Pham!")).to_be_visible()
    expect(page.get_by_role("link", name="My progress")).to_be_visible()

    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("mai")
    page.get_by_label("Password").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("details.menu summary")).to_contain_text("Mai Pham")
    assert console_errors == []


def test_wrong_password_shows_a_clear_error(page, live_server, live_curriculum):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("correct username and password"))


def test_sign_up_proposes_the_browsers_time_zone_and_keeps_the_default_without_javascript(
    browser, live_server, live_curriculum
):
    for zone, expected in [("Europe/Berlin", "Europe/Berlin"), ("Asia/Kolkata", "Asia/Kolkata")]:
        context = browser.new_context(timezone_id=zone)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/signup/")
        expect(page.get_by_label("Time zone")).to_have_value(expected)
        context.close()

    context = browser.new_context(timezone_id="Europe/Berlin", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Ho_Chi_Minh")  # the site's default
    context.close()

    context = browser.new_context(timezone_id="America/Sao_Paulo")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Username").fill("zoe")
    page.get_by_label("E-mail address").fill("zoe@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert User.objects.get(username="zoe").time_zone == "America/Sao_Paulo"
    context.close()
