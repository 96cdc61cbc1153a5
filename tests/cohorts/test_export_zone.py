"""The cohort CSV states its times in the lead's time zone (named in the header, ISO 8601 with the
offset), like the roster the lead reads, although the file is streamed after the request's zone is
switched off. Checked on both sides of the date line."""

import csv
import io
from datetime import UTC, datetime

import pytest

from tests.cohorts.conftest import make_cohort
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("zone", "joined"),
    [
        ("Pacific/Kiritimati", "2026-11-30T01:20:00+14:00"),  # UTC+14: already the next day
        ("Pacific/Pago_Pago", "2026-11-29T00:20:00-11:00"),  # UTC-11: still the same day, early
        ("Asia/Ho_Chi_Minh", "2026-11-29T18:20:00+07:00"),
    ],
)
def test_the_csv_states_times_in_the_leads_zone(client, curriculum, zone, joined):
    lead = make_user("zone-lead", time_zone=zone)
    learner = make_user("zone-learner")
    cohort = make_cohort(curriculum, slug="zones", leads=[lead], members=[learner])
    cohort.memberships.update(joined_at=datetime(2026, 11, 29, 11, 20, tzinfo=UTC))
    client.force_login(lead)
    roster = client.get(f"/cohorts/{cohort.slug}/roster/").content.decode()
    response = client.get(f"/cohorts/{cohort.slug}/export.csv?headers=slugs")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0][2] == f"joined_at ({zone})"
    assert rows[1][2] == joined
    day = int(joined[8:10])
    assert f"joined {day} November 2026" in roster  # the same day as the lead's roster shows


@pytest.mark.parametrize(
    ("moment", "ended"),
    [
        ("2026-11-29T16:30:00Z", False),  # 23:30 on the 29th in Ho Chi Minh City: the last day still runs
        ("2026-11-29T17:30:00Z", True),  # 00:30 on the 30th there: over, for everyone
    ],
)
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_a_cohorts_end_is_one_day_for_everyone(client, curriculum, settings, moment, ended, zone):
    """The end date is a day in the cohort's zone (the site's), whatever the learner's zone: in
    Kiritimati it is already the 30th at both moments, in Pago Pago still the 29th."""
    import time_machine

    settings.DEFAULT_USER_TIME_ZONE = "Asia/Ho_Chi_Minh"
    cohort = make_cohort(curriculum, slug="ending")
    cohort.start_date, cohort.end_date = datetime(2026, 11, 1).date(), datetime(2026, 11, 29).date()
    cohort.save()
    client.force_login(make_user("far-learner", time_zone=zone))
    with time_machine.travel(moment, tick=False):
        assert cohort.has_ended() is ended
        html = client.post("/cohorts/join/", {"code": cohort.invite_code}, follow=True).content.decode()
    assert ("has ended" in html) is ended
    assert cohort.memberships.exists() is not ended


def test_the_attention_list_states_the_joining_day_in_the_leads_zone(client, curriculum):
    lead = make_user("zone-lead", time_zone="Pacific/Kiritimati")
    learner = make_user("zone-learner")
    cohort = make_cohort(curriculum, slug="quiet", leads=[lead], members=[learner])
    cohort.memberships.update(joined_at=datetime(2026, 11, 1, 11, 20, tzinfo=UTC))  # the 2nd in Kiritimati
    client.force_login(lead)
    html = client.get(f"/cohorts/{cohort.slug}/attention/").content.decode()
    assert "No activity since joining on 2 November 2026" in html  # a date as the page’s language writes it
    html = client.get(f"/cohorts/{cohort.slug}/attention/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "2 tháng 11, 2026" in html
