"""Content changes, recorded where they happen and announced once: the seam between the curriculum and
what is derived from it (grades, review cards, module progress, certificates, statistics).

Every write to content (an ``ImportedContent`` row of any app) is a model save or delete, or a bulk
write of ``VersionedQuerySet``; each is recorded here as a ``Change`` naming the fields whose values
changed. Inside ``batch()`` (an admin save with its inlines, ``load_content``, the authoring
importers) the changes are collected and announced once, at the end of the outermost batch and
inside its transaction, with ``content_changed``; outside a batch each change is announced at once.
Either way, what was derived follows the content in the same transaction, or neither is written.

What a change invalidates is decided by the app that derives from content (``progress.derived``),
never here: this module only says what changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models, transaction
from django.dispatch import Signal

# changes: [Change, ...] in the order they happened; report: a Report the receivers add to.
content_changed = Signal()

# Columns whose change is bookkeeping, not content: a change of only these is not recorded.
BOOKKEEPING = frozenset({"import_hash", "updated_at"})

CREATED, UPDATED, DELETED = "created", "updated", "deleted"


@dataclass(frozen=True)
class Change:
    """One content row created, updated or deleted.

    ``fields``: the attribute names (``module_id``, not ``module``) whose values changed; every field
    for a row created or deleted. ``before``: the row's values as they were read (for a deleted or
    moved row: where it was); ``after``: as written (empty for a deleted row).
    """

    model: type[models.Model]
    pk: object
    kind: str
    fields: frozenset[str]
    before: dict = field(default_factory=dict, compare=False)
    after: dict = field(default_factory=dict, compare=False)

    def touches(self, names: Iterable[str]) -> bool:
        return not self.fields.isdisjoint(names)

    def value(self, name: str, *, old: bool = False):
        """The field's value after the change (``old``: before it); None when it was not read."""
        first, second = (self.before, self.after) if old else (self.after, self.before)
        return first.get(name, second.get(name))


@dataclass
class Report:
    """What the receivers did about a batch of changes, in plain words for the staff member who made
    them (the admin shows each line after a save), and in counts for tests and commands."""

    lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, line: str, **counts: int) -> None:
        self.lines.append(line)
        for name, n in counts.items():
            self.counts[name] = self.counts.get(name, 0) + n


class _Batches(threading.local):
    def __init__(self):
        self.stack: list[list[Change]] = []


_batches = _Batches()


@contextmanager
def batch() -> Iterator[Report]:
    """Collect content changes until the outermost batch ends, then announce them once, in the same
    transaction (a batch is atomic). Yields the Report that receivers fill; an inner batch yields an
    empty one (its changes are announced with the outer batch's). Also a decorator."""
    report = Report()
    outermost = not _batches.stack
    with transaction.atomic():
        _batches.stack.append([])
        try:
            yield report
        finally:
            collected = _batches.stack.pop()  # an error drops the changes: the transaction rolls back
        if outermost:
            announce(collected, report)
        else:
            _batches.stack[-1].extend(collected)


def announce(changes: list[Change], report: Report | None = None) -> Report:
    """Send ``content_changed`` for these changes now (nothing when there are none)."""
    report = report if report is not None else Report()
    if changes:
        from courses.models import ContentVersion

        # Receivers read the curriculum through caches keyed on the content marker: move it first,
        # whichever app's marker receiver has not run yet for the last save.
        ContentVersion.bump()
        content_changed.send(sender=Change, changes=list(changes), report=report)
    return report


def record(change: Change) -> None:
    """Announce a change at once, or keep it for the end of the current batch."""
    if change.kind == UPDATED and not change.fields - BOOKKEEPING:
        return
    if _batches.stack:
        _batches.stack[-1].append(change)
    else:
        with transaction.atomic():
            announce([change])


def values_of(instance: models.Model) -> dict:
    """{attribute name: value} of every concrete field that is loaded (deferred ones are left out)."""
    deferred = instance.get_deferred_fields()
    fields = instance._meta.concrete_fields
    return {f.attname: getattr(instance, f.attname) for f in fields if f.attname not in deferred}


def remember(instance: models.Model, values: dict | None = None) -> None:
    """Keep the row's values as the database holds them: the next save records what differs."""
    instance._content_loaded = dict(values) if values is not None else values_of(instance)


def saved(instance: models.Model, *, created: bool) -> None:
    """Record the save of a content row (connected to post_save by courses.apps)."""
    after = values_of(instance)
    loaded = getattr(instance, "_content_loaded", None)
    if created:
        change = Change(type(instance), instance.pk, CREATED, frozenset(after), {}, after)
    elif loaded is None:  # a row saved without being read first: every field may have changed
        change = Change(type(instance), instance.pk, UPDATED, frozenset(after), {}, after)
    else:
        changed = frozenset(name for name, value in after.items() if name not in loaded or loaded[name] != value)
        change = Change(type(instance), instance.pk, UPDATED, changed, loaded, after)
    remember(instance, after)
    record(change)


def deleted(instance: models.Model) -> None:
    """Record the deletion of a content row (connected to post_delete by courses.apps)."""
    before = {**values_of(instance), **(getattr(instance, "_content_loaded", None) or {})}
    record(Change(type(instance), before.get("id", instance.pk), DELETED, frozenset(before), before, {}))


def relation_fields(model: type[models.Model]) -> list[str]:
    """The attribute names of the model's primary key and foreign keys: where a row sits."""
    return [f.attname for f in model._meta.concrete_fields if f.primary_key or f.is_relation]


class ContentChangesAdmin:
    """A ModelAdmin (or inline's admin) mixin: a save, a list edit, an action or a deletion in the admin
    is one batch of content changes (the row and its inlines together), and the staff member reads
    afterwards what followed from it (answers regraded, progress brought up to date)."""

    def _in_batch(self, request, view, *args, **kwargs):
        from django.contrib import messages

        with batch() as report:
            response = view(request, *args, **kwargs)
        for line in report.lines:
            messages.info(request, line)
        return response

    def changeform_view(self, request, *args, **kwargs):
        return self._in_batch(request, super().changeform_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._in_batch(request, super().changelist_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._in_batch(request, super().delete_view, *args, **kwargs)
