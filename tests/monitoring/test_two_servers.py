"""Two real server processes on one database answer /monitoring/* the same (nothing per-process)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.servers import django_server, manage

SEED_SCRIPT = """
import uuid
from datetime import timedelta

import numpy as np
from django.utils import timezone

from audit.models import PredictionLog
from predictions.models import SymbolFreshness
from registry.models import ModelVersion

now = timezone.now()
rng = np.random.default_rng(41)
PredictionLog.objects.bulk_create(
    PredictionLog(
        request_id=uuid.uuid4().hex,
        timestamp=now - timedelta(seconds=7 * (300 - i)),
        symbol=("AAPL", "MSFT")[i % 2],
        model_version="v1",
        prediction="HOLD",
        confidence=0.5,
        probability_up=0.5,
        expected_return=0.0,
        latency_ms=float(rng.lognormal(2.0, 0.5)),
    )
    for i in range(300)
)
for symbol, hours in (("AAPL", 20), ("MSFT", 120)):
    SymbolFreshness.objects.create(
        symbol=symbol,
        exchange="NASDAQ",
        source="csv",
        latest_candle_at=now - timedelta(hours=hours),
        last_seen_at=now - timedelta(minutes=hours),
    )
ModelVersion.objects.create(
    version="v1", number=1, created_at=now - timedelta(days=2), is_active=True,
    artifact_path="models/v1", feature_names=[], feature_schema_hash="0" * 64,
    horizon_days=5, residual_std=0.01,
)
"""

AGE_KEYS = {"upstream_age_seconds", "model_age_seconds", "last_prediction_age_seconds"}


def _without_clock(freshness: dict) -> dict:
    """Freshness minus what depends on the moment of the request (``checked_at`` and ages)."""
    body = {k: v for k, v in freshness.items() if k not in AGE_KEYS | {"checked_at"}}
    body["symbols"] = [{k: v for k, v in s.items() if k != "age_seconds"} for s in body["symbols"]]
    return body


@pytest.mark.slow
def test_two_processes_report_identical_latency_and_freshness(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "MODEL_REGISTRY_DIR": str(tmp_path / "models"),
        "ENV_FILE": str(tmp_path / "no.env"),
        "LATENCY_WINDOW": "250",
    }
    manage("migrate", "--no-input", env=env)
    manage("shell", "-c", SEED_SCRIPT, env=env)

    with django_server(env, gunicorn=True) as first, django_server(env, gunicorn=True) as second:
        latency = [
            requests.get(f"{url}/monitoring/latency?series=1", timeout=10).json()
            for url in (first, second)
        ]
        freshness = [
            requests.get(f"{url}/api/v1/monitoring/freshness", timeout=10).json()
            for url in (first, second)
        ]

    assert latency[0] == latency[1]
    assert latency[0]["recent_calls"] == 250
    assert sum(point["count"] for point in latency[0]["series"]) == 250

    assert _without_clock(freshness[0]) == _without_clock(freshness[1])
    assert freshness[0]["status"] == "stale"  # MSFT's candle is 120 h old (limit 96 h)
    for key in AGE_KEYS:
        assert freshness[0][key] == pytest.approx(freshness[1][key], abs=5.0)
    for one, two in zip(freshness[0]["symbols"], freshness[1]["symbols"], strict=True):
        assert one["age_seconds"] == pytest.approx(two["age_seconds"], abs=5.0)
