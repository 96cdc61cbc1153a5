import logging
import time

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

request_log = logging.getLogger("devopslearn.requests")


class RequestLogMiddleware:
    """Logs one structured line per request: method, path, status, duration, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        request_log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _loaded_user_id(request),
                    "htmx": request.headers.get("HX-Request") == "true",
                }
            },
        )
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
