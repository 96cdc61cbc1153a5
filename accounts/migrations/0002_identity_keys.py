"""Usernames and e-mail addresses unique under Unicode NFKC + case folding (issue 12.4).

Adds the identity keys, fills them, and makes them unique. Accounts that already collide (``Đức1``
and ``đức1``, made while only ASCII letters were compared without case) are all kept: the oldest
keeps the key, the others keep their exact name without a key and are listed here and in the
admin's user list (filter "Shares a name or address with another account"), for an administrator
to rename or merge.
"""

import unicodedata

import accounts.models
from django.db import migrations, models


def identity_key(value: str) -> str:  # frozen copy of accounts.models.identity_key
    return unicodedata.normalize("NFKC", value).casefold()


def fill_keys(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    db = schema_editor.connection.alias
    taken_names, taken_emails, shared = {}, {}, []
    users = User.objects.using(db).order_by("date_joined", "pk")
    for user in users.only("pk", "username", "email").iterator():
        name_key = identity_key(user.username)
        email_key = identity_key(user.email) if user.email else None
        fields = {}
        if name_key in taken_names:
            shared.append(f"  {user.username!r} (id {user.pk}) shares its name with id {taken_names[name_key]}")
        else:
            taken_names[name_key] = user.pk
            fields["username_key"] = name_key
        if email_key is not None and email_key in taken_emails:
            shared.append(f"  {user.username!r} (id {user.pk}) shares its e-mail address with id {taken_emails[email_key]}")
        elif email_key is not None:
            taken_emails[email_key] = user.pk
            fields["email_key"] = email_key
        if fields:
            User.objects.using(db).filter(pk=user.pk).update(**fields)
    if shared:
        print(
            "\n  Accounts kept without a unique key (rename or merge them; the admin's user list filters them):\n"
            + "\n".join(shared)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", accounts.models.UserManager()),
            ],
        ),
        migrations.AddField(
            model_name="user",
            name="email_key",
            field=models.CharField(editable=False, max_length=600, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=600, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=600, null=True, unique=True),
        ),
        migrations.RemoveConstraint(
            model_name="user",
            name="accounts_user_email_unique_ci",
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("email_key",),
                name="accounts_user_email_key_unique",
                violation_error_message="An account with this e-mail address already exists.",
            ),
        ),
    ]
