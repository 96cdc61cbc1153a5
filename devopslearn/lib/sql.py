"""Plain SQL reads for the few queries that run on every learner page.

Building a query through the ORM costs 0.1-0.4 ms of Python each time, five to twenty times the
database's own work on these indexed reads. These helpers run a fixed statement instead and convert
each column exactly as the ORM would (the backend's and the field's converters: aware datetimes,
booleans and decimals on SQLite), so callers get the same values and model instances.

Statements are written with ``quote`` (the connection's quote_name) and ``%s`` placeholders only:
values are always passed as parameters, never formatted into the SQL.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model

Column = Field | Callable | None  # a model field (converted as the ORM would), a function, or as-is


def quote(name: str, using: str = DEFAULT_DB_ALIAS) -> str:
    return connections[using].ops.quote_name(name)


def placeholders(values: Sequence) -> str:
    """ "%s, %s, ..." for an IN list; an empty list matches nothing (IN (NULL))."""
    return ", ".join(["%s"] * len(values)) or "NULL"


def storable(field: Field, value, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether an integer from the outside (an id in a URL) fits the column: a bigger one can match no
    row, and the database would refuse it with an error rather than find nothing (the ORM checks too)."""
    low, high = connections[using].ops.integer_field_range(field.get_internal_type())
    return (low is None or value >= low) and (high is None or value <= high)


def _field_converters(field: Field, using: str):
    connection = connections[using]
    expression = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
    if not converters:
        return None

    def convert(value):
        if value is None:  # every converter keeps NULL as None
            return None
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    if field.get_internal_type() not in _IMMUTABLE_REPEATED:
        return convert
    seen: dict = {}

    def remembered(value):
        # Scores and flags repeat across rows: convert each distinct value once (the results are
        # immutable, so rows may share them). The memory is bounded.
        try:
            return seen[value]
        except KeyError:
            converted = convert(value)
            if len(seen) < 10_000:
                seen[value] = converted
            return converted

    return remembered


# Field types whose converted values are immutable and often repeat (Decimal, bool).
_IMMUTABLE_REPEATED = {"DecimalField", "BooleanField"}


@cache
def _converter(column, using: str):
    if column is None:
        return None
    if isinstance(column, Field):
        return _field_converters(column, using)
    return column


def fetch(sql: str, params: Iterable, columns: Sequence[Column], using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Run ``sql`` and return its rows, column i converted as ``columns[i]`` says."""
    converters = [(i, c) for i, column in enumerate(columns) if (c := _converter(column, using)) is not None]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, list(params))
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
def _model_columns(model: type[Model], using: str) -> tuple[str, tuple[Field, ...]]:
    fields = tuple(model._meta.concrete_fields)
    return ", ".join(f"t.{quote(field.column, using)}" for field in fields), fields


def fetch_instances(
    model: type[Model], where: str, params: Iterable, *, extra: Sequence[tuple[str, str, Column]] = (), using=None
) -> list:
    """Instances of ``model`` whose row (aliased ``t``) matches ``where``, as the ORM would load them.
    ``where`` may end with ORDER BY, LIMIT or FOR UPDATE clauses.

    ``extra`` adds computed columns as attributes: (attribute, SQL expression, conversion).
    """
    using = using or DEFAULT_DB_ALIAS
    columns, fields = _model_columns(model, using)
    extras = "".join(f", ({expression})" for _, expression, _ in extra)
    sql = f"SELECT {columns}{extras} FROM {quote(model._meta.db_table, using)} t WHERE {where}"  # noqa: S608 - see the module docstring
    rows = fetch(sql, params, [*fields, *(column for _, _, column in extra)], using)
    attnames = [field.attname for field in fields]
    count = len(fields)
    instances = []
    for row in rows:
        instance = model.from_db(using, attnames, row[:count])
        for (name, _, _), value in zip(extra, row[count:], strict=True):
            setattr(instance, name, value)
        instances.append(instance)
    return instances


def insert(instance: Model, using: str = DEFAULT_DB_ALIAS, *, unless_duplicate: bool = False) -> bool:
    """INSERT ``instance`` as ``save(force_insert=True)`` would (field defaults, pre_save, the new
    primary key set), as one plain statement. It sends no model signals: only for models that have
    no save receivers (the answer and review card written on every answer).

    With ``unless_duplicate``, a row that would break a unique constraint is not written and False
    is returned (ON CONFLICT DO NOTHING): no savepoint and no IntegrityError to recover from."""
    connection = connections[using]
    meta = instance._meta
    if not connection.features.can_return_columns_from_insert:
        instance.save(force_insert=True, using=using)
        return True
    pk = meta.pk
    fields = [field for field in meta.concrete_fields if not (field is pk and getattr(instance, field.attname) is None)]
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    conflict = " ON CONFLICT DO NOTHING" if unless_duplicate else ""
    statement = (
        f"INSERT INTO {quote(meta.db_table, using)} ({', '.join(quote(f.column, using) for f in fields)}) "  # noqa: S608 - see the module docstring
        f"VALUES ({placeholders(values)}){conflict} RETURNING {quote(pk.column, using)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        row = cursor.fetchone()
    if row is None:  # a duplicate, left alone
        return False
    setattr(instance, pk.attname, row[0])
    instance._state.adding = False
    instance._state.db = using
    return True


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence], using=DEFAULT_DB_ALIAS) -> None:
    """INSERT several rows of plain values (already in database form) in one statement."""
    if not rows:
        return
    meta = model._meta
    names = ", ".join(quote(meta.get_field(name).column, using) for name in columns)
    values = ", ".join(f"({placeholders(row)})" for row in rows)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table, using)} ({names}) VALUES {values}",  # noqa: S608 - see the module docstring
            [value for row in rows for value in row],
        )
