"""Sessions in the database, read with one plain query.

Every worker reads the same rows, so a logout or a password change ends the session everywhere at
once (a per-worker cache in front of them would let another worker keep serving a logged-out
session). The read skips the ORM's query building: it runs on every request.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from devopslearn.lib import sql


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # Called by load() only when the session key has a valid shape.
        using = router.db_for_read(self.model)
        now = connections[using].ops.adapt_datetimefield_value(timezone.now())
        rows = sql.fetch(
            "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > %s",
            [self.session_key, now],
            [None],
            using=using,
        )
        if not rows:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=rows[0][0])
