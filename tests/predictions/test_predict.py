"""GET /predict: the output contract, the features used, logging, input status and errors."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone
from scipy.stats import norm

from audit.models import PredictionLog
from mlplatform.core.features import FEATURE_NAMES, latest_feature_row
from mlplatform.market_data import market_data_source
from mlplatform.process_state import reset_process_state
from predictions.models import SymbolFreshness
from predictions.services import history_rows
from registry.loading import loaded_model_get
from registry.models import ModelVersion
from tests.fakes.upstream_server import start_upstream_server
from tests.predictions.conftest import use_source, write_candle_csv

PREDICT_FIELDS = {
    "exchange",
    "symbol",
    "prediction",
    "confidence",
    "probability_up",
    "probability_down",
    "base_rate",
    "risk_score",
    "expected_return",
    "forecast_horizon",
    "model_version",
    "degraded_input",
    "input_data_status",
    "inference_latency_ms",
    "timestamp",
    "request_id",
    "features",
    "latency_ms",
}


def _expected_return(symbol: str, version: str | None = None) -> tuple[float, dict]:
    """The model output recomputed independently from the source and the core functions."""
    loaded = loaded_model_get(version=version)
    series = market_data_source().get_candles(
        symbol, exchange="NASDAQ", lookback=history_rows(loaded.volatility_window)
    )
    row = latest_feature_row(series.candles, volatility_window=loaded.volatility_window)
    x = row[list(loaded.feature_names)].to_numpy(dtype="float64")
    return loaded.model.predict_one(x), row


def test_predict_returns_exactly_the_design_fields(model, api_client) -> None:
    response = api_client.get("/predict", {"symbol": "aapl"}, HTTP_X_REQUEST_ID="req-123")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == PREDICT_FIELDS
    assert body["symbol"] == "AAPL"
    assert body["exchange"] == "NASDAQ"
    assert body["model_version"] == model.version
    assert body["forecast_horizon"] == f"{model.horizon_days}d" == "5d"
    assert body["request_id"] == response["X-Request-ID"] == "req-123"
    assert body["input_data_status"] == "fresh"
    assert body["degraded_input"] is False
    assert 0 < body["inference_latency_ms"] <= body["latency_ms"]
    assert 0.0 <= body["risk_score"] <= 1.0


def test_predict_uses_the_shared_feature_row_and_maps_the_output(model, api_client) -> None:
    body = api_client.get("/predict", {"symbol": "MSFT"}).json()
    expected_return, row = _expected_return("MSFT")
    assert body["expected_return"] == expected_return
    features = body["features"]
    assert features["timestamp"] == row["timestamp"].isoformat()
    assert features["close"] == row["close"]
    assert [features[name] for name in FEATURE_NAMES] == [row[name] for name in FEATURE_NAMES]

    # the stored calibration map, applied by hand: a logistic in the standardized prediction
    cal = model.config["calibration"]
    z = (expected_return - cal["center"]) / cal["scale"]
    p = 1.0 / (1.0 + math.exp(-(cal["intercept"] + cal["slope"] * z)))
    assert body["probability_up"] == pytest.approx(p, abs=1e-12)
    assert body["probability_down"] == pytest.approx(1 - p, abs=1e-12)
    assert body["confidence"] == pytest.approx(abs(2 * p - 1), abs=1e-12)
    base, drift = cal["base_rate"], cal["train_mean"]
    assert body["base_rate"] == base
    expected_signal = (
        "BUY"
        if p - base > 0.05 and expected_return > drift
        else "SELL"
        if base - p > 0.05 and expected_return < drift
        else "HOLD"
    )
    assert body["prediction"] == expected_signal


def test_a_version_without_a_calibration_map_keeps_the_normal_rule(model, api_client) -> None:
    """Versions trained before calibration maps: Phi(y / sigma), 0.55/0.45, base_rate null."""
    config = {key: value for key, value in model.config.items() if key != "calibration"}
    ModelVersion.objects.filter(pk=model.pk).update(config=config)
    reset_process_state()
    body = api_client.get("/predict", {"symbol": "MSFT"}).json()
    expected_return, _ = _expected_return("MSFT")
    p = norm.cdf(expected_return / model.residual_std)
    assert body["probability_up"] == pytest.approx(p, abs=1e-12)
    assert body["base_rate"] is None
    assert body["prediction"] == ("BUY" if p > 0.55 else "SELL" if p < 0.45 else "HOLD")


def test_risk_score_follows_the_documented_formula(model, api_client) -> None:
    body = api_client.get("/predict", {"symbol": "GOOGL"}).json()
    series = market_data_source().get_candles("GOOGL", lookback=21)
    log_returns = np.diff(np.log(series.candles["close"].to_numpy()))
    annualized = np.std(log_returns, ddof=1) * np.sqrt(252)
    assert body["risk_score"] == pytest.approx(min(1.0, annualized / 0.8))


def test_each_prediction_is_logged_with_inputs_outputs_and_latency(model, api_client) -> None:
    body = api_client.get("/predict", {"symbol": "AAPL"}, HTTP_X_REQUEST_ID="trace-1").json()
    log = PredictionLog.objects.get()
    assert log.request_id == "trace-1"
    assert log.symbol == "AAPL"
    assert log.exchange == "NASDAQ"
    assert log.model_version == model.version
    assert log.prediction == body["prediction"]
    assert log.probability_up == body["probability_up"]
    assert log.expected_return == body["expected_return"]
    assert log.confidence == body["confidence"]
    assert log.features == body["features"]
    assert log.degraded_input is False
    assert log.input_data_status == "fresh"
    assert log.batch is False
    assert 0 < log.inference_latency_ms <= log.latency_ms <= body["latency_ms"]
    assert log.latest_candle_at.isoformat() == body["features"]["timestamp"]

    freshness = SymbolFreshness.objects.get(symbol="AAPL", exchange="NASDAQ")
    assert freshness.source == "synthetic"
    assert freshness.latest_candle_at == log.latest_candle_at
    assert freshness.degraded is False


def test_warm_predict_is_one_insert(model, api_client, django_assert_max_num_queries) -> None:
    assert api_client.get("/predict", {"symbol": "AAPL"}).status_code == 200
    # Warm: model and candles cached, freshness row written < 5 s ago, active label < 0.5 s
    # old (at most one SELECT when the 0.5 s window just expired).
    with django_assert_max_num_queries(2) as captured:
        assert api_client.get("/predict", {"symbol": "AAPL"}).status_code == 200
    # PostgreSQL's prepared statements are captured as "QUERY = '...' PARAMS = ..."
    statements = [q["sql"].removeprefix("QUERY = '") for q in captured.captured_queries]
    inserts = [sql for sql in statements if sql.startswith("INSERT")]
    assert len(inserts) == 1 and "audit_predictionlog" in inserts[0]
    assert PredictionLog.objects.count() == 2


def test_freshness_upsert_updates_the_one_row(model, api_client) -> None:
    from predictions.cache import freshness_pacer, market_snapshot_cache_clear

    api_client.get("/predict", {"symbol": "AAPL"})
    first = SymbolFreshness.objects.get(symbol="AAPL")
    freshness_pacer.clear()  # pretend the write interval has passed
    api_client.get("/predict", {"symbol": "AAPL"})
    # Served from the TTL cache: the source was not reached again.
    assert SymbolFreshness.objects.get(symbol="AAPL").last_seen_at == first.last_seen_at
    freshness_pacer.clear()
    market_snapshot_cache_clear()
    api_client.get("/predict", {"symbol": "AAPL"})
    assert SymbolFreshness.objects.filter(symbol="AAPL").count() == 1
    assert SymbolFreshness.objects.get(symbol="AAPL").last_seen_at > first.last_seen_at


def test_version_parameter_serves_that_version(train, api_client) -> None:
    v1 = train()
    v2 = train(alpha=50.0)
    assert v2.is_active
    active = api_client.get("/predict", {"symbol": "AAPL"}).json()
    old = api_client.get("/predict", {"symbol": "AAPL", "version": v1.version}).json()
    assert active["model_version"] == v2.version
    assert old["model_version"] == v1.version
    assert old["expected_return"] == _expected_return("AAPL", v1.version)[0]
    assert old["expected_return"] != active["expected_return"]


# --- input status ---------------------------------------------------------------------------


@pytest.fixture
def stale_csv(model, settings, tmp_path: Path) -> Path:
    directory = tmp_path / "csv"
    write_candle_csv(directory, "OLDCO", n_days=600, end=date(2020, 1, 10))
    write_candle_csv(directory, "SHORT", n_days=40, end=date.today())
    use_source(settings, "csv", MARKET_DATA_DIR=directory)
    return directory


def test_stale_input_is_served_degraded_by_default(stale_csv, api_client) -> None:
    body = api_client.get("/predict", {"symbol": "OLDCO"}).json()
    assert body["input_data_status"] == "stale"
    assert body["degraded_input"] is True
    p = body["probability_up"]
    assert body["confidence"] == pytest.approx(0.7 * abs(2 * p - 1), abs=1e-12)
    assert body["features"]["timestamp"].startswith("2020-01-10")
    log = PredictionLog.objects.get()
    assert (log.degraded_input, log.input_data_status) == (True, "stale")


def test_stale_input_is_rejected_under_the_reject_policy(stale_csv, settings, api_client) -> None:
    settings.STALE_INPUT_POLICY = "reject"
    response = api_client.get("/predict", {"symbol": "OLDCO"})
    assert response.status_code == 422
    assert response.json()["error"] == "stale_input"
    assert response.json()["details"]["latest_candle_at"].startswith("2020-01-10")
    assert PredictionLog.objects.count() == 0


def test_too_short_history_is_a_clean_422(stale_csv, api_client) -> None:
    response = api_client.get("/predict", {"symbol": "SHORT"})
    assert response.status_code == 422
    assert response.json()["error"] == "insufficient_history"


def test_demo_data_written_today_is_fresh(model, settings, api_client, tmp_path) -> None:
    """``bootstrap_demo`` writes the demo ending on today's business day: the first prediction
    right after ``make run`` is fresh, not stale."""
    from mlplatform.core.market_data.demo import write_demo_data

    write_demo_data(tmp_path, symbols=["AAPL"], years=2)  # end date: today (UTC)
    use_source(settings, "csv", MARKET_DATA_DIR=tmp_path)
    body = api_client.get("/predict", {"symbol": "AAPL"}).json()
    assert body["prediction"] in {"BUY", "HOLD", "SELL"}
    assert (body["input_data_status"], body["degraded_input"]) == ("fresh", False)


# --- errors ---------------------------------------------------------------------------------


def test_no_active_model_is_404(train, api_client) -> None:
    train(activate=False)
    response = api_client.get("/predict", {"symbol": "AAPL"})
    assert response.status_code == 404
    assert response.json()["error"] == "no_active_model"


@pytest.mark.parametrize("version", ["v999", "latest", "v1;drop", "../v1"])
def test_unknown_or_malformed_version_is_404(model, api_client, version: str) -> None:
    response = api_client.get("/predict", {"symbol": "AAPL", "version": version})
    assert response.status_code == 404
    assert response.json()["error"] == "model_not_found"


@pytest.mark.parametrize("symbol", ["1ABC", "", "A" * 21, "AA PL", "$AAPL", "ÄPPLE"])
def test_bad_symbol_is_422_naming_the_field(model, api_client, symbol: str) -> None:
    response = api_client.get("/predict", {"symbol": symbol})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert "symbol" in body["details"]


def test_missing_symbol_is_422(model, api_client) -> None:
    response = api_client.get("/predict")
    assert response.status_code == 422
    assert "symbol" in response.json()["details"]


def test_exchange_is_validated_case_insensitively(model, api_client) -> None:
    ok = api_client.get("/predict", {"symbol": "AAPL", "exchange": "nse"})
    assert ok.status_code == 200 and ok.json()["exchange"] == "NSE"
    bad = api_client.get("/predict", {"symbol": "AAPL", "exchange": "LSE"})
    assert bad.status_code == 422
    assert "exchange" in bad.json()["details"]


def test_unknown_symbol_is_404(stale_csv, api_client) -> None:
    response = api_client.get("/predict", {"symbol": "NOPE"})
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_symbol"


def test_feature_schema_mismatch_is_refused(model, api_client) -> None:
    ModelVersion.objects.filter(pk=model.pk).update(feature_schema_hash="0" * 64)
    reset_process_state()
    response = api_client.get("/predict", {"symbol": "AAPL"})
    assert response.status_code == 503
    assert response.json()["error"] == "feature_schema_mismatch"
    assert PredictionLog.objects.count() == 0


@pytest.fixture
def upstream(model, settings):  # type: ignore[no-untyped-def]
    server = start_upstream_server(seed=3)
    use_source(
        settings,
        "http",
        MARKET_DATA_BASE_URL=server.url,
        MARKET_DATA_RETRY_ATTEMPTS=1,
        MARKET_DATA_TIMEOUT_SECONDS=2.0,
    )
    yield server
    server.stop()
    use_source(settings, "synthetic")


def test_upstream_down_without_cache_is_503(upstream, api_client) -> None:
    upstream.faults.always("503")
    response = api_client.get("/predict", {"symbol": "AAPL"})
    assert response.status_code == 503
    assert response.json()["error"] == "EXCHANGE_UNAVAILABLE"


def test_upstream_outage_serves_cached_candles_degraded(upstream, settings, api_client) -> None:
    settings.MARKET_DATA_CACHE_SECONDS = 0  # every request asks the upstream
    first = api_client.get("/predict", {"symbol": "AAPL"}).json()
    assert first["input_data_status"] == "fresh", first
    before_outage = timezone.now()
    upstream.faults.always("503")
    second = api_client.get("/predict", {"symbol": "AAPL"}).json()
    assert (second["input_data_status"], second["degraded_input"]) == ("degraded", True)
    assert second["expected_return"] == first["expected_return"]
    assert second["confidence"] == pytest.approx(0.7 * first["confidence"], abs=1e-12)
    assert PredictionLog.objects.filter(degraded_input=True, input_data_status="degraded").count()
    from predictions.cache import freshness_pacer

    freshness_pacer.clear()
    api_client.get("/predict", {"symbol": "AAPL"})
    row = SymbolFreshness.objects.get(symbol="AAPL")
    assert row.degraded is True
    assert row.last_seen_at <= before_outage  # when the upstream last answered, not now


def test_unknown_symbol_upstream_is_404(upstream, api_client) -> None:
    response = api_client.get("/predict", {"symbol": "NOSUCH"})
    assert response.status_code == 404
    assert response.json()["error"] == "unknown_symbol"


def test_candles_are_fetched_once_per_ttl(upstream, settings, api_client) -> None:
    settings.MARKET_DATA_CACHE_SECONDS = 60
    before = upstream.request_count("/historical")
    for _ in range(3):
        assert api_client.get("/predict", {"symbol": "MSFT"}).status_code == 200
    assert upstream.request_count("/historical") - before == 1
    assert timedelta(0) < timezone.now() - SymbolFreshness.objects.get().latest_candle_at
