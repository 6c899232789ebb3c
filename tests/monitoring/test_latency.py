from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.utils import timezone

from tests.monitoring.conftest import prediction_logs_create

pytestmark = pytest.mark.django_db
URL = "/monitoring/latency"


def _logs(count: int, seed: int) -> tuple[list[datetime], np.ndarray]:
    rng = np.random.default_rng(seed)
    latencies = rng.lognormal(mean=2.0, sigma=0.6, size=count)
    start = timezone.now() - timedelta(hours=2)
    # irregular gaps so minutes hold different numbers of calls
    gaps = np.cumsum(rng.integers(1, 40, size=count))
    times = [start + timedelta(seconds=int(g)) for g in gaps]
    prediction_logs_create(version="v1", latencies=latencies.tolist(), timestamps=times)
    return times, latencies


def test_percentiles_match_numpy_over_the_window(api_client, settings) -> None:
    settings.LATENCY_WINDOW = 250
    _, latencies = _logs(400, seed=31)
    window = latencies[-250:]  # the newest 250 rows

    body = api_client.get(URL).json()

    assert body["recent_calls"] == 250
    assert body["avg_latency_ms"] == pytest.approx(window.mean(), rel=1e-12)
    assert body["p50_ms"] == pytest.approx(np.percentile(window, 50), rel=1e-12)
    assert body["p95_ms"] == pytest.approx(np.percentile(window, 95), rel=1e-12)
    assert body["p99_ms"] == pytest.approx(np.percentile(window, 99), rel=1e-12)
    assert body["max_ms"] == pytest.approx(window.max(), rel=1e-12)
    assert "series" not in body


def test_series_has_one_point_per_minute(api_client, settings) -> None:
    settings.LATENCY_WINDOW = 300
    times, latencies = _logs(300, seed=32)

    series = api_client.get(URL, {"series": "1"}).json()["series"]

    by_minute: dict[datetime, list[float]] = {}
    for moment, latency in zip(times, latencies, strict=True):
        minute = moment.astimezone(UTC).replace(second=0, microsecond=0)
        by_minute.setdefault(minute, []).append(float(latency))
    expected_minutes = sorted(by_minute)
    assert [datetime.fromisoformat(p["minute"]) for p in series] == expected_minutes
    for point, minute in zip(series, expected_minutes, strict=True):
        values = np.asarray(by_minute[minute])
        assert set(point) == {"minute", "count", "avg_ms", "p50_ms", "p95_ms", "p99_ms"}
        assert point["count"] == len(values)
        assert point["avg_ms"] == pytest.approx(values.mean(), rel=1e-12)
        assert point["p50_ms"] == pytest.approx(np.percentile(values, 50), rel=1e-12)
        assert point["p95_ms"] == pytest.approx(np.percentile(values, 95), rel=1e-12)
        assert point["p99_ms"] == pytest.approx(np.percentile(values, 99), rel=1e-12)
    assert sum(p["count"] for p in series) == 300


def test_no_logs(api_client) -> None:
    body = api_client.get(URL, {"series": "true"}).json()

    assert body["recent_calls"] == 0
    assert body["avg_latency_ms"] is None
    assert body["p95_ms"] is None
    assert body["series"] == []


def test_bad_series_flag_is_422(api_client) -> None:
    assert api_client.get(URL, {"series": "maybe"}).status_code == 422
