"""Calibrated drift through the database, the API and ``check_drift``: distinct served rows,
the stated false-alarm rate, ``--fail-on-drift``, and versions without a calibration."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import PredictionLog
from bench import drift_sim
from mlplatform.core.drift import as_days, build_reference, calibrate_reference
from mlplatform.core.features import compute_features
from mlplatform.core.market_data.synthetic import SyntheticSource
from mlplatform.market_data import market_data_source_reset
from monitoring.drift_schema import DriftReportSerializer
from registry.models import ModelVersion
from tests.monitoring.conftest import NAMES

pytestmark = pytest.mark.django_db
SYMBOLS = 10
TRAIN_ROWS = 1000
MONITOR_ROWS = 60


@pytest.fixture(scope="module")
def universe() -> drift_sim.Universe:
    return drift_sim.universe(
        7, n_symbols=SYMBOLS, train_rows=TRAIN_ROWS, monitor_rows=MONITOR_ROWS
    )


def _version(reference: dict, *, number: int = 1, window: dict | None = None) -> ModelVersion:
    return ModelVersion.objects.create(
        version=f"v{number}",
        number=number,
        is_active=True,
        activated_at=timezone.now(),
        artifact_path=f"models/v{number}",
        artifact_hashes={},
        feature_names=NAMES,
        feature_schema_hash="0" * 64,
        horizon_days=5,
        residual_std=0.01,
        training_metrics={},
        validation_metrics={},
        dataset_window=window or {"U000": {"rows": TRAIN_ROWS}},
        drift_reference=reference,
    )


def _documented(body: dict) -> dict:
    """The body satisfies the /api/schema/ description of the report."""
    serializer = DriftReportSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    return body


def _log(version: str, symbol: str, candle: np.datetime64, features: np.ndarray, at: datetime):
    stamp = datetime.fromisoformat(str(candle)).replace(tzinfo=UTC)
    return PredictionLog(
        request_id=uuid.uuid4().hex,
        timestamp=at,
        symbol=symbol,
        exchange="SYNTHETIC",
        model_version=version,
        prediction="HOLD",
        confidence=0.5,
        probability_up=0.5,
        expected_return=0.0,
        latency_ms=5.0,
        features={name: float(value) for name, value in zip(NAMES, features, strict=True)},
        latest_candle_at=stamp,
    )


def _serve(version: str, blocks, start: int, days: int, polls: int = 3) -> int:
    """Every symbol polled ``polls`` times per day over rows ``[start, start + days)``."""
    logs = []
    at = timezone.now() - timedelta(days=1)
    for row in range(start, start + days):
        for s, (dates, X) in enumerate(blocks):
            for _ in range(polls):
                at += timedelta(seconds=1)
                logs.append(_log(version, f"U{s:03d}", dates[row], X[row], at))
    PredictionLog.objects.bulk_create(logs)
    return len(logs)


def test_thirty_identical_predictions_are_insufficient_data(
    api_client, drift_settings, universe
) -> None:
    _version(universe.reference)
    dates, X = universe.blocks[0]
    at = timezone.now() - timedelta(minutes=5)
    PredictionLog.objects.bulk_create(
        [_log("v1", "U000", dates[-1], X[-1], at + timedelta(seconds=i)) for i in range(30)]
    )
    body = _documented(api_client.get("/monitoring/drift").json())
    assert body["status"] == "insufficient_data"
    assert (body["requests"], body["distinct_rows"], body["samples"]) == (30, 1, 1)
    assert body["calibration"] == "empirical" and body["false_alarm_rate"] == 0.05


def test_served_window_counts_distinct_rows(api_client, drift_settings, universe) -> None:
    _version(universe.reference)
    # 10 symbols x 20 days x 3 polls = 600 logs; the newest 500 hold 167 distinct rows
    _serve("v1", universe.blocks, TRAIN_ROWS, 20)
    body = _documented(api_client.get("/monitoring/drift").json())
    assert (body["requests"], body["distinct_rows"]) == (500, 167)
    assert body["samples"] == 167 and body["distinct_dates"] == 17
    assert body["status"] == "healthy", body["drifted_features"]
    assert body["method"] == "ks_calibrated+psi"
    assert body["calibration_cell"]["days"] == 10
    row = body["details"]["volatility"]
    assert row["statistic"] <= row["threshold_statistic"] and row["drift"] is False
    assert {"statistic", "threshold_statistic", "p_value", "psi", "mean_shift", "drift"} <= set(row)
    assert row["samples"] == 167 and row["effective_rows"] < 167


def test_fail_on_drift_exits_one_only_on_drift(drift_settings, universe) -> None:
    _version(universe.reference)
    shifted = drift_sim.feature_blocks(
        universe.seed,
        n_symbols=SYMBOLS,
        n_rows=TRAIN_ROWS + MONITOR_ROWS,
        shift_at=TRAIN_ROWS,
        vol_multiplier=2.0,
    )
    _serve("v1", universe.blocks, TRAIN_ROWS, 10, polls=1)
    out = StringIO()
    call_command("check_drift", "--fail-on-drift", stdout=out)
    assert "status: healthy" in out.getvalue()
    assert "calibration=empirical false_alarm_rate=0.05" in out.getvalue()

    _serve("v1", shifted, TRAIN_ROWS + 30, 20, polls=1)
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("check_drift", "--fail-on-drift", stdout=out)
    assert excinfo.value.returncode == 1
    assert "status: drift_detected" in out.getvalue()
    # without the flag the same report is printed and the command succeeds
    call_command("check_drift", stdout=StringIO())


def test_no_model_and_no_snapshot_reports_are_documented(api_client, drift_settings) -> None:
    body = _documented(api_client.get("/monitoring/drift").json())
    assert body["status"] == "no_model" and body["calibration"] == "none"
    market = _documented(api_client.get("/monitoring/drift", {"source": "market"}).json())
    assert market["reason"] == "no_snapshot" and market["distinct_rows"] == 0


def test_version_without_calibration_keeps_the_old_rule(api_client, drift_settings) -> None:
    rng = np.random.default_rng(3)
    reference = build_reference(rng.normal(size=(2000, len(NAMES))), NAMES)
    _version(reference)
    at = timezone.now() - timedelta(hours=1)
    logs = []
    for i in range(60):
        candle = np.datetime64("2024-01-01") + np.timedelta64(i, "D")
        logs.append(_log("v1", "AAPL", candle, rng.normal(size=len(NAMES)), at))
        at += timedelta(seconds=1)
    PredictionLog.objects.bulk_create(logs)
    body = _documented(api_client.get("/monitoring/drift").json())
    assert body["calibration"] == "none" and body["false_alarm_rate"] is None
    assert body["method"] == "ks_2samp+psi"
    assert body["status"] == "healthy"
    row = body["details"]["ret_1d"]
    assert row["statistic"] == row["ks_statistic"] and 0 < row["threshold_statistic"] < 1


def test_market_check_is_calibrated_on_the_versions_history(api_client, drift_settings) -> None:
    drift_settings.MARKET_DATA_SOURCE = "synthetic"
    market_data_source_reset()
    try:
        source = SyntheticSource(seed=0)
        blocks = []
        for symbol in ("AAPL", "MSFT", "NVDA"):
            frame = compute_features(source.get_candles(symbol).candles).iloc[:-250]
            blocks.append((as_days(frame["timestamp"]), frame[NAMES].to_numpy()))
        pooled = np.concatenate([X for _, X in blocks])
        reference = build_reference(pooled[np.isfinite(pooled).all(axis=1)], NAMES)
        reference["calibration"] = calibrate_reference(reference, blocks)
        window = {s: {"rows": 2000} for s in ("AAPL", "MSFT", "NVDA")}
        _version(reference, window=window)
        out = StringIO()
        call_command("check_drift", "--from-market", "--days", "30", stdout=out)
        body = _documented(api_client.get("/monitoring/drift", {"source": "market"}).json())
        assert body["calibration"] == "empirical"
        assert (body["distinct_rows"], body["requests"], body["distinct_dates"]) == (90, 90, 30)
        assert body["calibration_cell"] == {"days": 21, "symbols": 3, "windows": 200}
        assert f"status: {body['status']}" in out.getvalue()
    finally:
        market_data_source_reset()


def test_one_client_cannot_fill_the_served_window(api_client, drift_settings, universe) -> None:
    _version(universe.reference)
    # an honest client: 10 symbols x 20 days, once each (200 distinct rows), an hour ago
    honest = []
    at = timezone.now() - timedelta(hours=1)
    for row in range(TRAIN_ROWS, TRAIN_ROWS + 20):
        for s, (dates, X) in enumerate(universe.blocks):
            at += timedelta(seconds=1)
            log = _log("v1", f"U{s:03d}", dates[row], X[row], at)
            log.client = "192.0.2.10"
            honest.append(log)
    # then a flood from one address: 1,000 logs of one symbol's last row, newer than all of them
    dates, X = universe.blocks[0]
    flood = []
    for i in range(1000):
        log = _log("v1", "U000", dates[-1], X[-1], timezone.now() - timedelta(seconds=600 - i / 10))
        log.client = "198.51.100.7"
        flood.append(log)
    PredictionLog.objects.bulk_create(honest + flood)
    body = _documented(api_client.get("/monitoring/drift").json())
    # the flooder keeps 250 of the 500 places (one distinct row); the honest client's 200 follow
    assert body["clients"] == 2 and body["capped_requests"] == 750
    assert (body["requests"], body["distinct_rows"]) == (450, 201)
