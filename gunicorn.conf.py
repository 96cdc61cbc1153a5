"""gunicorn's settings for `make run`, `make bench` and production: gunicorn reads ./gunicorn.conf.py
by itself when started from the project folder (or pass ``--config gunicorn.conf.py``).

Threaded workers (``gthread``, through ``devopslearn.lib.workers.PolledThreadWorker``): a connection
that sends nothing waits in the worker's poller instead of holding a worker or a thread, so idle
clients (a browser's preconnect) do not stall the server the way they stall sync workers; one that
stays silent for ``keepalive`` seconds is closed. In production, still put a buffering proxy (nginx, a load balancer) in
front: it absorbs slow clients entirely and terminates TLS.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from devopslearn.env import forwarded_allow_ips as _trusted_proxies  # noqa: E402

wsgi_app = "devopslearn.wsgi:application"
worker_class = "devopslearn.lib.workers.PolledThreadWorker"  # gunicorn's gthread worker, see that module
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# X-Forwarded-Proto (and the other X-Forwarded-* headers) are believed only from a TLS proxy the
# settings say is there (SECURE_HTTPS=1 and BEHIND_TLS_PROXY=1); otherwise from nobody, not even
# 127.0.0.1 (gunicorn's default), so that no client can claim HTTPS over plain HTTP.
forwarded_allow_ips = ",".join(_trusted_proxies())
keepalive = 5
# A long request line reaches Django, which answers it (the search reads the first 100 characters of
# its query and says so), rather than gunicorn's bare "414 Request-URI Too Long": a pasted search URL
# of 3,000 Vietnamese characters is about 18,000 once percent-encoded, beyond gunicorn's largest
# limit (8190). 0 is gunicorn's "no limit", which gunicorn 27 still caps at 1 MB a line; the proxy in
# front has its own limit (deploy/nginx/compose.conf, large_client_header_buffers).
limit_request_line = 0
control_socket_disable = True
