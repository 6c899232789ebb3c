"""Public throttle: RATE_LIMIT_REQUESTS per window per client, on the shared cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import requests
from django.urls import URLPattern, URLResolver, get_resolver

from audit.models import AuditEvent
from mlplatform.api import throttles
from mlplatform.api.throttles import PublicRateThrottle
from mlplatform.api.views import ThrottledPublicApi
from tests.support.servers import django_server, manage

pytestmark = pytest.mark.django_db

REDIS_DB = 11


@pytest.fixture
def limit(settings) -> int:  # type: ignore[no-untyped-def]
    settings.RATE_LIMIT_REQUESTS = 3
    settings.RATE_LIMIT_WINDOW_SECONDS = 60
    return 3


def _predict(api_client, addr: str = "10.0.0.1", **extra):  # type: ignore[no-untyped-def]
    # no symbol: a cheap 422 once past the throttle
    return api_client.get("/predict", REMOTE_ADDR=addr, **extra)


def test_public_throttle_returns_429_with_retry_after(api_client, limit: int) -> None:
    for _ in range(limit):
        assert _predict(api_client).status_code == 422
    response = _predict(api_client, HTTP_X_REQUEST_ID="over-limit")
    assert response.status_code == 429
    body = response.json()
    assert (body["status"], body["error"], body["code"]) == ("error", "throttled", 429)
    assert body["request_id"] == "over-limit"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_each_client_address_has_its_own_budget(api_client, limit: int) -> None:
    for _ in range(limit):
        _predict(api_client, "10.0.0.1")
    assert _predict(api_client, "10.0.0.1").status_code == 429
    assert _predict(api_client, "10.0.0.2").status_code == 422
    # one budget per client across both prefixes and all throttled routes
    assert api_client.get("/api/v1/features", REMOTE_ADDR="10.0.0.1").status_code == 429


def test_a_rotating_forwarded_for_header_does_not_escape_the_throttle(
    api_client, limit: int
) -> None:
    for i in range(limit):
        _predict(api_client, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert _predict(api_client, HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_behind_a_trusted_proxy_the_appended_address_is_the_client(
    api_client, limit: int, settings
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # the proxy appends the real client; whatever the client put in front is ignored
    for i in range(limit):
        _predict(api_client, "10.1.1.1", HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 203.0.113.5")
    assert _predict(api_client, "10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    other = _predict(api_client, "10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 422


def test_a_forged_forwarded_address_never_breaks_the_audit_row(api_client, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    response = api_client.post("/admin/reload", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert response.status_code == 401
    assert AuditEvent.objects.get().client_ip is None
    api_client.post("/admin/reload", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert AuditEvent.objects.first().client_ip == "203.0.113.9"


def test_the_public_prediction_routes_are_throttled() -> None:
    def walk(patterns: list) -> set[type]:
        found: set[type] = set()
        for entry in patterns:
            if isinstance(entry, URLResolver):
                found |= walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "view_class", None)
                if isinstance(view, type) and issubclass(view, ThrottledPublicApi):
                    found.add(view)
        return found

    names = {view.__name__ for view in walk(get_resolver().url_patterns)}
    assert {"PredictApi", "PredictBatchApi", "FeaturesApi"} <= names
    for view in walk(get_resolver().url_patterns):
        assert PublicRateThrottle in view.throttle_classes


# --- across processes ---------------------------------------------------------------------


def _redis_or_skip(in_ci: bool):  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if in_ci:
            pytest.fail(f"CI needs Redis at 127.0.0.1:6379: {exc}")
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({exc}); CI runs this test")
    return client


def _statuses(urls: list[str]) -> list[int]:
    # generous timeout: a fresh worker imports numpy/pandas on its first request
    return [requests.get(f"{url}/predict", timeout=60).status_code for url in urls]


@pytest.mark.slow
def test_two_server_processes_share_the_budget_through_redis(tmp_path: Path, in_ci: bool) -> None:
    client = _redis_or_skip(in_ci)
    for key in client.scan_iter("*throttle:public*"):
        client.delete(key)
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MODEL_REGISTRY_DIR": str(tmp_path / "models"),
        "ENV_FILE": str(tmp_path / "no.env"),
        "RATE_LIMIT_REQUESTS": "4",
        "RATE_LIMIT_WINDOW_SECONDS": "60",
    }
    manage("migrate", "--no-input", "-v0", env=env)
    shared = {**env, "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}"}
    try:
        with django_server(shared, gunicorn=True) as a, django_server(shared, gunicorn=True) as b:
            # 2 + 2 spend the budget of 4; both processes then refuse the same client (with a
            # per-process cache each would still have 2 left)
            assert _statuses([a, a, b, b]) == [422] * 4
            assert _statuses([a, b]) == [429, 429]
            retry_after = requests.get(f"{b}/predict", timeout=60).headers["Retry-After"]
            assert 1 <= int(retry_after) <= 60
    finally:
        for key in client.scan_iter("*throttle:public*"):
            client.delete(key)


def test_in_ci_the_redis_test_cannot_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    """The skip above is for laptops only: CI=true turns an unreachable Redis into a failure."""
    import redis

    def unreachable(self, *args: object, **kwargs: object) -> None:
        raise redis.ConnectionError("refused")

    monkeypatch.setattr(redis.Redis, "ping", unreachable)
    with pytest.raises(pytest.fail.Exception, match="CI needs Redis"):
        _redis_or_skip(in_ci=True)
    with pytest.raises(pytest.skip.Exception):
        _redis_or_skip(in_ci=os.environ.get("CI_NEVER_SET_HERE") == "true")


# --- the counters --------------------------------------------------------------------------


def test_local_counters_count_per_key_and_sweep_expired_windows(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(throttles, "LOCAL_SWEEP_ABOVE", 3)
    counters = throttles._LocalCounters()
    assert [counters.incr("a:1", 100.0, now=50.0) for _ in range(3)] == [1, 2, 3]
    assert counters.incr("b:1", 100.0, now=50.0) == 1
    counters.incr("c:1", 100.0, now=50.0)
    # a fourth key past the bound sweeps windows that ended; live ones keep their counts
    assert counters.incr("d:2", 200.0, now=150.0) == 1
    assert set(counters._counts) == {"d:2"}
    counters.clear()
    assert counters.incr("d:2", 200.0, now=150.0) == 1


@pytest.mark.django_db
def test_the_redis_counter_is_one_incr_with_an_expiry(settings, in_ci: bool) -> None:  # type: ignore[no-untyped-def]
    client = _redis_or_skip(in_ci)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "KEY_PREFIX": "mlp-test",
        }
    }
    key = f"throttle:test:{os.getpid()}:{time.time_ns()}"
    try:
        assert [throttles._shared_incr(key, timeout=30) for _ in range(3)] == [1, 2, 3]
        (stored,) = client.keys(f"*{key}")
        assert int(client.get(stored)) == 3
        assert 0 < client.ttl(stored) <= 30
    finally:
        for stored in client.keys(f"*{key}"):
            client.delete(stored)
