"""A lesson says when it was checked against the AWS documentation, and a lesson beyond the workshop
wears a badge on its page and in its module's lesson list (issue 15)."""

import datetime

import pytest

from tests.factories import make_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(db):
    module = make_path(modules=1, lessons=3, slug="reviewed").modules.get()
    first, second, _third = module.lessons.order_by("order")
    first.reviewed = datetime.date(2026, 11, 29)
    first.save()
    second.beyond_workshop = True
    second.save()
    return module


def test_a_reviewed_lesson_says_when_it_was_checked(client, module):
    page = client.get(module.lessons.get(key="l1").get_absolute_url()).content.decode()

    assert 'Checked against AWS documentation on <time datetime="2026-11-29">29 November 2026</time>' in page
    assert "Beyond the workshop" not in page


def test_a_lesson_without_a_review_date_says_nothing_about_one(client, module):
    page = client.get(module.lessons.get(key="l3").get_absolute_url()).content.decode()
    assert "Checked against AWS documentation" not in page


def test_a_lesson_beyond_the_workshop_wears_the_badge_on_its_page_and_in_the_module_list(client, module):
    lesson_page = client.get(module.lessons.get(key="l2").get_absolute_url()).content.decode()
    module_page = client.get(module.get_absolute_url()).content.decode()

    assert lesson_page.count('<span class="badge badge-beyond"') == 1
    assert module_page.count('<span class="badge badge-beyond"') == 1
    listed = module_page[module_page.index('class="lesson-list') :]
    assert listed.index("Lesson 1.2") < listed.index("Beyond the workshop") < listed.index("Lesson 1.3")
