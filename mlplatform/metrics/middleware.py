"""Counts and times every request by route template and status (``mlplatform.metrics``)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from mlplatform import metrics


def route_label(request: HttpRequest) -> str:
    """The matched URL pattern, e.g. ``/models/<str:version>``; the API prefix is dropped so
    ``/api/v1/predict`` and ``/predict`` count as one route. Unmatched paths (404s, static
    files answered before routing) are ``other``: a raw path never becomes a label."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    if not route or route.startswith("^"):
        return "other"
    prefix = settings.API_PREFIX.strip("/") + "/"
    if route.startswith(prefix):
        route = route[len(prefix) :]
    return "/" + route


class MetricsMiddleware:
    """Outermost middleware: sees every response, including errors rendered by handlers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = bool(settings.METRICS_ENABLED)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        metrics.http_observe(
            method=request.method or "",
            route=route_label(request),
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response
