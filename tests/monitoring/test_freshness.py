from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from predictions.models import SymbolFreshness
from registry.models import TrainingRun
from tests.monitoring.conftest import model_version_create, prediction_logs_create

pytestmark = pytest.mark.django_db
URL = "/monitoring/freshness"
TOLERANCE = 5.0  # seconds between computing "now" here and in the view


def _age(moment: datetime) -> float:
    return (timezone.now() - moment).total_seconds()


def _freshness(symbol: str, candle_hours_ago: float | None, seen_minutes_ago: float) -> None:
    now = timezone.now()
    SymbolFreshness.objects.create(
        symbol=symbol,
        exchange="NASDAQ",
        source="csv",
        latest_candle_at=None
        if candle_hours_ago is None
        else now - timedelta(hours=candle_hours_ago),
        last_seen_at=now - timedelta(minutes=seen_minutes_ago),
    )


def test_ages_and_fresh_status(api_client, settings) -> None:
    settings.FRESHNESS_MAX_CANDLE_AGE_HOURS = 96
    settings.FRESHNESS_MAX_MODEL_AGE_DAYS = 30
    now = timezone.now()
    created = now - timedelta(days=3)
    model_version_create(created_at=created)
    completed = now - timedelta(days=2, hours=5)
    TrainingRun.objects.create(
        state="succeeded", requested_by="system", completed_at=completed, lane="a"
    )
    # a newer failed run does not count as training
    TrainingRun.objects.create(
        state="failed", requested_by="system", completed_at=now - timedelta(hours=1), lane="b"
    )
    _freshness("AAPL", candle_hours_ago=20, seen_minutes_ago=3)
    _freshness("MSFT", candle_hours_ago=50, seen_minutes_ago=9)
    logged = now - timedelta(seconds=42)
    prediction_logs_create(version="v1", latencies=[3.0], timestamps=[logged])

    body = api_client.get(URL).json()

    assert body["status"] == "fresh"
    assert body["reasons"] == []
    assert body["limits"] == {"max_candle_age_hours": 96, "max_model_age_days": 30}
    assert datetime.fromisoformat(body["model_last_trained"]) == completed
    assert body["model_age_seconds"] == pytest.approx(_age(completed), abs=TOLERANCE)
    assert datetime.fromisoformat(body["last_prediction_time"]) == logged
    assert body["last_prediction_age_seconds"] == pytest.approx(_age(logged), abs=TOLERANCE)
    upstream = now - timedelta(minutes=3)
    assert body["upstream_age_seconds"] == pytest.approx(_age(upstream), abs=TOLERANCE)
    symbols = {row["symbol"]: row for row in body["symbols"]}
    assert symbols["AAPL"]["age_seconds"] == pytest.approx(20 * 3600, abs=TOLERANCE)
    assert symbols["MSFT"]["age_seconds"] == pytest.approx(50 * 3600, abs=TOLERANCE)
    assert {row["exchange"] for row in body["symbols"]} == {"NASDAQ"}
    assert not any(row["stale"] for row in body["symbols"])


def test_old_candle_or_model_makes_it_stale(api_client, settings) -> None:
    settings.FRESHNESS_MAX_CANDLE_AGE_HOURS = 24
    settings.FRESHNESS_MAX_MODEL_AGE_DAYS = 1
    model_version_create(created_at=timezone.now() - timedelta(days=2))
    _freshness("AAPL", candle_hours_ago=10, seen_minutes_ago=1)
    _freshness("TSLA", candle_hours_ago=30, seen_minutes_ago=1)
    _freshness("NEWCO", candle_hours_ago=None, seen_minutes_ago=1)

    body = api_client.get(URL).json()

    assert body["status"] == "stale"
    stale = {row["symbol"]: row["stale"] for row in body["symbols"]}
    assert stale == {"AAPL": False, "NEWCO": True, "TSLA": True}
    assert len(body["reasons"]) == 3
    assert any("model" in reason for reason in body["reasons"])
    assert body["limits"] == {"max_candle_age_hours": 24, "max_model_age_days": 1}


def test_empty_database_is_stale_without_model(api_client) -> None:
    body = api_client.get(URL).json()

    assert body["status"] == "stale"
    assert body["model_last_trained"] is None
    assert body["model_age_seconds"] is None
    assert body["upstream_last_seen"] is None
    assert body["last_prediction_time"] is None
    assert body["symbols"] == []


def test_a_recent_model_before_any_market_data_is_unknown_not_fresh(api_client) -> None:
    model_version_create(created_at=timezone.now() - timedelta(hours=1))
    body = api_client.get(URL).json()
    assert (body["status"], body["reasons"], body["symbols"]) == ("unknown", [], [])
    _freshness("AAPL", candle_hours_ago=1, seen_minutes_ago=1)
    assert api_client.get(URL).json()["status"] == "fresh"
