"""Which page a request came from, and whether an address is a page at all.

A form posts to an address that only takes POST (``/quizzes/1/start/``); such an address is never
the place to send somebody back to after a login. These helpers find the page that held the form:
the page htmx says the learner is on (``HX-Current-URL``), the browser's ``Referer``, or the nearest
address above the one posted to that answers GET (``/quizzes/1/`` for ``/quizzes/1/start/``).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils.http import MAX_URL_LENGTH, url_has_allowed_host_and_scheme


def accepts_get(path: str) -> bool:
    """Whether the view at ``path`` (a path, no host) answers GET; False when nothing is there.

    Reads the methods a view declares: a class-based view's ``http_method_names``, or the list given
    to ``require_http_methods`` / ``require_GET`` / ``require_POST`` in its decorators (Django keeps
    each decorator's arguments in its closure and the decorated function in ``__wrapped__``).
    tests/security/test_session_end.py checks this against every URL pattern's real answers.
    """
    try:
        view = resolve(path).func
    except Resolver404:
        return False
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return "get" in view_class.http_method_names and hasattr(view_class, "get")
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        code, closure = getattr(view, "__code__", None), getattr(view, "__closure__", None)
        if code is not None and closure and "request_method_list" in code.co_freevars:
            return "GET" in closure[code.co_freevars.index("request_method_list")].cell_contents
        view = getattr(view, "__wrapped__", None)
    return True


def local_url(request: HttpRequest, url: str | None) -> str | None:
    """``url`` as a path with its query, if it points at this site; None otherwise."""
    if not url or not url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def page_at_or_above(url: str) -> str:
    """``url`` itself if it is a page (answers GET), else the nearest page above it, else home."""
    path, _, query = url.partition("?")
    if accepts_get(path):
        return url
    parts = path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        candidate = "/".join(parts) + "/"
        if accepts_get(candidate):
            return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def page_of(request: HttpRequest) -> str:
    """The page the person was on when ``request`` was sent: for htmx the page it was sent from, for
    a form the page that held it, for a plain visit the address itself; always a page (GET)."""
    if request.headers.get("HX-Request") == "true":
        source = local_url(request, request.headers.get("HX-Current-URL"))
    elif request.method in ("GET", "HEAD"):
        source = request.get_full_path()
    else:
        source = local_url(request, request.headers.get("Referer"))
    if source and len(source) > MAX_URL_LENGTH:
        # Too long to come back to (a pasted 3,000-character search): the login would ignore it as
        # ``next``, and a redirect carrying it is refused (DisallowedRedirect). Its path alone.
        source = urlsplit(source).path
    return page_at_or_above(source or request.path)
