"""gunicorn's threaded worker, with a new connection waiting in the poller until it sends something.

gunicorn 27's ``gthread`` worker hands every accepted connection to a thread at once, and the
thread waits up to five seconds for the request before giving the connection back to the poller.
Fifty connections that send nothing (browsers' preconnects, a slow-client attack) therefore hold
every thread for seconds at a time: ``/healthz`` took 12-20 s with 50 idle connections here. This
worker registers a new connection with the poller first, exactly as gunicorn does for a connection
it deferred, so a thread is taken only when there is a request to read; a connection that stays
silent for ``keepalive`` seconds is closed by gunicorn's own sweep (``murder_pending``).

Used by gunicorn.conf.py; tests/test_serving.py checks it against a real server.
"""

import errno
import selectors
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker


class PolledThreadWorker(ThreadWorker):
    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        client_sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(client_sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))
