"""Who may see which cohort page: leads their own cohorts, staff all, nobody else anything."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["", "attention/", "questions/", "activity/", "roster/", "export.csv"]


def urls(cohort):
    return [f"/cohorts/{cohort.slug}/{page}" for page in PAGES]


def test_the_lead_opens_every_page_of_their_cohort(client, cohort, lead):
    client.force_login(lead)
    for url in urls(cohort):
        assert client.get(url).status_code == 200, url


def test_a_lead_gets_404_for_a_cohort_they_do_not_lead(client, cohort, other_cohort, lead):
    client.force_login(lead)
    for url in urls(other_cohort):
        assert client.get(url).status_code == 404, url


def test_learners_see_no_dashboard(client, cohort, learner):
    client.force_login(learner)
    for url in urls(cohort):
        assert client.get(url).status_code == 404, url
    assert client.get("/cohorts/").status_code == 200  # their own (empty) list


def test_anonymous_visitors_are_sent_to_log_in(client, cohort):
    for url in urls(cohort):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")


def test_staff_see_every_cohort(client, cohort, other_cohort, instructor):
    client.force_login(instructor)
    for url in urls(cohort) + urls(other_cohort):
        assert client.get(url).status_code == 200, url


def test_drill_down_of_a_member_is_read_only_and_others_are_404(client, cohort, lead, learner, other_learner):
    client.force_login(lead)
    response = client.get(f"/cohorts/{cohort.slug}/members/{learner.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Progress of Lan Learner" in html and "Read-only view" in html
    assert client.get(f"/cohorts/{cohort.slug}/members/{other_learner.pk}/").status_code == 404
    assert client.get(f"/cohorts/{cohort.slug}/members/999999/").status_code == 404


def test_navigation_shows_the_dashboard_link_only_to_leads_and_staff(client, cohort, lead, learner, instructor):
    client.force_login(learner)
    assert 'href="/cohorts/"' not in client.get("/progress/").content.decode()
    client.force_login(lead)
    assert 'href="/cohorts/"' in client.get("/progress/").content.decode()
    client.force_login(instructor)
    assert 'href="/cohorts/"' in client.get("/progress/").content.decode()


def test_the_cohort_list_shows_only_led_cohorts(client, cohort, other_cohort, lead):
    client.force_login(lead)
    html = client.get("/cohorts/").content.decode()
    assert cohort.name in html and other_cohort.name not in html


def test_leads_manage_their_roster_but_not_others(client, cohort, other_cohort, lead, learner, other_learner):
    client.force_login(lead)
    assert client.post(f"/cohorts/{other_cohort.slug}/members/{other_learner.pk}/remove/").status_code == 404
    assert client.post(f"/cohorts/{other_cohort.slug}/roster/rotate-code/").status_code == 404
    assert other_cohort.memberships.count() == 1
    old = cohort.invite_code
    assert client.post(f"/cohorts/{cohort.slug}/roster/rotate-code/").status_code == 302
    cohort.refresh_from_db()
    assert cohort.invite_code != old
    assert client.post(f"/cohorts/{cohort.slug}/members/{learner.pk}/remove/").status_code == 302
    assert not cohort.memberships.exists()


def test_roster_changes_need_a_post(client, cohort, lead, learner):
    client.force_login(lead)
    assert client.get(f"/cohorts/{cohort.slug}/roster/rotate-code/").status_code == 405
    assert client.get(f"/cohorts/{cohort.slug}/members/{learner.pk}/remove/").status_code == 405


def test_the_cohort_list_is_paged(client, curriculum, monkeypatch, django_assert_max_num_queries):
    """Staff see every cohort, many over the years: 25 a page, newest first, "Page 2 of 3"."""
    from cohorts import views
    from cohorts.models import Cohort
    from tests.factories import make_user

    monkeypatch.setattr(views, "COHORTS_PAGE_SIZE", 2)
    for n in range(5):
        Cohort.objects.create(name=f"Cohort {n}", slug=f"k{n}", path=curriculum, start_date=f"2026-0{n + 1}-01")
    client.force_login(make_user("staff1", is_staff=True))
    with django_assert_max_num_queries(12):
        html = client.get("/cohorts/?page=2").content.decode()
    assert "Page 2 of 3" in html and "Cohort 2" in html and "Cohort 4" not in html
    assert 'href="?page=3"' in html and 'href="?page=1"' in html
    assert client.get("/cohorts/?page=x").status_code == 200
