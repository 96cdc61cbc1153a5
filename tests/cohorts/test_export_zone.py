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


@pytest.mark.parametrize(
    ("zone", "moment", "shown"),
    [
        ("Asia/Ho_Chi_Minh", datetime(2026, 11, 30, tzinfo=UTC), "Ho Chi Minh time (UTC+07:00)"),
        ("America/New_York", datetime(2026, 1, 15, tzinfo=UTC), "New York time (UTC-05:00)"),
        ("America/New_York", datetime(2026, 7, 15, tzinfo=UTC), "New York time (UTC-04:00)"),  # daylight saving
        ("America/Argentina/Buenos_Aires", datetime(2026, 1, 15, tzinfo=UTC), "Buenos Aires time (UTC-03:00)"),
        ("UTC", datetime(2026, 1, 15, tzinfo=UTC), "UTC"),
    ],
)
def test_a_zone_is_shown_as_a_person_reads_it(zone, moment, shown):
    from accounts.zones import readable

    assert readable(zone, moment) == shown


def test_no_lead_page_or_file_shows_a_raw_zone_name(client, curriculum):
    """Every cohort tab names the zone of the cohort's days, and the drill-down the lead's own, as read
    (in the page's language); the readable CSV header too. Only the scripts' header keeps the raw name."""
    from quizzes.models import Question
    from tests.progress.helpers import module_quiz, take_quiz

    lead = make_user("zone-lead", time_zone="Pacific/Kiritimati")
    learner = make_user("zone-learner")
    cohort = make_cohort(curriculum, slug="zones", leads=[lead], members=[learner])
    question = Question.objects.filter(quiz__module__path=curriculum, quiz__lesson__isnull=True).first()
    take_quiz(learner, module_quiz(curriculum.modules.order_by("order").first()), wrong=set())  # an attempt's time
    client.force_login(lead)
    base = f"/cohorts/{cohort.slug}/"
    member = f"members/{learner.pk}/"
    for url in ["", "attention/", "questions/", f"questions/{question.pk}/", "activity/", "roster/", member]:
        html = client.get(base + url).content.decode()
        assert "Asia/Ho_Chi_Minh" not in html and "Pacific/Kiritimati" not in html, url
        assert url == member or "days in Ho Chi Minh time (UTC+07:00)" in html, url
    assert "times in Kiritimati time (UTC+14:00), your time zone" in client.get(base + member).content.decode()
    vietnamese = client.get(base + member, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "giờ Kiritimati (UTC+14:00)" in vietnamese
    assert "giờ Ho Chi Minh (UTC+07:00)" in client.get(base, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    response = client.get(base + "export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0][2] == "Joined in Kiritimati time (UTC+14:00)"
