"""Error pages that need no database: they render from static templates only."""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from devopslearn.lib.pages import page_of


def _page(template: str, status: int, **headers: str) -> HttpResponse:
    return HttpResponse(render_to_string(template), status=status, headers=headers)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page("400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The reason a view gives (PermissionDenied("Finish ... first")) is shown to the user.
    message = str(exception) if exception and str(exception) else ""
    return HttpResponse(render_to_string("403.html", {"reason": message}), status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A POST whose CSRF token no longer matches: the person logged out and in again in another tab
    (a login rotates the token), or the session ended. Nothing is changed, and nothing typed is lost:
    for htmx the notice is inserted just above the form that posted (app.js lets htmx swap a 403 that
    names its target), so the form keeps what was typed; without htmx the browser's Back button does."""
    context = {"page": page_of(request)}
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(
            render_to_string("_session_changed.html", context),
            status=403,
            headers={"HX-Retarget": "this", "HX-Reswap": "beforebegin"},
        )
    return HttpResponse(render_to_string("403_csrf.html", context), status=403)


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    return HttpResponse(
        render_to_string("405.html", {"page": page_of(request)}), status=405, headers={"Allow": allowed}
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page("404.html", 404)


def database_reachable() -> bool:
    try:
        connection.close_if_unusable_or_obsolete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500, or a 503 when the cause is a database that cannot be reached right now.

    Only a failing connection is a 503 (with Retry-After); any other database error is a bug and a 500.
    """
    exception = sys.exception()
    if isinstance(exception, OperationalError | InterfaceError) and not database_reachable():
        logging.getLogger("devopslearn").error("database unavailable: %s", exception)
        return _page("503.html", 503, **{"Retry-After": "30"})
    return _page("500.html", 500)
