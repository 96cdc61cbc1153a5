"""Certificates that can be corrected (issue 20, point 4): the learner asks for their current name (the
same code and date, the change logged, "last issued" on the public page); staff re-issue or revoke
with a reason; the public page of a revoked certificate says so and shows nothing more than before."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localdate

from accounts.personal_data import export_data
from progress import services
from progress.models import Certificate, CertificateChange
from tests.factories import make_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(learner):
    path = make_path(modules=1, lessons=2, slug="corrections", with_quiz=False)
    for lesson in path.modules.get().lessons.all():
        services.complete_lesson(learner, lesson)
    certificate = Certificate.objects.get(user=learner, path=path)
    certificate.shared = True  # its learner shared it: its page is public
    certificate.save(update_fields=["shared"])
    return certificate


def article(page: str) -> list[str]:
    html = page[page.index('<article class="certificate') : page.index("</article>")]
    return [t.strip() for t in re.sub(r"<[^>]+>", "\n", html).splitlines() if t.strip()]


def test_a_renamed_learner_has_the_certificate_reissued_with_the_same_code_and_date(
    learner, learner_client, certificate
):
    learner.display_name = "Lan Nguyen"
    learner.save()
    url = certificate.get_absolute_url()
    page = learner_client.get(url).content.decode()
    assert "It shows “Lan Learner”; your name is now “Lan Nguyen”." in page
    assert 'action="' + reverse("progress:reissue_certificate", args=[certificate.code]) + '"' in page

    response = learner_client.post(reverse("progress:reissue_certificate", args=[certificate.code]))

    assert response.status_code == 302 and response.url == url
    fresh = Certificate.objects.get(pk=certificate.pk)
    assert (fresh.name, fresh.code, fresh.issued_at) == ("Lan Nguyen", certificate.code, certificate.issued_at)
    assert fresh.last_issued_at is not None and not fresh.is_revoked
    (change,) = CertificateChange.objects.filter(certificate=certificate)
    assert (change.kind, change.name_before, change.name_after, change.by) == (
        "reissued",
        "Lan Learner",
        "Lan Nguyen",
        learner,
    )
    public = article(Client().get(url).content.decode())
    assert "Lan Nguyen" in public and "Lan Learner" not in public
    assert f"Last issued on {localdate(fresh.last_issued_at, learner.zone):%-d %B %Y}." in public
    assert f"on {localdate(certificate.issued_at, learner.zone):%-d %B %Y}." in public
    # Asking again changes nothing.
    learner_client.post(reverse("progress:reissue_certificate", args=[certificate.code]))
    assert CertificateChange.objects.count() == 1


def test_only_the_owner_can_ask_and_only_by_post(client, other_learner, certificate):
    url = reverse("progress:reissue_certificate", args=[certificate.code])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(other_learner)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    assert not CertificateChange.objects.exists()
    assert "Re-issue it with my current name" not in client.get(certificate.get_absolute_url()).content.decode()


@pytest.fixture
def staff_client(client, instructor):
    from accounts.roles import instructors_group

    instructors_group()  # the group's permissions as they are now
    client.force_login(instructor)
    return client


def act(client, action: str, certificate: Certificate, **data):
    return client.post(
        reverse("admin:progress_certificate_changelist"),
        {"action": action, "_selected_action": [str(certificate.pk)], **data},
    )


def test_staff_revoke_with_a_reason_and_the_public_page_says_so(staff_client, learner, certificate):
    asked = act(staff_client, "revoke_action", certificate)
    assert asked.status_code == 200 and "Reason" in asked.content.decode()
    empty = act(staff_client, "revoke_action", certificate, apply="yes", reason="   ")
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    assert not Certificate.objects.get(pk=certificate.pk).is_revoked

    done = act(staff_client, "revoke_action", certificate, apply="yes", reason="Issued for another person's work.")

    assert done.status_code == 302
    fresh = Certificate.objects.get(pk=certificate.pk)
    assert fresh.is_revoked
    change = CertificateChange.objects.get(certificate=certificate, kind="revoked")
    assert change.reason == "Issued for another person's work." and change.by.username == "instructor1"
    page = Client().get(certificate.get_absolute_url()).content.decode()
    issued = f"{localdate(certificate.issued_at, learner.zone):%-d %B %Y}"
    revoked = f"{localdate(fresh.revoked_at, learner.zone):%-d %B %Y}"
    assert article(page) == [
        "DevOps Learn",
        "Certificate revoked",
        f"The certificate issued to Lan Learner for the learning path “Path corrections” on {issued}",
        f"was revoked on {revoked}. It no longer certifies a completion.",
        f"Verification code: {certificate.code}",
    ]
    assert "another person" not in page and learner.email not in page
    # The learner reads why, on the same page, and cannot re-issue it themselves.
    owner = Client()
    owner.force_login(learner)
    assert (
        "It was revoked: Issued for another person&#x27;s work."
        in owner.get(certificate.get_absolute_url()).content.decode()
    )
    owner.post(reverse("progress:reissue_certificate", args=[certificate.code]))
    assert Certificate.objects.get(pk=certificate.pk).is_revoked


def test_staff_reissue_a_revoked_certificate_with_the_current_name(staff_client, learner, certificate):
    services.revoke_certificate(certificate, by=None, reason="Checking the records.")
    learner.display_name = "Lan Nguyen"
    learner.save()

    done = act(staff_client, "reissue_action", certificate, apply="yes", reason="Records checked: the work is hers.")

    assert done.status_code == 302
    fresh = Certificate.objects.get(pk=certificate.pk)
    assert not fresh.is_revoked and fresh.name == "Lan Nguyen" and fresh.code == certificate.code
    assert list(CertificateChange.objects.values_list("kind", flat=True)) == ["revoked", "reissued"]
    assert "Certificate of completion" in Client().get(certificate.get_absolute_url()).content.decode()


def test_staff_can_neither_add_nor_delete_certificates_nor_type_a_name(staff_client, certificate):
    assert staff_client.get(reverse("admin:progress_certificate_add")).status_code == 403
    assert staff_client.get(reverse("admin:progress_certificate_delete", args=[certificate.pk])).status_code == 403
    page = staff_client.get(reverse("admin:progress_certificate_change", args=[certificate.pk])).content.decode()
    assert 'name="name"' not in page


def test_nothing_to_reissue_is_said_plainly(certificate, learner):
    with pytest.raises(services.CertificateRefused, match="already carries the learner's current name"):
        services.reissue_certificate(certificate, by=learner, reason="No change.")
    with pytest.raises(services.CertificateRefused, match="Say why"):
        services.revoke_certificate(certificate, by=None, reason=" ")


def test_a_revoked_certificate_is_not_issued_again_by_progress(learner, certificate):
    services.revoke_certificate(certificate, by=None, reason="Issued in error.")
    for lesson in certificate.path.modules.get().lessons.all():
        services.undo_lesson(learner, lesson)
        services.complete_lesson(learner, lesson)
    assert list(Certificate.objects.filter(user=learner)) == [certificate]
    assert Certificate.objects.get(pk=certificate.pk).is_revoked


def test_the_data_export_carries_the_certificates_log(learner, certificate):
    learner.display_name = "Lan Nguyen"
    learner.save()
    services.reissue_certificate(certificate, by=learner, reason="Asked by the learner.")
    (exported,) = export_data(learner)["certificates"]
    assert exported["name"] == "Lan Nguyen" and exported["last_issued_at"]
    assert [(c["kind"], c["name_before"], c["name_after"]) for c in exported["changes"]] == [
        ("reissued", "Lan Learner", "Lan Nguyen")
    ]
