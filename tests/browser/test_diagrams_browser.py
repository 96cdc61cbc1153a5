"""Each lesson diagram in the browser: its SVG is served (HTTP 200, image/svg+xml) and drawn, it has an
accessible name (its text alternative) and a caption, it fits a 390 px phone without scrolling the
page sideways (drawn in one column there, when it has such a drawing), and it draws its own dark
background when the browser prefers the dark scheme."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Lesson, Module
from tests.browser.conftest import login
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

# The colour of a diagram's background (its first rect, read halfway down its left edge), in each
# scheme: static/diagrams/*.svg.
BACKGROUND = {"light": [248, 250, 252], "dark": [15, 23, 42]}
PIXEL = """img => {
  const canvas = document.createElement("canvas");
  canvas.width = 1000; canvas.height = Math.round(1000 * img.naturalHeight / img.naturalWidth);
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0, canvas.width, canvas.height);
  return Array.from(context.getImageData(4, Math.round(canvas.height / 2), 1, 1).data.slice(0, 3));
}"""


def test_every_diagram_loads_has_a_name_and_follows_the_colour_scheme(page, live_server, live_curriculum):
    make_user("reader")
    login(page, live_server, "reader", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    lessons = [
        lesson for lesson in Lesson.objects.published().select_related("module__path") if "<figure" in lesson.body_html
    ]
    assert {lesson.module_id for lesson in lessons} == set(Module.objects.published().values_list("pk", flat=True))
    seen = 0
    for lesson in lessons:
        page.goto(live_server.url + lesson.get_absolute_url())
        for figure in page.locator(".prose figure.diagram").all():
            image = figure.get_by_role("img")
            src = image.get_attribute("src")
            response = page.request.get(live_server.url + src)
            assert response.status == 200, src
            assert response.headers["content-type"].startswith("image/svg+xml"), src
            expect(image).to_have_accessible_name(re.compile(r"\w.{100,}"))
            expect(figure.locator("figcaption")).not_to_be_empty()
            image.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
            if figure.locator("picture").count():  # a phone gets the one-column drawing
                assert image.evaluate("img => img.currentSrc").endswith(src.replace(".svg", "-narrow.svg")), src
            box = image.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, src
            for scheme, colour in BACKGROUND.items():
                page.emulate_media(color_scheme=scheme)
                page.wait_for_timeout(50)
                drawn = image.evaluate(PIXEL)
                assert all(abs(a - b) <= 2 for a, b in zip(drawn, colour, strict=True)), f"{src}, {scheme}: {drawn}"
            page.emulate_media(color_scheme="light")
            seen += 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, lesson.slug
    assert seen >= 6
