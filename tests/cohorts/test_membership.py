"""Joining with an invite code, leaving, and the admin's bulk add."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Membership
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_learner_joins_with_the_invite_code_in_any_case_and_spacing(client, cohort, other_learner):
    client.force_login(other_learner)
    code = cohort.invite_code
    response = client.post("/cohorts/join/", {"code": f"  {code[:5].lower()} {code[5:]} "})
    assert response.status_code == 302
    assert Membership.objects.filter(cohort=cohort, user=other_learner).exists()
    account = client.get("/accounts/me/").content.decode()
    assert cohort.name in account and "can see your progress" in account


def test_joining_twice_keeps_one_membership(client, cohort, learner):
    client.force_login(learner)
    client.post("/cohorts/join/", {"code": cohort.invite_code})
    assert Membership.objects.filter(cohort=cohort, user=learner).count() == 1


@pytest.mark.parametrize("case", ["wrong", "revoked", "rotated", "ended"])
def test_a_bad_invite_code_says_why(client, cohort, other_learner, case):
    code = cohort.invite_code
    if case == "wrong":
        code = "NOTACODE00"
    elif case == "revoked":
        cohort.invite_active = False
        cohort.save()
    elif case == "rotated":
        cohort.rotate_invite_code()
    else:
        cohort.start_date = timezone.localdate() - timedelta(days=30)
        cohort.end_date = timezone.localdate() - timedelta(days=1)
        cohort.save()
    client.force_login(other_learner)
    response = client.post("/cohorts/join/", {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert ("has ended" in html) if case == "ended" else ("not valid" in html)
    assert not Membership.objects.filter(cohort=cohort, user=other_learner).exists()


def test_a_learner_can_leave(client, cohort, learner):
    client.force_login(learner)
    assert client.post(f"/cohorts/{cohort.slug}/leave/").status_code == 302
    assert not Membership.objects.filter(cohort=cohort, user=learner).exists()
    assert client.post(f"/cohorts/{cohort.slug}/leave/").status_code == 404


def test_bulk_add_adds_everyone_by_username_or_email(client, cohort, instructor):
    people = [make_user(f"bulk{i}") for i in range(3)]
    client.force_login(instructor)
    text = f"bulk0\nBULK1@example.com\n\n  {people[2].username}  \nlearner1"
    response = client.post(f"/admin/cohorts/cohort/{cohort.pk}/bulk-add/", {"people": text})
    assert response.status_code == 302
    assert set(cohort.members.values_list("username", flat=True)) == {"learner1", "bulk0", "bulk1", "bulk2"}


def test_bulk_add_with_an_unknown_name_adds_nobody_and_names_it(client, cohort, instructor):
    make_user("known")
    client.force_login(instructor)
    response = client.post(f"/admin/cohorts/cohort/{cohort.pk}/bulk-add/", {"people": "known\nghost-user\nnobody@x.io"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ghost-user" in html and "nobody@x.io" in html and "Nobody was added" in html
    assert list(cohort.members.values_list("username", flat=True)) == ["learner1"]


def test_learners_and_leads_cannot_use_the_bulk_add(client, cohort, lead):
    client.force_login(lead)
    response = client.post(f"/admin/cohorts/cohort/{cohort.pk}/bulk-add/", {"people": "lead1"})
    assert response.status_code == 302 and "/admin/login/" in response.url
