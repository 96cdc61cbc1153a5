"""A lead's overview search finds only what the lead's pages show (issue 20.5: growing the search one
character at a time recovered members' hidden e-mail addresses in 363 requests)."""

import pytest

from tests.cohorts.conftest import make_cohort
from tests.factories import make_user


@pytest.fixture
def search(client, curriculum, lead):
    member = make_user("minh", display_name="Minh Tran", email="q7.private-box@hidden-mail.example")
    cohort = make_cohort(curriculum, leads=[lead], members=[member])
    client.force_login(lead)

    def rows_for(text: str) -> bool:
        html = client.get(f"/cohorts/{cohort.slug}/", {"q": text}, headers={"HX-Request": "true"}).content.decode()
        return "Minh Tran" in html

    return rows_for


def test_the_e_mail_address_is_not_searched(search):
    address = "q7.private-box@hidden-mail.example"
    found = [address[:n] for n in range(1, len(address) + 1) if search(address[:n])]
    # Only prefixes that the username or display name also contain find the member: nothing to learn.
    assert found == []
    assert not search("hidden-mail") and not search("private-box")


def test_the_name_and_username_shown_on_the_page_are_searched(search):
    assert search("Minh") and search("tran") and search("minh")
