"""The certificate: issued once when every module of the path is completed, stored, seen by its
learner alone until they share it, then verifiable by anyone with its address, showing only what a
certificate shows (the name, the path, the date: never the e-mail address, the username or a score)."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import localdate

from progress import services
from progress.models import Certificate
from tests.progress.helpers import PATH_ORDER, complete_module, module, module_quiz, take_quiz

ORDER = PATH_ORDER


def complete_path(path, user, slugs=ORDER):
    for slug in slugs:
        complete_module(user, module(path, slug))


@pytest.fixture
def certificate(curriculum, learner):
    """The learner's certificate, which they shared."""
    complete_path(curriculum, learner)
    certificate = Certificate.objects.get(user=learner)
    certificate.shared = True
    certificate.save(update_fields=["shared"])
    return certificate


def test_no_certificate_until_every_module_is_completed(curriculum, learner):
    complete_path(curriculum, learner, ORDER[:-1])
    assert not Certificate.objects.exists()
    complete_module(learner, module(curriculum, ORDER[-1]))
    assert Certificate.objects.filter(user=learner, path=curriculum).count() == 1


def test_the_certificate_stores_name_path_date_and_an_unguessable_code(curriculum, learner, certificate):
    assert (certificate.name, certificate.path_title, certificate.path) == ("Lan Learner", "DevOps on AWS", curriculum)
    assert abs(timezone.now() - certificate.issued_at).total_seconds() < 60
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", certificate.code)  # 256 random bits


def test_the_certificate_is_issued_once(curriculum, learner, certificate):
    mindset = module(curriculum, ORDER[0])
    lesson = mindset.lessons.order_by("order").first()
    services.undo_lesson(learner, lesson)
    services.complete_lesson(learner, lesson)
    take_quiz(learner, module_quiz(mindset))
    assert list(Certificate.objects.filter(user=learner)) == [certificate]


def test_each_learner_gets_a_code_of_their_own(curriculum, learner, other_learner, certificate):
    complete_path(curriculum, other_learner)
    other = Certificate.objects.get(user=other_learner)
    assert other.code != certificate.code and other.name == "Other Learner"


def test_the_certificate_keeps_its_name_when_the_learner_renames(learner, certificate, client):
    learner.display_name = "Somebody Else"
    learner.save()
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert "Lan Learner" in page and "Somebody Else" not in page


def test_every_viewer_sees_the_date_of_the_learners_own_calendar(learner, other_learner, certificate):
    """Issued at 20:00 UTC: already the next day for a learner in Ho Chi Minh City (UTC+7)."""
    certificate.issued_at = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    certificate.save()
    other_learner.time_zone = "America/Los_Angeles"
    other_learner.save()
    pages = [Client().get(certificate.get_absolute_url())]
    for viewer in (learner, other_learner):
        client = Client()
        client.force_login(viewer)
        pages.append(client.get(certificate.get_absolute_url()))
    assert all("on 11 March 2026." in page.content.decode() for page in pages)


def test_anyone_with_the_address_can_verify_it(client, certificate):
    response = client.get(certificate.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Certificate of completion" in page
    assert "Lan Learner" in page and "DevOps on AWS" in page and certificate.code in page
    assert f"on {localdate(certificate.issued_at, certificate.user.zone):%-d %B %Y}." in page


@pytest.mark.parametrize("viewer", ["anonymous", "other_learner", "owner"])
def test_it_shows_nothing_else_about_the_learner(request, learner, certificate, viewer):
    client = Client()
    if viewer != "anonymous":
        client.force_login(learner if viewer == "owner" else request.getfixturevalue("other_learner"))
    page = client.get(certificate.get_absolute_url()).content.decode()
    article = page[page.index('<article class="certificate"') : page.index("</article>")]
    assert learner.email not in page
    assert f">{learner.username}<" not in page and f" {learner.username} " not in page
    assert "%" not in article  # no scores
    assert "state-" not in article and "streak" not in page.lower()
    texts = [t.strip() for t in re.sub(r"<[^>]+>", "\n", article).splitlines() if t.strip()]
    assert texts == [
        "DevOps Learn",
        "Certificate of completion",
        "This certifies that",
        "Lan Learner",
        "completed every module of the learning path “DevOps on AWS”",
        *[module(certificate.path, slug).title for slug in ORDER],  # the modules it completed, in order
        f"on {localdate(certificate.issued_at, learner.zone):%-d %B %Y}.",
        f"Verification code: {certificate.code}",
        "Anyone with this page’s address can verify this certificate.",
        f"Verify it at https://learn.example.com{certificate.get_absolute_url()}",  # printed only
    ]


@pytest.mark.parametrize("mangle", [lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"), lambda c: c[:20], lambda c: "x"])
def test_a_wrong_code_is_not_found(client, certificate, mangle):
    response = client.get(reverse("progress:certificate", args=[mangle(certificate.code)]))
    assert response.status_code == 404


def test_the_progress_page_links_to_the_certificate(learner, certificate):
    client = Client()
    client.force_login(learner)
    page = client.get(reverse("progress:mine")).content.decode()
    assert "You completed the whole path." in page
    assert f'href="{certificate.get_absolute_url()}"' in page
    assert '<p class="score-big">100%</p>' in page


def test_a_new_certificate_shows_to_its_learner_alone_until_they_share_it(curriculum, learner, other_learner):
    complete_path(curriculum, learner)
    certificate = Certificate.objects.get(user=learner)
    assert not certificate.shared
    url = certificate.get_absolute_url()
    assert Client().get(url).status_code == 404
    other = Client()
    other.force_login(other_learner)
    assert other.get(url).status_code == 404
    owner = Client()
    owner.force_login(learner)
    page = owner.get(url).content.decode()
    assert "Only you can see this page." in page and "Share my certificate" in page


def test_the_learner_shares_it_and_stops_sharing_it(curriculum, learner, other_learner):
    complete_path(curriculum, learner)
    certificate = Certificate.objects.get(user=learner)
    owner = Client(enforce_csrf_checks=True)
    owner.force_login(learner)
    share = reverse("progress:share_certificate", args=[certificate.code])
    assert owner.post(share, {"shared": "1"}).status_code == 403  # no CSRF token
    owner = Client()
    owner.force_login(learner)
    assert owner.get(share).status_code == 405
    assert owner.post(share, {"shared": "1"}).status_code == 302
    page = owner.get(certificate.get_absolute_url()).content.decode()
    assert "Your certificate is shared: anyone with its address can verify it." in page
    link = f"https://learn.example.com{certificate.get_absolute_url()}"
    assert f'value="{link}"' in page and "Stop sharing" in page
    public = Client().get(certificate.get_absolute_url())
    assert public.status_code == 200 and "Lan Learner" in public.content.decode()
    assert learner.email not in public.content.decode()

    intruder = Client()
    intruder.force_login(other_learner)
    assert intruder.post(share, {"shared": "0"}).status_code == 404  # not theirs
    assert Certificate.objects.get(pk=certificate.pk).shared

    owner.post(share, {"shared": "0"})
    assert Client().get(certificate.get_absolute_url()).status_code == 404
    assert owner.get(certificate.get_absolute_url()).status_code == 200


def test_the_data_export_says_whether_the_certificate_is_shared(learner, certificate):
    from accounts.personal_data import export_data

    assert export_data(learner)["certificates"][0]["shared"] is True


def test_the_home_page_of_a_learner_who_finished_links_to_the_certificate(learner, certificate):
    client = Client()
    client.force_login(learner)
    page = client.get(reverse("courses:home")).content.decode()
    assert "You completed the whole path." in page
    assert f'href="{certificate.get_absolute_url()}"' in page


def test_the_home_page_of_a_learner_who_has_not_finished_has_no_certificate_link(curriculum, learner):
    complete_path(curriculum, learner, ORDER[:-1])
    client = Client()
    client.force_login(learner)
    page = client.get(reverse("courses:home")).content.decode()
    assert "/progress/certificates/" not in page and "You completed the whole path." not in page


def test_it_lists_the_modules_its_learner_completed_not_one_added_since(client, curriculum, certificate):
    added = curriculum.modules.create(slug="added-later", title="Added later", order=99, published=True)
    page = client.get(certificate.get_absolute_url()).content.decode()
    titles = re.findall(r"<li>([^<]+)</li>", page[page.index('class="certificate-modules"') :])
    assert titles[: len(ORDER)] == [module(curriculum, slug).title for slug in ORDER]
    assert added.title not in page
