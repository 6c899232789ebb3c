"""The synthetic generator and source: determinism, calendar, OHLC validity, realistic behaviour."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlplatform.core.market_data.base import CANDLE_COLUMNS
from mlplatform.core.market_data.synthetic import (
    FIXED_HOLIDAYS,
    SyntheticSource,
    generate_candles,
    is_business_day,
    last_business_day,
    symbol_seed,
)
from mlplatform.core.market_data.validation import validate_candles
from mlplatform.errors import ValidationFailed

END = date(2026, 11, 20)


def test_same_inputs_give_identical_frames() -> None:
    a = generate_candles("AAPL", n_days=800, end_date=END, seed=7)
    b = generate_candles("aapl", n_days=800, end_date=END, seed=7)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_symbol_and_seed_change_the_series() -> None:
    base = generate_candles("AAPL", n_days=300, end_date=END, seed=0)["close"].to_numpy()
    other_symbol = generate_candles("MSFT", n_days=300, end_date=END, seed=0)["close"].to_numpy()
    other_seed = generate_candles("AAPL", n_days=300, end_date=END, seed=1)["close"].to_numpy()
    assert not np.array_equal(base, other_symbol)
    assert not np.array_equal(base, other_seed)


def test_symbol_seed_is_stable_across_processes() -> None:
    """Derived with SHA-256, not the per-process salted ``hash()``."""
    code = "from mlplatform.core.market_data.synthetic import symbol_seed; print(symbol_seed('X'))"
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(symbol_seed("X"))
    assert symbol_seed("X") != symbol_seed("Y")
    assert symbol_seed("X", seed=1) != symbol_seed("X")


@pytest.mark.parametrize("symbol", ["AAPL", "BRK.B", "RELIANCE", "X", "Z9_-.Q"])
def test_candles_are_valid_and_canonical(symbol: str) -> None:
    raw = generate_candles(symbol, n_days=2520, end_date=END)
    assert tuple(raw.columns) == CANDLE_COLUMNS
    assert str(raw["timestamp"].dtype) == "datetime64[ns, UTC]"
    candles, dropped = validate_candles(raw, origin=symbol)
    assert dropped == 0
    assert len(candles) == 2520
    assert (raw["volume"] == np.round(raw["volume"])).all()
    prices = raw[["open", "high", "low", "close"]].to_numpy()
    assert np.array_equal(prices, np.round(prices, 4))


def test_many_symbols_are_valid() -> None:
    for index in range(60):
        validate_candles(generate_candles(f"S{index}", n_days=1000, end_date=END), origin="s")


def test_business_days_only_ending_on_the_requested_day() -> None:
    candles = generate_candles("AAPL", n_days=2520, end_date=END)
    stamps = candles["timestamp"]
    assert stamps.iloc[-1] == pd.Timestamp(END, tz="UTC")
    assert (stamps.dt.day_of_week < 5).all()
    month_day = set(zip(stamps.dt.month, stamps.dt.day, strict=True))
    assert not month_day & set(FIXED_HOLIDAYS)
    assert (stamps == stamps.dt.normalize()).all()
    # Consecutive business days: no gaps other than weekends and holidays.
    expected = [
        day
        for day in pd.date_range(stamps.iloc[0].date(), END, freq="D")
        if is_business_day(day.date())
    ]
    assert len(expected) == len(stamps)


def test_end_date_moves_back_to_a_business_day() -> None:
    assert last_business_day(date(2026, 11, 22)) == date(2026, 11, 20)  # Sunday -> Friday
    assert last_business_day(date(2025, 12, 25)) == date(2025, 12, 24)  # holiday
    assert last_business_day(date(2024, 1, 1)) == date(2023, 12, 29)  # holiday after a weekend
    candles = generate_candles("AAPL", n_days=5, end_date=date(2026, 11, 22))
    assert candles["timestamp"].iloc[-1] == pd.Timestamp("2026-11-20", tz="UTC")


def test_default_end_is_the_last_business_day_up_to_today() -> None:
    today = datetime.now(UTC).date()
    candles = generate_candles("AAPL", n_days=10)
    assert candles["timestamp"].iloc[-1].date() == last_business_day(today)


def test_start_price_is_honoured_and_validated() -> None:
    candles = generate_candles("AAPL", n_days=50, end_date=END, start_price=123.0)
    assert candles["open"].iloc[0] == pytest.approx(123.0, rel=0.05)
    with pytest.raises(ValidationFailed):
        generate_candles("AAPL", n_days=50, end_date=END, start_price=-1.0)
    with pytest.raises(ValidationFailed):
        generate_candles("AAPL", n_days=0, end_date=END)


def test_realistic_statistics() -> None:
    """Volatility clusters, volume follows absolute returns, annual vol in a plausible band."""
    clustering, volume_link, annual_vol = [], [], []
    for index in range(20):
        candles = generate_candles(f"T{index}", n_days=2520, end_date=END)
        log_returns = np.diff(np.log(candles["close"].to_numpy()))
        size = np.abs(log_returns)
        clustering.append(np.corrcoef(size[1:], size[:-1])[0, 1])
        volume_link.append(np.corrcoef(size, candles["volume"].to_numpy()[1:])[0, 1])
        annual_vol.append(log_returns.std() * np.sqrt(252))
    assert np.mean(clustering) > 0.1
    assert np.mean(volume_link) > 0.3
    assert 0.1 < np.median(annual_vol) < 0.6
    # Fat tails: excess kurtosis of pooled standardized returns is clearly positive.
    candles = generate_candles("KURT", n_days=2520, end_date=END)
    r = np.diff(np.log(candles["close"].to_numpy()))
    z = (r - r.mean()) / r.std()
    assert np.mean(z**4) - 3.0 > 0.5


def test_source_serves_any_symbol_with_lookback() -> None:
    source = SyntheticSource(seed=3, n_days=600, end_date=END, symbols=["aapl", "msft"])
    assert source.name == "synthetic"
    assert source.list_symbols() == ["AAPL", "MSFT"]
    series = source.get_candles("zzz", lookback=100)
    assert (series.symbol, series.source, series.degraded) == ("ZZZ", "synthetic", False)
    assert len(series.candles) == 100
    full = source.get_candles("ZZZ").candles
    assert len(full) == 600
    pd.testing.assert_frame_equal(series.candles, full.iloc[-100:].reset_index(drop=True))
    pd.testing.assert_frame_equal(
        full, generate_candles("ZZZ", n_days=600, end_date=END, seed=3), check_exact=True
    )
    full.loc[0, "close"] = -5.0  # callers get copies
    assert source.get_candles("ZZZ").candles.loc[0, "close"] > 0
    with pytest.raises(ValidationFailed):
        source.get_candles("ZZZ", lookback=0)
    with pytest.raises(ValidationFailed):
        source.get_candles("  ")


def test_source_is_fresh_by_default() -> None:
    series = SyntheticSource(n_days=30).get_candles("AAPL")
    assert series.latest_timestamp is not None
    age = datetime.now(UTC) - series.latest_timestamp
    assert age < SyntheticSource().freshness_limit
