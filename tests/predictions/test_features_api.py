"""GET /features: rows of the shared feature function, bounds, NaN as null."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from mlplatform.core.features import FEATURE_NAMES, compute_features
from mlplatform.market_data import market_data_source
from predictions.services import history_rows
from tests.fakes.upstream_server import start_upstream_server
from tests.predictions.conftest import use_source, write_candle_csv


@pytest.fixture
def csv_dir(settings, tmp_path: Path) -> Path:
    directory = tmp_path / "csv"
    write_candle_csv(directory, "FULL", n_days=700, end=date.today())
    write_candle_csv(directory, "TINY", n_days=25, end=date.today())
    use_source(settings, "csv", MARKET_DATA_DIR=directory)
    return directory


def test_features_rows_equal_the_core_function(csv_dir, api_client) -> None:
    response = api_client.get("/features", {"symbol": "full", "lookback": 5})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {
        "symbol",
        "window_used",
        "upstream_latest_timestamp",
        "degraded_input",
        "features",
    }
    assert body["symbol"] == "FULL"
    assert body["window_used"] == 5 == len(body["features"])
    series = market_data_source().get_candles("FULL", lookback=history_rows())
    expected = compute_features(series.candles).tail(5)
    for row, (_, want) in zip(body["features"], expected.iterrows(), strict=True):
        assert row["timestamp"] == want["timestamp"].isoformat()
        assert row["close"] == want["close"]
        assert [row[name] for name in FEATURE_NAMES] == [want[name] for name in FEATURE_NAMES]
    assert body["upstream_latest_timestamp"] == body["features"][-1]["timestamp"]
    assert body["degraded_input"] is False


def test_default_lookback_and_max_lookback(csv_dir, settings, api_client) -> None:
    assert api_client.get("/features", {"symbol": "FULL"}).json()["window_used"] == 30
    full = api_client.get("/features", {"symbol": "FULL", "lookback": settings.MAX_LOOKBACK})
    assert full.json()["window_used"] == settings.MAX_LOOKBACK
    over = api_client.get("/features", {"symbol": "FULL", "lookback": settings.MAX_LOOKBACK + 1})
    assert over.status_code == 422 and "lookback" in over.json()["details"]


@pytest.mark.parametrize("lookback", ["0", "-3", "abc", "2.5"])
def test_bad_lookback_is_422(csv_dir, api_client, lookback: str) -> None:
    response = api_client.get("/features", {"symbol": "FULL", "lookback": lookback})
    assert response.status_code == 422
    assert "lookback" in response.json()["details"]


def test_warmup_nan_becomes_null(csv_dir, api_client) -> None:
    response = api_client.get("/features", {"symbol": "TINY", "lookback": 25})
    assert response.status_code == 200
    rows = response.json()["features"]
    assert len(rows) == 25
    assert rows[0]["ret_1d"] is None and rows[0]["drawdown"] is None
    assert rows[-1]["ret_1d"] is not None and math.isfinite(rows[-1]["ret_1d"])
    assert rows[-1]["drawdown"] is None  # needs 252 candles
    assert b"NaN" not in response.content


def test_feature_errors(csv_dir, api_client) -> None:
    assert api_client.get("/features", {"symbol": "NOPE"}).json()["error"] == "unknown_symbol"
    bad = api_client.get("/features", {"symbol": "1X"})
    assert bad.status_code == 422 and "symbol" in bad.json()["details"]
    assert api_client.get("/features").status_code == 422
    exchange = api_client.get("/features", {"symbol": "FULL", "exchange": "XETRA"})
    assert exchange.status_code == 422 and "exchange" in exchange.json()["details"]


def test_stale_csv_features_are_marked_degraded(settings, tmp_path: Path, api_client) -> None:
    write_candle_csv(tmp_path / "old", "OLDCO", n_days=300, end=date(2021, 3, 5))
    use_source(settings, "csv", MARKET_DATA_DIR=tmp_path / "old")
    body = api_client.get("/features", {"symbol": "OLDCO", "lookback": 3}).json()
    assert body["degraded_input"] is True
    assert body["upstream_latest_timestamp"].startswith("2021-03-05")


def test_features_from_the_upstream_and_its_outage(settings, api_client) -> None:
    server = start_upstream_server(seed=9)
    try:
        use_source(
            settings,
            "http",
            MARKET_DATA_BASE_URL=server.url,
            MARKET_DATA_RETRY_ATTEMPTS=1,
            MARKET_DATA_CACHE_SECONDS=0,
        )
        ok = api_client.get("/features", {"symbol": "INFY", "exchange": "nse", "lookback": 2})
        assert ok.status_code == 200 and ok.json()["degraded_input"] is False
        server.faults.always("503")
        cached = api_client.get("/features", {"symbol": "INFY", "exchange": "NSE", "lookback": 2})
        assert cached.status_code == 200 and cached.json()["degraded_input"] is True
        down = api_client.get("/features", {"symbol": "TCS", "exchange": "NSE"})
        assert down.status_code == 503
    finally:
        server.stop()
