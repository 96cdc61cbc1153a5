"""Pages and files with personal data are never kept by caches, and files are named per RFC 6266
(issue 20.5)."""

from urllib.parse import unquote

import pytest
from django.db import transaction
from django.urls import reverse

from tests.factories import make_user
from tests.security import test_access_matrix
from tests.security.test_access_matrix import ROLES, TABLE, all_url_names, url_for

world = test_access_matrix.world  # the access matrix's fixture: real objects of every kind


def cache_control(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_page_and_file_for_a_signed_in_person_says_private_no_store(client, world):
    names = dict(all_url_names())
    checked, wrong = 0, []
    for name, (get_row, _post) in TABLE.items():
        url = url_for(world, name, names[name])
        for role, expected in zip(ROLES, get_row.split(), strict=True):
            if role == "anon" or expected != "200":
                continue
            client.logout()
            client.force_login(world["users"][role])
            with transaction.atomic():
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
            checked += 1
            if not {"private", "no-store"} <= cache_control(response):
                wrong.append(f"{name} as {role}: {response.get('Cache-Control')!r}")
    assert checked > 100 and wrong == []


def test_a_certificate_shows_a_name_to_anybody_and_is_not_kept_by_caches(client, world):
    response = client.get(reverse("progress:certificate", args=[world["kwargs"]["code"]]))
    assert response.status_code == 200 and {"private", "no-store"} <= cache_control(response)


def test_static_files_keep_their_cache_lifetime(learner_client):
    response = learner_client.get("/static/css/app.css")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "header"),
    [
        ("đức", "attachment; filename*=utf-8''devopslearn-%C4%91%E1%BB%A9c.json"),
        ("Zoë", "attachment; filename*=utf-8''devopslearn-Zo%C3%AB.json"),
        ("lan", 'attachment; filename="devopslearn-lan.json"'),
    ],
)
def test_the_json_export_names_its_file_per_rfc_6266(client, username, header):
    client.force_login(make_user(username))
    response = client.get(reverse("privacy-export"))
    assert response["Content-Disposition"] == header
    assert response["Content-Disposition"].isascii()


def test_every_file_download_has_an_ascii_header_naming_the_file(client, world):
    names = dict(all_url_names())
    found = 0
    for name, (get_row, _post) in TABLE.items():
        role = next((r for r, e in zip(ROLES, get_row.split(), strict=True) if e == "200" and r != "anon"), None)
        if role is None:
            continue
        client.force_login(world["users"][role])
        response = client.get(url_for(world, name, names[name]))
        disposition = response.get("Content-Disposition")
        if disposition is None:
            continue
        found += 1
        assert disposition.isascii() and disposition.startswith("attachment; filename")
        filename = disposition.split("filename*=utf-8''")[-1] if "filename*" in disposition else disposition
        assert unquote(filename)
    assert found >= 2  # the JSON export and the cohort CSV
