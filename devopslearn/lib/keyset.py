"""Keyset pagination: a page is the rows after (or before) the row a link names by its sort values,
read through the index that serves the sort, never by counting past the rows before it (OFFSET).

The links are stable: "the fifty after Nguyen Lan (id 812)" still means the same place when members
join or leave. An ordering is one or more parts read one after the other (a nullable sort key has two:
the rows with a value, then the rows without, so that missing values come last in either direction);
within a part, rows are in the order of its keys, each ending with a unique one. Every part is read
on every page (at most ``size + 1`` rows each; a part the page cannot reach costs a statement that
reads nothing), so a page costs the same statements wherever it is and however large the set.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Expression, Field, Func, IntegerField, Q, Value
from django.db.models.lookups import GreaterThan, LessThan


class Row(Func):
    """A row value, ``(a, b, c)``: compared element by element (SQLite and PostgreSQL), which the
    index on (a, b, c) serves as one range."""

    template = "(%(expressions)s)"
    arg_joiner = ", "
    output_field = IntegerField()  # never read: a row value is only compared


@dataclass(frozen=True)
class Key:
    expression: Expression  # what is sorted by (an F() or any expression)
    field: Field  # parses a cursor's value back (to_python) and adapts it for the database


@dataclass(frozen=True)
class Part:
    condition: Q  # the rows of this part
    keys: tuple[Key, ...]  # their order; the last key is unique


@dataclass(frozen=True)
class Ordering:
    parts: tuple[Part, ...]
    descending: bool = False


@dataclass
class Page:
    rows: list  # the page's rows, in order (what ``values`` asked for)
    next: str | None  # the cursor of the page after this one (a link's ?after=), or None
    previous: str | None  # the cursor of the page before (?before=), or None


def _encode(part: int, values: list) -> str:
    def plain(value):
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    text = json.dumps([part, [plain(value) for value in values]], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(token: str, ordering: Ordering) -> tuple[int, list] | None:
    """(part, values) of a cursor made by ``page``, or None when it is not one (edited or truncated)."""
    try:
        part, values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        keys = ordering.parts[part].keys
        if not isinstance(values, list) or len(values) != len(keys) or isinstance(part, bool) or part < 0:
            return None
        return part, [key.field.to_python(value) for key, value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, IndexError, KeyError, ValidationError, binascii.Error, UnicodeDecodeError):
        return None


def page(queryset, ordering: Ordering, values: list[str], *, after: str = "", before: str = "", size: int = 50) -> Page:
    """The page of ``queryset`` after the cursor ``after`` (or before ``before``; else the first page),
    as rows of ``values`` (field names). A cursor that is not one gives the first page."""
    backwards = bool(before)
    cursor = decode(before or after, ordering) if (before or after) else None
    if cursor is None:
        backwards = False
    count = len(ordering.parts)
    start = cursor[0] if cursor else 0
    indices = list(range(start, -1, -1)) if backwards else list(range(start, count))
    found: list[tuple[int, tuple]] = []
    for index in range(count):
        if index not in indices:  # before the cursor's part: read nothing, with the same statements
            list(queryset.filter(pk__lt=0).values_list("pk")[:1])
    for index in indices:
        part = ordering.parts[index]
        names = [f"_keyset_{n}" for n in range(len(part.keys))]
        rows = queryset.filter(part.condition).annotate(
            **{name: key.expression for name, key in zip(names, part.keys, strict=True)}
        )
        up = ordering.descending == backwards  # read in ascending order of the keys
        if cursor and index == start:
            here = Row(*(key.expression for key in part.keys))
            there = Row(*(Value(v, output_field=key.field) for v, key in zip(cursor[1], part.keys, strict=True)))
            rows = rows.filter((GreaterThan if up else LessThan)(here, there))
        order = [key.expression.asc() if up else key.expression.desc() for key in part.keys]
        found += [(index, row) for row in rows.order_by(*order).values_list(*values, *names)[: size + 1]]
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
    shown = len(values)

    def cursor_of(item) -> str:
        return _encode(item[0], list(item[1][shown:]))

    rows = [row[:shown] for _index, row in found]
    if backwards:
        if not found:  # nothing before the cursor: the first page
            return page(queryset, ordering, values, size=size)
        return Page(rows, cursor_of(found[-1]), cursor_of(found[0]) if more else None)
    return Page(rows, cursor_of(found[-1]) if more else None, cursor_of(found[0]) if cursor and found else None)
