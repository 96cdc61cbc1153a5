"""Time zones a person chooses from: canonical zones only (no US/Pacific, Etc/GMT+5 or Asia/Saigon
beside their canonical names), grouped by region; sign-up offers the list with the site's default
selected (static/js/app.js proposes the browser's zone: tests/browser/test_accounts_browser.py); an
account saved with a legacy name is offered its canonical zone."""

import re

import pytest
from django.conf import settings

from accounts import zones
from accounts.models import User
from tests.accounts.test_accounts import signup

pytestmark = pytest.mark.django_db


def test_the_list_has_canonical_zones_only():
    listed = zones.canonical_zones()
    assert {"UTC", "Asia/Ho_Chi_Minh", "Europe/London", "America/Los_Angeles", "America/Argentina/Buenos_Aires"} <= set(
        listed
    )
    assert not {"US/Pacific", "Etc/GMT+5", "Asia/Saigon", "Asia/Calcutta", "GB", "EST5EDT"} & set(listed)
    assert 300 < len(listed) < 450  # zoneinfo.available_timezones() has about 600


def test_legacy_names_a_browser_reports_map_to_their_canonical_zone():
    assert zones.canonical("Asia/Calcutta") == "Asia/Kolkata"
    assert zones.canonical("Asia/Saigon") == "Asia/Ho_Chi_Minh"
    assert zones.canonical("US/Pacific") == "America/Los_Angeles"
    assert zones.canonical("Europe/Paris") == "Europe/Paris"
    assert set(zones.aliases().values()) <= set(zones.canonical_zones())


def test_sign_up_offers_the_zones_grouped_by_region_with_the_default_selected(client):
    page = client.get("/accounts/signup/").content.decode()
    select = re.search(r'<select[^>]*name="time_zone".*?</select>', page, re.S).group()
    assert 'data-browser-zone=""' in select and "data-zone-aliases=" in select
    assert '<optgroup label="Europe">' in select and '<optgroup label="America">' in select
    assert f'<option value="{settings.DEFAULT_USER_TIME_ZONE}" selected>' in select
    assert '<option value="America/Argentina/Buenos_Aires">Argentina / Buenos Aires</option>' in select
    assert select.count("<option") == len(zones.canonical_zones())
    assert "US/Pacific</option>" not in select


def test_sign_up_stores_the_chosen_zone_and_refuses_a_legacy_name_with_a_message(client):
    assert signup(client, time_zone="Europe/Berlin").status_code == 302
    assert User.objects.get(username="newbie").time_zone == "Europe/Berlin"
    client.logout()
    refused = signup(client, username="other", email="other@example.com", time_zone="US/Pacific")
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_an_account_with_a_legacy_zone_is_offered_its_canonical_zone(client, learner):
    User.objects.filter(pk=learner.pk).update(time_zone="US/Pacific")
    client.force_login(learner)
    page = client.get("/accounts/me/").content.decode()
    assert '<option value="America/Los_Angeles" selected>' in page


def test_every_aria_describedby_of_the_sign_up_form_points_at_an_element(client):
    refused = signup(client, username="", password2="different").content.decode()
    ids = set(re.findall(r'\sid="([^"]+)"', refused))
    for value in re.findall(r'aria-describedby="([^"]*)"', refused):
        assert value.split(), "an empty aria-describedby"
        assert set(value.split()) <= ids, value
    help_block = re.search(r'<div class="helptext" id="id_password1_helptext">(.*?)</div>', refused, re.S).group(1)
    assert "<ul>" in help_block and "at least 8 characters" in help_block  # the rules, styled as help
