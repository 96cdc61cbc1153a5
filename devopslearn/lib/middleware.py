import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedRedirect
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django.utils.functional import empty
from django_htmx.http import HttpResponseClientRedirect

from devopslearn.lib.logging import new_request_id, request_context
from devopslearn.lib.pages import page_of

request_log = logging.getLogger("devopslearn.requests")


class RequestLogMiddleware:
    """Gives each request an id (the proxy's X-Request-ID, or a fresh one; sent back in the response's
    X-Request-ID and carried by every log line meanwhile), logs one structured line per request
    (method, path, status, duration, user) and, with settings.METRICS, counts it by view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with request_context(new_request_id(request.headers.get("X-Request-ID"))) as rid:
            request.request_id = rid
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            request_log.info(
                "request",
                extra={
                    "fields": {
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                        "user_id": _loaded_user_id(request),
                        "htmx": request.headers.get("HX-Request") == "true",
                    }
                },
            )
        response["X-Request-ID"] = rid
        if settings.METRICS:
            from devopslearn.lib import metrics

            match = getattr(request, "resolver_match", None)
            view = match.view_name if match and match.view_name else "(unmatched)"
            metrics.observe_request(view, request.method, response.status_code, seconds)
        return response


def _loaded_user_id(request: HttpRequest) -> int | None:
    """The user's id if the request already loaded the user: a log line never costs a query."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", empty)
    if wrapped is empty or wrapped is None:
        return None
    return getattr(wrapped, "pk", None)


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than settings.MAX_REQUEST_BODY with a 400, before reading it.

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files; nothing in
    DevOps Learn takes uploads, so any body beyond the limit is refused outright.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > settings.MAX_REQUEST_BODY:
            from devopslearn.lib.errors import bad_request

            return bad_request(request, None)
        return self.get_response(request)


class LoginRedirectMiddleware:
    """A request sent to the login page comes back, after the login, to the page the person was on.

    ``login_required`` sends the address it guards as ``next``. For a form that posted (a POST-only
    address such as ``/quizzes/1/start/``) that address is not a page, so ``next`` becomes the page
    that held the form; for an htmx request (the session ended in another tab) the whole browser
    goes to the login page (``HX-Redirect``), with ``next`` the page it was on, rather than the login
    page being swapped into a fragment of the old one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (301, 302) and _is_login_redirect(response):
            url = redirect_to_login(page_of(request)).url
            if request.headers.get("HX-Request") == "true":
                return HttpResponseClientRedirect(url)
            response["Location"] = url
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """``login_required`` puts the whole address in ``next``: for a visitor with a very long one (a
        pasted search of thousands of characters) Django refuses that redirect (DisallowedRedirect,
        a bare 400). The visitor goes to the login page all the same, back to the page's path after."""
        if isinstance(exception, DisallowedRedirect) and not request.user.is_authenticated:
            return redirect_to_login(page_of(request))
        return None


def _is_login_redirect(response: HttpResponse) -> bool:
    """A redirect made by ``login_required`` (to the login page, with ``next``); not a page that
    merely sends the browser back to the login page it came from (the language switcher)."""
    location = urlsplit(response.get("Location", ""))
    return location.path == resolve_url(settings.LOGIN_URL) and "next=" in location.query


class MethodNotAllowedMiddleware:
    """Every 405 is a page that says what to do (Django's is empty): an address that only takes a
    form's POST, opened as a page (a bookmark, a login's ``next``), points to the page with the form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            from devopslearn.lib.errors import method_not_allowed

            return method_not_allowed(request, response["Allow"])
        return response


class PersonalPagesMiddleware:
    """Every page and file made for a signed-in person (their progress, dashboards, exports, the
    account page; even the header names them) says ``Cache-Control: private, no-store``: no shared
    cache keeps it, and the browser does not store it on disk. Pages that show a person's data to
    anybody (a certificate) say so with ``@never_cache`` in their view. Static files never get here
    (whitenoise answers them first) and keep their long cache lifetimes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
