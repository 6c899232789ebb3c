"""Count every routed request by URL pattern and status (see ``traffic.counter``)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from traffic.services import request_counter, request_counts_flush_quietly

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
UNMATCHED = "(unmatched)"


def route_label(request: HttpRequest) -> str:
    """The URL pattern that served ``request``, without the API prefix: ``/models/{version}``.

    Requests no pattern matched (the JSON 404 catch-all) share one label, so the set of labels
    stays bounded whatever paths clients send.
    """
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route or match.route.endswith("^.*$"):
        return UNMATCHED
    route = match.route
    prefix = settings.API_PREFIX.strip("/") + "/"
    if route.startswith(prefix):
        route = route[len(prefix) :]
    return "/" + _CONVERTER.sub(r"{\1}", route)


class RequestCounterMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.REQUEST_STATS_ENABLED

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        counter = request_counter()
        counter.add(
            route=route_label(request),
            method=request.method or "",
            status=response.status_code,
            duration_ms=(time.perf_counter() - started) * 1000.0,
        )
        if counter.due(settings.REQUEST_STATS_FLUSH_SECONDS):
            request_counts_flush_quietly()
        return response
