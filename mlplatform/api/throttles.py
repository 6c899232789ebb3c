"""Per-client throttles on the shared Django cache (Redis in production), sized from settings."""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from mlplatform.api.auth import client_ip


class _SettingsRateThrottle(SimpleRateThrottle):
    """A per-client throttle whose count and window come from settings (any window length)."""

    requests_setting = ""
    window_setting = ""

    def __init__(self) -> None:
        self.num_requests = getattr(settings, self.requests_setting)
        self.duration = getattr(settings, self.window_setting)
        self.rate = f"{self.num_requests}/{self.duration}s"

    def get_ident(self, request: Request) -> str:
        # the same trusted-proxy rule as the audit trail; a spoofed X-Forwarded-For is ignored
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view):  # type: ignore[no-untyped-def]
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicRateThrottle(_SettingsRateThrottle):
    """Public prediction routes: ``RATE_LIMIT_REQUESTS`` per ``RATE_LIMIT_WINDOW_SECONDS``."""

    scope = "public"
    requests_setting = "RATE_LIMIT_REQUESTS"
    window_setting = "RATE_LIMIT_WINDOW_SECONDS"


class LoginRateThrottle(_SettingsRateThrottle):
    """Sign-in attempts, counted apart from the public routes."""

    scope = "login"
    requests_setting = "LOGIN_RATE_LIMIT_REQUESTS"
    window_setting = "LOGIN_RATE_LIMIT_WINDOW_SECONDS"
