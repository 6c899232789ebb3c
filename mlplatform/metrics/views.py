"""``GET /metrics``: Prometheus text, merged across the processes of this instance."""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from mlplatform.api.auth import api_key_matches
from mlplatform.api.errors import error_body, json_not_found
from mlplatform.metrics.collectors import DatabaseCollector


def _authorized(request: HttpRequest) -> bool:
    """No ``METRICS_TOKEN``: open (like /health). Else ``Authorization: Bearer $METRICS_TOKEN``
    or the control-plane credential ``X-API-Key: $ADMIN_API_KEY``."""
    token = settings.METRICS_TOKEN
    if not token:
        return True
    scheme, _, candidate = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and candidate.strip():
        if hmac.compare_digest(candidate.strip().encode(), token.encode()):
            return True
    return api_key_matches(request.headers.get("X-API-Key", ""))


def _process_samples() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_ENABLED:
        return json_not_found(request)
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse(
            error_body("method_not_allowed", f'Method "{request.method}" not allowed.', 405),
            status=405,
        )
        response["Allow"] = "GET, HEAD"
        return response
    if not _authorized(request):
        response = JsonResponse(
            error_body("not_authenticated", "A valid metrics bearer token is required.", 401),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    body = _process_samples() + generate_latest(database)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
