"""Sessions in the database, read with one plain query.

Every worker reads the same rows, so a logout or a password change ends the session everywhere at
once (a per-worker cache in front of them would let another worker keep serving a logged-out
session). The read skips the ORM's query building: it runs on every request.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        if not key:  # the base class validates the key's shape; an invalid one is None here
            self._session_key = None
            return None
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {table} "  # noqa: S608 - identifiers from model metadata; values are parameters
                f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0])
