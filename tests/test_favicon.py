"""The site's icon: every page names it (<link rel="icon">), the admin's too, and /favicon.ico,
which browsers ask for where a page names none, leads to it rather than to a 404."""

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url == static("img/favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/admin/login/", "/no-such-page/"])
def test_every_page_names_the_icon(client, curriculum, url):
    page = client.get(url).content.decode()
    assert f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">' in page


def test_the_admins_pages_name_the_icon_too(admin_client):
    for url in ["/admin/", "/admin/quizzes/question/", "/admin/quizzes/question/add/"]:
        assert 'rel="icon"' in admin_client.get(url).content.decode(), url
