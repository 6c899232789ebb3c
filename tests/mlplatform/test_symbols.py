"""``GET /symbols``: what the configured market-data source offers, for the explorer's picker."""

from __future__ import annotations

from datetime import date

import pytest

from tests.predictions.conftest import use_source, write_candle_csv

pytestmark = pytest.mark.django_db

#: The symbol rule and exchange list every /symbols answer carries (one source for the dashboard).
RULE = {"symbol_pattern": "^[A-Z][A-Z0-9._-]{0,19}$", "exchanges": ["NSE", "BSE", "NASDAQ"]}


def test_csv_source_lists_its_files(api_client, settings, tmp_path) -> None:
    for symbol in ("msft", "AAPL"):
        write_candle_csv(tmp_path, symbol, n_days=30, end=date(2026, 1, 30))
    (tmp_path / "notes.txt").write_text("not a symbol")
    use_source(settings, "csv", MARKET_DATA_DIR=tmp_path, MARKET_DATA_BASE_URL=None)

    for url in ("/symbols", "/api/v1/symbols"):
        response = api_client.get(url)
        assert response.status_code == 200
        assert response.json() == {
            "source": "csv",
            "origin": "files",
            "symbols": ["AAPL", "MSFT"],
            **RULE,
        }


def test_synthetic_source_offers_the_train_symbols(api_client, settings) -> None:
    use_source(settings, "synthetic", MARKET_DATA_BASE_URL=None, TRAIN_SYMBOLS=["nvda", "AAPL"])

    body = api_client.get("/symbols").json()

    assert body == {
        "source": "synthetic",
        "origin": "train_symbols",
        "symbols": ["AAPL", "NVDA"],
        **RULE,
    }


def test_http_source_offers_the_train_symbols(api_client, settings) -> None:
    use_source(
        settings, "http", MARKET_DATA_BASE_URL="http://127.0.0.1:9", TRAIN_SYMBOLS=["TCS", "INFY"]
    )

    body = api_client.get("/symbols").json()

    assert body == {"source": "http", "origin": "train_symbols", "symbols": ["INFY", "TCS"], **RULE}


def test_schema_types_the_symbols_route(api_client) -> None:
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    ok = schema["paths"]["/api/v1/symbols"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]
    ref = ok["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = schema["components"]["schemas"][ref]["properties"]
    assert set(fields) == {"source", "origin", "symbols", "symbol_pattern", "exchanges"}
    assert fields["symbols"]["items"]["pattern"] == RULE["symbol_pattern"]
    exchange = fields["exchanges"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][exchange]["enum"] == RULE["exchanges"]
