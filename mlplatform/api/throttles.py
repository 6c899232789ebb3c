"""Per-client throttles on the shared Django cache (Redis in production), sized from settings.

A fixed-window counter: one atomic increment per request (``INCR`` on Redis). DRF's
``SimpleRateThrottle`` keeps every request time of the window in one cache entry and rewrites
it on each request, so its cost grows with the limit (measured: it dominated ``/predict`` under
load with a high limit); a counter costs the same at any limit. The trade: a client can spend up
to twice its budget across a window boundary.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from mlplatform.api.auth import client_ip


class _WindowCounterThrottle(BaseThrottle):
    """``<requests_setting>`` requests per ``<window_setting>`` seconds per client address."""

    scope = ""
    requests_setting = ""
    window_setting = ""

    def __init__(self) -> None:
        self._wait = 0.0

    def get_ident(self, request: Request) -> str:
        # the same trusted-proxy rule as the audit trail; a spoofed X-Forwarded-For is ignored
        return client_ip(request) or "unknown"

    def allow_request(self, request: Request, view: object) -> bool:
        limit = getattr(settings, self.requests_setting)
        window = getattr(settings, self.window_setting)
        now = time.time()
        index = int(now // window)
        key = f"throttle:{self.scope}:{self.get_ident(request)}:{index}"
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the entry expired between add and incr
            cache.set(key, 1, timeout=window + 1)
            count = 1
        self._wait = (index + 1) * window - now
        return count <= limit

    def wait(self) -> float:
        return self._wait


class PublicRateThrottle(_WindowCounterThrottle):
    """Public prediction routes: ``RATE_LIMIT_REQUESTS`` per ``RATE_LIMIT_WINDOW_SECONDS``."""

    scope = "public"
    requests_setting = "RATE_LIMIT_REQUESTS"
    window_setting = "RATE_LIMIT_WINDOW_SECONDS"


class LoginRateThrottle(_WindowCounterThrottle):
    """Sign-in attempts, counted apart from the public routes."""

    scope = "login"
    requests_setting = "LOGIN_RATE_LIMIT_REQUESTS"
    window_setting = "LOGIN_RATE_LIMIT_WINDOW_SECONDS"
