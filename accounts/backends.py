"""Loading the signed-in user on every request: one query, which also answers the per-user
questions the page header asks (such as "does this user lead a cohort?").

Other apps contribute those questions as flags (see ``register_user_flag``) from their
AppConfig.ready(), so that this app does not depend on them. A flag is an ORM condition, the same
one its app uses elsewhere; it is compiled to SQL once per process. The loaded user carries each
flag as an attribute; code that meets a user loaded some other way asks the database itself.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Expression

from devopslearn.lib import sql

# name -> a boolean ORM expression over the user (OuterRef("pk") is the user's id)
_flags: dict[str, Expression] = {}


def register_user_flag(name: str, condition: Expression) -> None:
    """Have every request's user carry ``name``: the value of ``condition``, a boolean ORM expression
    over the user, such as ``Exists(Cohort.objects.filter(leads=OuterRef("pk")))``."""
    _flags[name] = condition
    _statement.cache_clear()


def users_with_flags():
    """The ORM twin of ``load_user``'s statement: users annotated with every registered flag."""
    return get_user_model().objects.annotate(**_flags)


@cache
def _statement(using: str) -> tuple[str, list, tuple]:
    """SELECT every user column and each flag: the statement, the flags' own parameters, the fields.
    Compiled once per process: each flag's SQL is what the ORM makes of its condition."""
    User = get_user_model()
    columns, fields = sql.select_list(User, using)
    query = users_with_flags().query
    compiler = query.get_compiler(using)
    flags, params = [], []
    for name in _flags:
        flag_sql, flag_params = compiler.compile(query.annotations[name])
        flags.append(f", {flag_sql}")
        params += flag_params
    table, key = User._meta.db_table, User._meta.pk.column
    # Table and column names come from the model, the flags from the ORM; every value is a parameter.
    statement = f"SELECT {columns}{''.join(flags)} FROM {table} WHERE {table}.{key} = %s"  # noqa: S608
    return statement, params, fields


def load_user(user_id):
    """The user with this primary key, with its flags, or None: one plain query."""
    User = get_user_model()
    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session holding something that is not a key
        return None
    if isinstance(user_id, int) and not sql.storable(User._meta.pk, user_id):
        return None
    using = router.db_for_read(User)
    statement, params, fields = _statement(connections[using].alias)
    rows = sql.fetch(statement, [*params, user_id], [*fields, *(bool for _ in _flags)], using=using)
    if not rows:
        return None
    row = rows[0]
    user = User.from_db(using, [field.attname for field in fields], row[: len(fields)])
    for name, value in zip(_flags, row[len(fields) :], strict=True):
        setattr(user, name, value)
    return user


class UserBackend(ModelBackend):
    """Django's model backend, with the session's user read by ``load_user``."""

    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
