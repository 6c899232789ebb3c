"""Candle validation: normalization, the rules of DESIGN section 2, error messages, repair rule."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from mlplatform.core.market_data.base import CANDLE_COLUMNS
from mlplatform.core.market_data.validation import empty_candles, validate_candles
from mlplatform.errors import InvalidMarketData


def _raw(n: int = 5) -> pd.DataFrame:
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    close = 100.0 + np.arange(n, dtype=float)
    return pd.DataFrame(
        {
            "timestamp": [d.strftime("%Y-%m-%d") for d in dates],
            "open": close - 0.5,
            "high": close + 1.0,
            "low": close - 1.0,
            "close": close,
            "volume": 1000.0 + np.arange(n),
        }
    )


def test_normalizes_columns_dtypes_and_index() -> None:
    raw = _raw().iloc[::-1].iloc[::-1]  # non-trivial index labels
    raw.index = raw.index + 10
    raw["adj close"] = 1.0
    candles, dropped = validate_candles(raw, origin="x.csv")
    assert dropped == 0
    assert tuple(candles.columns) == CANDLE_COLUMNS
    assert str(candles["timestamp"].dtype) == "datetime64[ns, UTC]"
    for column in CANDLE_COLUMNS[1:]:
        assert candles[column].dtype == np.float64
    assert isinstance(candles.index, pd.RangeIndex) and candles.index[0] == 0
    assert candles["close"].tolist() == raw["close"].tolist()


def test_numeric_strings_and_naive_or_foreign_timezones_become_utc() -> None:
    raw = _raw(2)
    raw["close"] = raw["close"].map(str)
    candles, _ = validate_candles(raw, origin="x")
    assert candles["close"].tolist() == [100.0, 101.0]

    new_york = timezone(timedelta(hours=-5))
    raw = _raw(2)
    raw["timestamp"] = [datetime(2024, 1, 1, 20, tzinfo=new_york), datetime(2024, 1, 2, 20)]
    candles, _ = validate_candles(raw, origin="x")
    assert candles["timestamp"].iloc[0] == pd.Timestamp("2024-01-02 01:00", tz="UTC")
    assert candles["timestamp"].iloc[1] == pd.Timestamp("2024-01-02 20:00", tz="UTC")


def test_exact_repeated_row_is_dropped_and_counted() -> None:
    raw = _raw(4)
    raw = pd.concat([raw.iloc[:2], raw.iloc[[1]], raw.iloc[2:], raw.iloc[[3]]], ignore_index=True)
    candles, dropped = validate_candles(raw, origin="x")
    assert dropped == 2
    assert len(candles) == 4
    assert candles["timestamp"].is_monotonic_increasing and candles["timestamp"].is_unique


def test_repeated_date_with_other_values_is_rejected() -> None:
    raw = _raw(4)
    raw = pd.concat([raw.iloc[:2], raw.iloc[[1]], raw.iloc[2:]], ignore_index=True)
    raw.loc[2, "volume"] = 5.0
    with pytest.raises(InvalidMarketData) as info:
        validate_candles(raw, origin="AAPL.csv")
    assert "AAPL.csv: data row 3 (2024-01-02)" in str(info.value)
    assert "strictly ascending" in str(info.value)


def test_non_adjacent_duplicate_is_an_ordering_error_not_a_repair() -> None:
    raw = _raw(3)
    raw = pd.concat([raw, raw.iloc[[0]]], ignore_index=True)
    with pytest.raises(InvalidMarketData) as info:
        validate_candles(raw, origin="x")
    assert info.value.details["row"] == 4
    assert info.value.details["date"] == "2024-01-01"


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("high", 90.0, "high must be >= max(open, close, low)"),
        ("low", 101.8, "low must be <= min(open, close, high)"),
        ("open", 0.0, "prices must be positive"),
        ("low", -1.0, "prices must be positive"),
        ("volume", -1.0, "volume must be non-negative"),
        ("close", np.nan, "must be finite numbers"),
        ("volume", np.inf, "must be finite numbers"),
        ("open", "n/a", "must be finite numbers"),
        ("timestamp", "not a date", "timestamp is missing or not a valid date"),
        ("timestamp", "2023-12-01", "strictly ascending"),
    ],
)
def test_each_rule_names_origin_row_date_and_rule(column: str, value: object, rule: str) -> None:
    raw = _raw(5).astype({column: object})
    raw.loc[2, column] = value
    with pytest.raises(InvalidMarketData) as info:
        validate_candles(raw, origin="MSFT.csv")
    message = str(info.value)
    assert message.startswith("MSFT.csv: data row 3 (")
    assert rule in message
    assert info.value.details["origin"] == "MSFT.csv"
    assert info.value.details["row"] == 3
    assert info.value.http_status == 422
    if column != "timestamp":
        assert info.value.details["date"] == "2024-01-03"


def test_reports_the_first_bad_row_among_several() -> None:
    raw = _raw(6)
    raw.loc[4, "volume"] = -5.0
    raw.loc[1, "high"] = 1.0
    with pytest.raises(InvalidMarketData) as info:
        validate_candles(raw, origin="x")
    assert info.value.details["row"] == 2
    assert "high" in info.value.details["rule"]


def test_row_numbers_override_the_reported_row() -> None:
    raw = _raw(3)
    raw.loc[1, "volume"] = -1.0
    with pytest.raises(InvalidMarketData) as info:
        validate_candles(raw, origin="x", row_numbers=[30, 20, 10])
    assert info.value.details["row"] == 20


def test_missing_columns_are_named() -> None:
    with pytest.raises(InvalidMarketData) as info:
        validate_candles(_raw().drop(columns=["volume", "low"]), origin="x.csv")
    assert "x.csv" in str(info.value)
    assert info.value.details["missing_columns"] == ["low", "volume"]


def test_empty_input_gives_empty_canonical_frame() -> None:
    candles, dropped = validate_candles(_raw().iloc[0:0], origin="x")
    assert dropped == 0 and candles.empty
    assert tuple(candles.columns) == CANDLE_COLUMNS
    assert candles.dtypes.equals(empty_candles().dtypes)
    assert str(candles["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_zero_volume_and_equal_ohlc_are_valid() -> None:
    raw = _raw(3)
    raw.loc[1, ["open", "high", "low", "close"]] = 50.0
    raw.loc[1, "volume"] = 0.0
    candles, _ = validate_candles(raw, origin="x")
    assert candles.loc[1, "high"] == candles.loc[1, "low"] == 50.0
