from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from devopslearn import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness in one: 200 when the database (and Redis, when REDIS_URL is set) answer,
    503 naming what failed: {"status": "ok"|"error", "database": "ok"|"unavailable", ["redis": ...]}."""
    problems = health.problems()
    body = {"status": "error" if problems else "ok"} | {name: problems.get(name, "ok") for name in health.services()}
    return JsonResponse(body, status=503 if problems else 200)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The app's metrics in Prometheus' text format (devopslearn.lib.metrics), when settings.METRICS is
    on; a 404 otherwise. Keep it off the public proxy (deploy/nginx): scrape the instances directly."""
    if not settings.METRICS:
        raise Http404
    from devopslearn.lib import metrics as app_metrics

    return HttpResponse(app_metrics.exposition(), content_type=app_metrics.CONTENT_TYPE)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon (a JSON answer, a file opened alone):
    the site's icon from static, the one every page's <link rel="icon"> names. A temporary redirect,
    cached a day: the static file's hashed name changes with it."""
    response = HttpResponseRedirect(static("img/favicon.svg"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response
