"""Per-client throttles: a fixed-window counter per client address, sized from settings.

One increment per request wherever the count lives:

- Redis (``CACHE_URL=redis://...``, shared by every process): one round trip carrying
  ``SET NX EX`` (the window's key and its expiry, if new) and ``INCR``.
- The in-process default (``locmem://``): a dict under a lock. Django's locmem cache would keep
  the same per-process count, but pickles the value on every add and incr (about 50 us per
  request here, a tenth of a ``/predict``).

``CACHE_URL`` accepts nothing else (settings refuse other schemes), so there is no third path.

DRF's ``SimpleRateThrottle`` keeps every request time of the window in one cache entry and
rewrites it on each request, so its cost grows with the limit; a counter costs the same at any
limit. The trade: a client can spend up to twice its budget across a window boundary.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from audit.services import denied_attempt_record
from mlplatform.actors import Actor
from mlplatform.api.auth import client_ip
from mlplatform.process_state import register_reset

logger = logging.getLogger(__name__)

#: Above this many live keys, expired windows are swept before the next one is added.
LOCAL_SWEEP_ABOVE = 4096


class _LocalCounters:
    """Window counters in this process's memory (the ``locmem://`` deployment)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}  # key -> (window end, count)

    def incr(self, key: str, window_end: float, now: float, amount: int = 1) -> int:
        with self._lock:
            entry = self._counts.get(key)
            count = amount if entry is None else entry[1] + amount
            if entry is None and len(self._counts) >= LOCAL_SWEEP_ABOVE:
                self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
            self._counts[key] = (window_end, count)
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_local_counters = _LocalCounters()
register_reset("throttle_counters", _local_counters.clear)


def _shared_incr(key: str, timeout: int, amount: int = 1) -> int:
    """Add ``amount`` to ``key`` in the Redis cache, created with ``timeout`` seconds.

    One round trip: create the key with its expiry if absent, then INCR (Django's
    ``RedisCache.add`` + ``incr`` would be three: SET NX, EXISTS, INCR).
    """
    cache = caches["default"]
    assert isinstance(cache, RedisCache), "CACHE_URL is redis:// or locmem:// (settings)"
    full_key = cache.make_and_validate_key(key)
    pipe = cache._cache.get_client(full_key, write=True).pipeline(transaction=False)
    pipe.set(full_key, 0, ex=timeout, nx=True)
    pipe.incr(full_key, amount)
    return int(pipe.execute()[1])


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
        return self.charge(request, 1)

    def charge(self, request: Request, cost: int) -> bool:
        """Spend ``cost`` units of this client's budget; False (refused) once it is over."""
        limit = getattr(settings, self.requests_setting)
        window = getattr(settings, self.window_setting)
        now = time.time()
        index = int(now // window)
        window_end = (index + 1) * window
        key = f"throttle:{self.scope}:{self.get_ident(request)}:{index}"
        if isinstance(caches["default"], LocMemCache):
            count = _local_counters.incr(key, window_end, now, cost)
        else:
            count = _shared_incr(key, timeout=window + 1, amount=cost)
        self._wait = window_end - now
        if count > limit:
            self.refused(request, limit=limit, window=window)
        return count <= limit

    def refused(self, request: Request, *, limit: int, window: int) -> None:
        """Called on every refused request."""

    def wait(self) -> float:
        return self._wait


class PublicRateThrottle(_WindowCounterThrottle):
    """Public prediction routes: ``RATE_LIMIT_REQUESTS`` per ``RATE_LIMIT_WINDOW_SECONDS``."""

    scope = "public"
    requests_setting = "RATE_LIMIT_REQUESTS"
    window_setting = "RATE_LIMIT_WINDOW_SECONDS"


class BatchSymbolThrottle(_WindowCounterThrottle):
    """``/predict/batch`` work: each batch spends its number of symbols of
    ``BATCH_RATE_LIMIT_SYMBOLS`` per ``RATE_LIMIT_WINDOW_SECONDS`` (charged by the view once
    the body is validated, on top of the one request ``PublicRateThrottle`` counts)."""

    scope = "batch-symbols"
    requests_setting = "BATCH_RATE_LIMIT_SYMBOLS"
    window_setting = "RATE_LIMIT_WINDOW_SECONDS"


def batch_symbols_charge(request: Request, symbols: int) -> None:
    """Spend ``symbols`` of the client's batch budget or raise ``Throttled`` (429)."""
    throttle = BatchSymbolThrottle()
    if not throttle.charge(request, max(1, symbols)):
        raise Throttled(wait=throttle.wait())


class LoginRateThrottle(_WindowCounterThrottle):
    """Sign-in attempts (``/auth/login`` and the admin's sign-in share one budget).

    Refused attempts are audited through ``denied_attempt_record``: one row per client and
    window, every attempt counted beside it, so a flood cannot flood the audit trail; wrong
    passwords within the budget are audited one by one.
    """

    scope = "login"
    requests_setting = "LOGIN_RATE_LIMIT_REQUESTS"
    window_setting = "LOGIN_RATE_LIMIT_WINDOW_SECONDS"

    def refused(self, request: Request, *, limit: int, window: int) -> None:
        try:
            denied_attempt_record(
                actor=Actor(name="anonymous", type="anonymous"),
                action="auth.login",
                target="sign-in",
                details={"reason": "throttled", "limit": limit, "window_seconds": window},
                request=request,
            )
        except DatabaseError:
            # the refusal stands without its audit row while the database is away
            logger.warning("could not audit a throttled sign-in", exc_info=True)
