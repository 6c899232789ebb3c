"""GET /predictions/recent: newest first, bounded limit, optional symbol filter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import PredictionLog

ENTRY_FIELDS = {
    "request_id",
    "timestamp",
    "symbol",
    "model_version",
    "prediction",
    "probability_up",
    "expected_return",
    "latency_ms",
    "features",
}


def _logs(n: int, symbol: str = "AAPL") -> None:
    start = timezone.now() - timedelta(hours=1)
    PredictionLog.objects.bulk_create(
        PredictionLog(
            request_id=f"r{i}",
            timestamp=start + timedelta(seconds=i),
            symbol=symbol,
            model_version="v1",
            prediction="HOLD",
            confidence=0.1,
            probability_up=0.5 + i / 10_000,
            expected_return=i / 1e5,
            latency_ms=1.0 + i,
            features={"ret_1d": i / 1000},
        )
        for i in range(n)
    )


def test_recent_entries_newest_first_with_the_design_fields(db, api_client) -> None:
    _logs(5)
    response = api_client.get("/predictions/recent", {"limit": 3})
    assert response.status_code == 200
    entries = response.json()["entries"]
    assert [entry["request_id"] for entry in entries] == ["r4", "r3", "r2"]
    assert set(entries[0]) == ENTRY_FIELDS
    assert entries[0]["features"] == {"ret_1d": 0.004}
    assert entries[0]["latency_ms"] == 5.0


def test_default_limit_is_50_and_max_1000(db, api_client) -> None:
    _logs(1005)
    assert len(api_client.get("/predictions/recent").json()["entries"]) == 50
    assert len(api_client.get("/predictions/recent", {"limit": 1000}).json()["entries"]) == 1000
    assert len(api_client.get("/predictions/recent", {"limit": 1}).json()["entries"]) == 1


@pytest.mark.parametrize("limit", ["0", "-1", "1001", "abc", "1.5", "1e3"])
def test_bad_limit_is_422(db, api_client, limit: str) -> None:
    response = api_client.get("/predictions/recent", {"limit": limit})
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert "limit" in response.json()["details"]


def test_symbol_filter(db, api_client) -> None:
    _logs(3, "AAPL")
    _logs(2, "MSFT")
    entries = api_client.get("/predictions/recent", {"symbol": "msft"}).json()["entries"]
    assert [entry["symbol"] for entry in entries] == ["MSFT", "MSFT"]
    bad = api_client.get("/predictions/recent", {"symbol": "9x"})
    assert bad.status_code == 422 and "symbol" in bad.json()["details"]


def test_served_predictions_appear_in_recent(model, api_client) -> None:
    served = api_client.get("/predict", {"symbol": "NVDA"}).json()
    entry = api_client.get("/predictions/recent", {"limit": 1}).json()["entries"][0]
    assert entry["request_id"] == served["request_id"]
    assert entry["model_version"] == served["model_version"]
    assert entry["probability_up"] == served["probability_up"]
    assert entry["features"] == served["features"]
