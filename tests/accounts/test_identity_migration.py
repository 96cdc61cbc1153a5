"""Migration 0002_identity_keys on a database that already holds accounts that collide."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User

BEFORE = [("accounts", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_colliding_accounts_are_kept_and_listed_for_an_administrator(capsys, client, superuser):
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes("accounts")
    executor.migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model("accounts", "User")
        rows = [
            ("đức123", "a@example.com"),  # the oldest of its name keeps the key
            ("Đức123", "b@example.com"),
            ("ĐỨC123", "c@example.com"),
            ("lan", "lan@example.com"),
            ("minh", "lan@ｅｘａｍｐｌｅ.com"),  # shares the address: full-width letters, which lower() kept apart
        ]
        for n, (username, email) in enumerate(rows):
            old.objects.create(username=username, email=email, date_joined=f"2026-01-0{n + 1}T00:00:00Z")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    listed = capsys.readouterr().out
    assert "'Đức123'" in listed and "'ĐỨC123'" in listed and "'minh'" in listed and "'lan'" not in listed
    keys = dict(User.objects.values_list("username", "username_key"))
    assert keys["đức123"] == "đức123" and keys["Đức123"] is None and keys["ĐỨC123"] is None
    assert set(User.objects.with_shared_identity().values_list("username", flat=True)) == {"Đức123", "ĐỨC123", "minh"}
    # All are kept and still log in by their exact name; the admin lists them under a filter.
    for user in User.objects.exclude(pk=superuser.pk):
        user.set_password("a-long-unusual-passphrase")
        user.save()
        assert (
            client.post(
                "/accounts/login/", {"username": user.username, "password": "a-long-unusual-passphrase"}
            ).status_code
            == 302
        )
        client.logout()
    client.force_login(superuser)
    listing = client.get("/admin/accounts/user/?shared=yes").content.decode()
    assert "Đức123" in listing and "ĐỨC123" in listing and "minh" in listing and ">lan<" not in listing
