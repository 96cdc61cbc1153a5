import pytest

from cohorts.models import Cohort, Membership
from tests.factories import make_user


def make_cohort(path, *, slug="c1", name="Cohort One", leads=(), members=()):
    cohort = Cohort.objects.create(name=name, slug=slug, path=path)
    cohort.leads.add(*leads)
    Membership.objects.bulk_create([Membership(cohort=cohort, user=u) for u in members])
    return cohort


@pytest.fixture
def cohort(curriculum, lead, learner):
    return make_cohort(curriculum, leads=[lead], members=[learner])


@pytest.fixture
def other_lead(db):
    return make_user("lead2", display_name="Other Lead")


@pytest.fixture
def other_cohort(curriculum, other_lead, other_learner):
    return make_cohort(curriculum, slug="c2", name="Cohort Two", leads=[other_lead], members=[other_learner])


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client
