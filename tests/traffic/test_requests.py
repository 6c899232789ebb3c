"""Request/error counts: counted per process, persisted per minute, read by /monitoring/requests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from traffic.counter import RequestCounter
from traffic.models import RequestCount
from traffic.selectors import request_traffic_summary
from traffic.services import request_counter, request_counts_flush

pytestmark = pytest.mark.django_db
URL = "/monitoring/requests"


def test_routes_are_counted_by_pattern_and_status_and_persisted_on_flush(api_client) -> None:
    api_client.get("/health")
    api_client.get("/api/v1/health")
    api_client.get("/models/v404")  # unknown version: 404 on a matched pattern
    api_client.get("/no/such/path")
    api_client.get("/predict", {"symbol": "1bad"})  # 422
    assert RequestCount.objects.count() == 0  # nothing written on the request path yet

    assert request_counts_flush() > 0

    counts = {(r.route, r.method, r.status): r.count for r in RequestCount.objects.all()}
    assert counts[("/health", "GET", 200)] == 2
    assert counts[("/models/{version}", "GET", 404)] == 1
    assert counts[("(unmatched)", "GET", 404)] == 1
    assert counts[("/predict", "GET", 422)] == 1


def test_summary_splits_client_and_server_errors_and_leaves_idle_minutes_out() -> None:
    now = datetime(2026, 3, 2, 12, 30, 20, tzinfo=UTC)
    minute = now.replace(second=0)
    rows = [
        (minute, "/predict", "GET", 200, 90, 900.0),
        (minute, "/predict", "GET", 503, 5, 50.0),
        (minute, "/models/{version}", "GET", 404, 5, 5.0),
        (minute - timedelta(minutes=3), "/predict", "GET", 200, 10, 100.0),
        (minute - timedelta(minutes=90), "/predict", "GET", 200, 1000, 1.0),  # outside
    ]
    RequestCount.objects.bulk_create(
        RequestCount(minute=m, route=r, method=me, status=s, count=c, duration_ms_sum=d)
        for m, r, me, s, c, d in rows
    )

    summary = request_traffic_summary(minutes=60, now=now)

    assert summary["requests"] == 110
    assert (summary["client_errors"], summary["server_errors"]) == (5, 5)
    assert summary["error_rate"] == pytest.approx(10 / 110)
    assert [p["requests"] for p in summary["series"]] == [10, 100]  # minutes -2, -1 absent
    predict = next(r for r in summary["routes"] if r["route"] == "/predict")
    assert predict["requests"] == 105 and predict["server_errors"] == 5
    assert predict["statuses"] == [{"status": 200, "requests": 100}, {"status": 503, "requests": 5}]
    assert predict["avg_ms"] == pytest.approx(1050.0 / 105)
    assert summary["statuses"][-1] == {"status": 503, "requests": 5}


def test_flushes_from_two_processes_add_up_instead_of_overwriting() -> None:
    counter = request_counter()
    for _ in range(3):
        counter.add(route="/predict", method="GET", status=200, duration_ms=2.0)
    request_counts_flush()
    for _ in range(4):
        counter.add(route="/predict", method="GET", status=200, duration_ms=1.0)
    request_counts_flush()

    rows = list(RequestCount.objects.filter(route="/predict"))
    assert sum(r.count for r in rows) == 7
    assert sum(r.duration_ms_sum for r in rows) == pytest.approx(10.0)


def test_a_failed_flush_keeps_the_counts_for_the_next_one(monkeypatch) -> None:
    counter = request_counter()
    counter.add(route="/predict", method="GET", status=200, duration_ms=1.0)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database away")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken)
        with pytest.raises(RuntimeError):
            request_counts_flush()
    assert RequestCount.objects.count() == 0

    request_counts_flush()
    assert RequestCount.objects.get(route="/predict").count == 1


def test_the_buffer_is_bounded_and_counts_what_it_drops() -> None:
    counter = RequestCounter(max_keys=2)
    for status in (200, 404, 500, 503):
        counter.add(route="/x", method="GET", status=status, duration_ms=1.0)
    counter.add(route="/x", method="GET", status=200, duration_ms=1.0)  # existing key still counts

    counts, dropped = counter.take()
    assert len(counts) == 2 and dropped == 2
    assert sum(n for n, _ in counts.values()) == 3


def test_concurrent_adds_are_not_lost() -> None:
    counter = RequestCounter(max_keys=10)

    def hammer() -> None:
        for _ in range(2000):
            counter.add(route="/predict", method="GET", status=200, duration_ms=0.5)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts, _ = counter.take()
    assert sum(n for n, _ in counts.values()) == 8000


def test_route_validates_minutes_and_is_typed(api_client) -> None:
    assert api_client.get(URL, {"minutes": 0}).status_code == 422
    assert api_client.get(URL, {"minutes": 100000}).status_code == 422
    body = api_client.get(URL, {"minutes": 5}).json()
    assert body["minutes"] == 5 and body["flush_seconds"] > 0
    assert body["requests"] == 0 and body["error_rate"] is None and body["series"] == []

    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    ok = schema["paths"]["/api/v1/monitoring/requests"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"series", "routes", "statuses", "error_rate"} <= set(
        schema["components"]["schemas"][ref]["properties"]
    )


def test_middleware_flushes_on_the_request_path_once_the_interval_passed(
    api_client, settings
) -> None:
    settings.REQUEST_STATS_FLUSH_SECONDS = 0.0
    api_client.get("/health")
    assert RequestCount.objects.filter(route="/health").exists()
