"""POST /predict/batch: vectorized, per-item failures, limits and duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from audit.models import PredictionLog
from mlplatform.core.model import LinearModel
from predictions.models import SymbolFreshness
from tests.predictions.conftest import use_source, write_candle_csv

ITEM_FIELDS = {
    "symbol",
    "prediction",
    "confidence",
    "probability_up",
    "expected_return",
    "version",
    "degraded_input",
    "input_data_status",
    "error",
}


def _batch(api_client, symbols, **extra):  # type: ignore[no-untyped-def]
    return api_client.post("/predict/batch", {"symbols": symbols, **extra}, format="json")


def test_batch_matches_single_predictions(model, api_client) -> None:
    symbols = ["AAPL", "MSFT", "GOOGL", "ZZZ", "BRK.B"]
    response = _batch(api_client, symbols)
    assert response.status_code == 200, response.json()
    items = response.json()["items"]
    assert [item["symbol"] for item in items] == symbols
    for item in items:
        assert set(item) == ITEM_FIELDS
        assert item["error"] is None
        assert item["version"] == model.version
        single = api_client.get("/predict", {"symbol": item["symbol"]}).json()
        # Same feature bits; the (n, k) and (1, k) matrix products may round the last bit
        # differently (BLAS kernels), hence a relative tolerance of 1e-12.
        assert item["prediction"] == single["prediction"]
        for key in ("confidence", "probability_up", "expected_return"):
            assert item[key] == pytest.approx(single[key], rel=1e-12, abs=1e-15), key
        assert item["degraded_input"] == single["degraded_input"]
        assert item["input_data_status"] == single["input_data_status"]


def test_batch_calls_the_model_once(model, api_client, monkeypatch) -> None:
    calls: list[int] = []
    original = LinearModel.predict

    def counting(self, X):  # type: ignore[no-untyped-def]
        calls.append(len(X))
        return original(self, X)

    monkeypatch.setattr(LinearModel, "predict", counting)
    response = _batch(api_client, ["AAPL", "MSFT", "GOOGL", "AMZN"])
    assert response.status_code == 200
    assert calls == [4]


def test_batch_logs_each_successful_item(model, api_client) -> None:
    _batch(api_client, ["AAPL", "MSFT", "9BAD"], exchange="nasdaq")
    logs = PredictionLog.objects.order_by("symbol")
    assert [log.symbol for log in logs] == ["AAPL", "MSFT"]
    assert all(log.batch and log.model_version == model.version for log in logs)
    assert len({log.request_id for log in logs}) == 1
    assert set(SymbolFreshness.objects.values_list("symbol", flat=True)) == {"AAPL", "MSFT"}


@pytest.fixture
def mixed_csv(model, settings, tmp_path: Path) -> Path:
    directory = tmp_path / "csv"
    write_candle_csv(directory, "GOOD", n_days=600, end=date.today())
    write_candle_csv(directory, "OLDCO", n_days=600, end=date(2020, 1, 10))
    write_candle_csv(directory, "SHORT", n_days=30, end=date.today())
    (directory / "BROKEN.csv").write_text("Date,Open,High,Low,Close,Volume\n2020-01-01,1,2,3,x,5\n")
    use_source(settings, "csv", MARKET_DATA_DIR=directory)
    return directory


def test_one_bad_symbol_fails_only_its_item(mixed_csv, api_client) -> None:
    symbols = ["GOOD", "NOPE", "1BAD", "SHORT", "BROKEN", "OLDCO"]
    response = _batch(api_client, symbols)
    assert response.status_code == 200
    items = {item["symbol"]: item for item in response.json()["items"]}
    assert list(items) == symbols
    assert items["GOOD"]["error"] is None and items["GOOD"]["prediction"] is not None
    assert items["OLDCO"]["error"] is None  # stale, served degraded under the default policy
    assert items["NOPE"]["error"]["code"] == "unknown_symbol"
    assert items["1BAD"]["error"]["code"] == "validation_error"
    assert items["SHORT"]["error"]["code"] == "insufficient_history"
    assert items["BROKEN"]["error"]["code"] == "invalid_market_data"
    for name in ("NOPE", "1BAD", "SHORT", "BROKEN"):
        assert items[name]["prediction"] is None and items[name]["version"] is None
        assert items[name]["error"]["message"]
    stale = PredictionLog.objects.get(symbol="OLDCO")
    assert (stale.degraded_input, stale.input_data_status) == (True, "stale")
    assert PredictionLog.objects.count() == 2


def test_reject_policy_fails_stale_items_only(mixed_csv, settings, api_client) -> None:
    settings.STALE_INPUT_POLICY = "reject"
    items = _batch(api_client, ["GOOD", "OLDCO"]).json()["items"]
    assert items[0]["error"] is None
    assert items[1]["error"]["code"] == "stale_input"


def test_degraded_confidence_in_batch(mixed_csv, api_client) -> None:
    item = _batch(api_client, ["OLDCO"]).json()["items"][0]
    p = item["probability_up"]
    assert item["confidence"] == pytest.approx(0.7 * abs(2 * p - 1), abs=1e-12)


def test_duplicates_are_answered_once_in_first_seen_order(model, api_client) -> None:
    response = _batch(api_client, ["msft", "AAPL", "MSFT", " aapl ", "GOOGL", "msft"])
    items = response.json()["items"]
    assert [item["symbol"] for item in items] == ["MSFT", "AAPL", "GOOGL"]
    assert PredictionLog.objects.count() == 3


def test_batch_limits(model, settings, api_client) -> None:
    settings.MAX_BATCH_SYMBOLS = 3
    assert _batch(api_client, ["A", "B", "C"]).status_code == 200
    too_many = _batch(api_client, ["A", "B", "C", "D"])
    assert too_many.status_code == 422
    assert too_many.json()["error"] == "validation_error"
    assert "symbols" in too_many.json()["details"]
    empty = _batch(api_client, [])
    assert empty.status_code == 422 and "symbols" in empty.json()["details"]


@pytest.mark.parametrize(
    "body",
    [{}, {"symbols": "AAPL"}, {"symbols": [["AAPL"]]}, {"symbols": ["AAPL"], "exchange": "LSE"}],
)
def test_malformed_batch_bodies_are_422(model, api_client, body) -> None:  # type: ignore[no-untyped-def]
    response = api_client.post("/predict/batch", body, format="json")
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


def test_invalid_json_is_400(model, api_client) -> None:
    response = api_client.post("/predict/batch", "{nope", content_type="application/json")
    assert response.status_code == 400


def test_batch_without_active_model_is_404(train, api_client) -> None:
    train(activate=False)
    response = _batch(api_client, ["AAPL"])
    assert response.status_code == 404
    assert response.json()["error"] == "no_active_model"


def test_full_size_batch(model, api_client) -> None:
    from django.conf import settings

    symbols = [f"S{i:03d}" for i in range(settings.MAX_BATCH_SYMBOLS)]
    items = _batch(api_client, symbols).json()["items"]
    assert len(items) == len(symbols)
    assert all(item["error"] is None for item in items)
    assert PredictionLog.objects.filter(batch=True).count() == len(symbols)


def test_batch_and_single_paths_compute_bit_identical_features(model, api_client) -> None:
    from predictions.cache import market_snapshot_cache_clear

    _batch(api_client, ["AAPL", "MSFT", "NVDA"])
    batch_logs = {log.symbol: log.features for log in PredictionLog.objects.filter(batch=True)}
    market_snapshot_cache_clear()  # the single path recomputes from scratch
    for symbol, features in batch_logs.items():
        single = api_client.get("/predict", {"symbol": symbol}).json()
        assert single["features"] == features
