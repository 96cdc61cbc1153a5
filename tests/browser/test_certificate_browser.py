"""The certificate on paper: printed from the browser it fills one landscape page of A4 and of
Letter, in either colour scheme, with nothing of the site around it (no header, navigation, footer
or button), and it says where to verify it when its learner shares it."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courses.models import LearningPath
from progress.models import Certificate
from tests.browser.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels per millimetre
MARGIN = 12  # mm, @page in static/css/app.css
PAPERS = {"A4": (297, 210), "Letter": (279.4, 215.9)}  # landscape: width, height in mm


def pages_in(pdf: bytes) -> int:
    """The number of pages of a PDF as Chromium writes it (page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.fixture
def certificate(live_curriculum):
    owner = make_user("grace", display_name="Grace Nguyễn Thị Minh Khai-Hopper")  # a long name
    path = LearningPath.objects.get(slug="devops-on-aws")
    return Certificate.objects.create(user=owner, path=path, name=owner.shown_name, path_title=path.title, shared=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_certificate_prints_on_one_page_of_a4_and_of_letter(page, live_server, certificate, scheme):
    login(page, live_server, "grace", PASSWORD)  # its owner's page has the most around it
    page.goto(live_server.url + certificate.get_absolute_url())
    expect(page.get_by_role("button", name="Stop sharing")).to_be_visible()
    page.emulate_media(color_scheme=scheme)
    for paper in PAPERS:
        pdf = page.pdf(format=paper, landscape=True)
        assert pages_in(pdf) == 1, f"{paper}: {pages_in(pdf)} pages"


def test_printed_it_shows_the_certificate_alone_within_the_page(page, live_server, certificate):
    login(page, live_server, "grace", PASSWORD)
    page.goto(live_server.url + certificate.get_absolute_url())
    page.emulate_media(media="print", color_scheme="dark")
    for paper, (width, height) in PAPERS.items():
        page.set_viewport_size({"width": round((width - 2 * MARGIN) * MM), "height": round((height - 2 * MARGIN) * MM)})
        for hidden in ["header", "nav", "footer", "button", "form", ".messages", "main > .actions"]:
            for element in page.locator(hidden).all():
                assert not element.is_visible(), f"{paper}: {hidden} is printed"
        article = page.locator("article.certificate")
        box = article.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= (width - 2 * MARGIN) * MM + 1, paper
        assert box["y"] >= 0 and box["y"] + box["height"] <= (height - 2 * MARGIN) * MM, paper
        expect(article).to_contain_text("Grace Nguyễn Thị Minh Khai-Hopper")
        expect(article).to_contain_text(f"Verify it at {settings.SITE_URL.rstrip('/')}{certificate.get_absolute_url()}")
        background = page.evaluate("getComputedStyle(document.querySelector('article.certificate')).backgroundColor")
        assert background == "rgb(255, 255, 255)", "paper stays white in the dark scheme"
