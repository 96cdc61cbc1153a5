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
    response = client.get(f"/cohorts/{cohort.slug}/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0][2] == f"joined_at ({zone})"
    assert rows[1][2] == joined
    day = int(joined[8:10])
    assert f"joined {day} Nov 2026" in roster  # the same day as the lead's roster shows
