"""Running the few plain statements kept on the path every request runs.

Building a query through the ORM costs 0.1-0.4 ms of Python each time, several times the
database's own work on an indexed read. The statements that every request runs (the session row,
the user with its flags, a learner's progress rows and due cards, the content marker) are written
out on their models, each beside an ORM twin that ``tests/test_sql.py`` asserts equal on SQLite and
PostgreSQL. Everything else uses the ORM.

These helpers run such a statement and convert its columns exactly as the ORM would (the backend's
and the field's converters: aware datetimes, booleans and decimals on SQLite). Values are always
passed as parameters; the only text formatted into a statement is ``placeholders()``.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model

Column = Field | Callable | None  # a model field (converted as the ORM would), a function, or as read


def placeholders(values: Sequence) -> str:
    """ "%s, %s, ..." for an IN list of ``values``; an empty list matches nothing (IN (NULL))."""
    return ", ".join(["%s"] * len(values)) or "NULL"


def storable(field: Field, value: int, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether an integer from the outside (an id in a URL or a session) fits the column: a bigger one
    can match no row, and the database would refuse it with an error rather than find nothing."""
    low, high = connections[using].ops.integer_field_range(field.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


def select_list(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple[Field, ...]]:
    """The quoted columns of every concrete field of ``model`` ('"id", "username", ...') and the fields
    in that order: a statement that loads whole instances lists them so, and reads a new field too."""
    fields = tuple(model._meta.concrete_fields)
    quote = connections[using].ops.quote_name
    return ", ".join(quote(field.column) for field in fields), fields


def fetch(statement: str, params: Iterable, columns: Sequence[Column], using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """The rows of ``statement``, column i converted as ``columns[i]`` says: a model field as the ORM
    converts it, a function applied to the value, or None for the value as the driver returns it."""
    converters = [(i, c) for i, column in enumerate(columns) if (c := _converter(column, using)) is not None]
    with connections[using].cursor() as cursor:
        cursor.execute(statement, list(params))
        rows = cursor.fetchall()
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for i, convert in converters:
            row[i] = convert(row[i])
        converted.append(tuple(row))
    return converted


@cache
def _converter(column: Column, using: str):
    if column is None or not isinstance(column, Field):
        return column
    connection = connections[using]
    expression = column.get_col(column.model._meta.db_table)
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    if not converters:
        return None

    def convert(value):
        if value is None:  # every converter keeps NULL as None
            return None
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    if column.get_internal_type() not in ("DecimalField", "BooleanField"):
        return convert
    known: dict = {}

    def remembered(value):
        # Scores and flags repeat across the rows of a dashboard page: each distinct value is
        # converted once (the results are immutable, so rows may share them); memory is bounded.
        try:
            return known[value]
        except KeyError:
            converted = convert(value)
            if len(known) < 10_000:
                known[value] = converted
            return converted

    return remembered
