"""The demo data: generated (not committed), valid, deterministic per end date, learnable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from mlplatform.core.market_data.csv_source import CsvSource
from mlplatform.core.market_data.demo import (
    DEMO_END_DATE,
    DEMO_START_PRICES,
    DEMO_SYMBOLS,
    demo_candles,
    write_demo_data,
)
from mlplatform.core.market_data.synthetic import generate_candles, last_business_day
from mlplatform.core.market_data.validation import validate_candles


def test_demo_files_are_valid_ten_year_series_ending_on_the_given_date(tmp_path: Path) -> None:
    write_demo_data(tmp_path, end_date=DEMO_END_DATE)
    source = CsvSource(tmp_path)
    assert source.list_symbols() == sorted(DEMO_SYMBOLS)
    for symbol in DEMO_SYMBOLS:
        series = source.get_candles(symbol)
        assert len(series.candles) == 2520
        assert series.dropped_rows == 0
        assert series.candles["timestamp"].iloc[-1] == pd.Timestamp(DEMO_END_DATE, tz="UTC")


def test_same_end_date_gives_the_same_bytes(tmp_path: Path) -> None:
    first = write_demo_data(tmp_path / "a", end_date=DEMO_END_DATE)
    second = write_demo_data(tmp_path / "b", end_date=DEMO_END_DATE)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_default_end_date_is_todays_business_day(tmp_path: Path) -> None:
    (path,) = write_demo_data(tmp_path, symbols=["AAPL"], years=1)
    last = path.read_text(encoding="utf-8").splitlines()[-1].split(",")[0]
    assert date.fromisoformat(last) == last_business_day()


def test_write_demo_data_layout_and_options(tmp_path: Path) -> None:
    (path,) = write_demo_data(tmp_path / "new", symbols=["tsla"], years=1, seed=5)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert path.name == "TSLA.csv"
    assert lines[0] == "Date,Open,High,Low,Close,Volume"
    assert len(lines) == 1 + 252
    day, *prices, volume = lines[1].split(",")
    assert len(day) == 10 and day[4] == "-"
    assert all(len(price.split(".")[1]) == 4 for price in prices)
    assert volume.isdigit()
    assert not list((tmp_path / "new").glob(".*"))  # no temporary files left behind
    candles = CsvSource(tmp_path / "new").get_candles("TSLA").candles
    assert len(candles) == 252


def test_demo_start_prices_apply(tmp_path: Path) -> None:
    write_demo_data(tmp_path, end_date=DEMO_END_DATE)
    source = CsvSource(tmp_path)
    for symbol, price in DEMO_START_PRICES.items():
        first_open = source.get_candles(symbol).candles["open"].iloc[0]
        assert abs(first_open / price - 1) < 0.1


def _reversion_slope(candles: pd.DataFrame) -> float:
    """OLS slope of the next day's log return (in 20-day stds) on the 20-day z-score."""
    close = candles["close"].to_numpy()
    c = pd.Series(close)
    z = ((c - c.rolling(20).mean()) / c.rolling(20).std()).to_numpy()
    r = np.diff(np.log(close))
    vol = pd.Series(r).rolling(19).std().to_numpy()
    x, y = z[20:-1], r[20:] / vol[19:-1]
    keep = np.isfinite(x) & np.isfinite(y)
    return float(np.polyfit(x[keep], y[keep], 1)[0])


def test_the_documented_mean_reversion_is_in_the_data() -> None:
    with_effect = [
        _reversion_slope(demo_candles(s, n_days=2520, end_date=DEMO_END_DATE)) for s in DEMO_SYMBOLS
    ]
    without = [
        _reversion_slope(generate_candles(s, n_days=2520, end_date=DEMO_END_DATE, seed=2026))
        for s in DEMO_SYMBOLS
    ]
    # the effect is -0.4 daily stds per unit of z: clearly negative on every symbol
    assert max(with_effect) < -0.1
    assert np.mean(with_effect) < np.mean(without) - 0.1


def test_demo_candles_stay_valid() -> None:
    candles = demo_candles("NVDA", n_days=2520, end_date=DEMO_END_DATE)
    _, dropped = validate_candles(candles, origin="demo:NVDA")
    assert dropped == 0
