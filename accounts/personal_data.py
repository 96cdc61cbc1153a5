"""A person's data across the apps: each app contributes what it keeps about a user, from its
AppConfig.ready(); the account page's download and account deletion collect the contributions.

This app knows none of the others: a new table that names a person (lab submissions, logs) comes
with its own contribution, registered by the app that owns it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils import timezone


@dataclass(frozen=True)
class Contribution:
    section: str  # its key in the exported JSON
    export: Callable[[Model], object]  # the user's rows as JSON-ready values
    delete: Callable[[Model], None] | None  # what to remove or anonymise before the account row goes
    models: tuple[type[Model], ...]  # the models it covers


_contributions: dict[str, Contribution] = {}


def register(section: str, *, export, delete=None, models=()) -> None:
    """Add ``section`` to every export (``export(user)``) and run ``delete(user)`` when an account is
    deleted, before its row (and what cascades from it) goes. ``models`` lists the models covered."""
    _contributions[section] = Contribution(section, export, delete, tuple(models))


def contributions() -> list[Contribution]:
    return list(_contributions.values())


def export_data(user) -> dict:
    """Everything the apps keep about ``user``: {"exported_at": ..., section: data, ...}."""
    data = {"exported_at": timezone.now().isoformat()}
    for contribution in _contributions.values():
        data[contribution.section] = contribution.export(user)
    return data


@transaction.atomic
def delete_account(user) -> None:
    """Run every contribution's deletion, then delete the account (its rows cascade)."""
    for contribution in _contributions.values():
        if contribution.delete is not None:
            contribution.delete(user)
    user.delete()
