"""Loading the signed-in user on every request: one query, which also answers the per-user
questions the page header asks (such as "does this user lead a cohort?").

Other apps contribute those questions as SQL flags (see ``register_user_flag``) from their
AppConfig.ready(), so that this app does not depend on them. The loaded user carries each flag as
an attribute; code that meets a user loaded some other way asks the database itself.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import router

from devopslearn.lib import sql

# name -> an SQL boolean over the user row, aliased "t"
_flags: dict[str, str] = {}


def register_user_flag(name: str, expression: str) -> None:
    """Have every request's user carry ``name``: the value of ``expression``, an SQL boolean over the
    user row aliased ``t`` (a constant statement: it takes no parameters)."""
    _flags[name] = expression


def load_user(user_id):
    """The user with this primary key, with its flags, or None: one plain query."""
    User = get_user_model()
    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session holding something that is not a key
        return None
    if isinstance(user_id, int) and not sql.storable(User._meta.pk, user_id):
        return None
    extra = [(name, expression, bool) for name, expression in _flags.items()]
    users = sql.fetch_instances(User, "t.id = %s", [user_id], extra=extra, using=router.db_for_read(User))
    return users[0] if users else None


class UserBackend(ModelBackend):
    """Django's model backend, with the session's user read by ``load_user``."""

    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
