from django.http import HttpRequest, JsonResponse
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
