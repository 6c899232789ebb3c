"""The shipped demo data: present, valid, and exactly what ``write_demo_data`` produces."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mlplatform.core.market_data.csv_source import CsvSource
from mlplatform.core.market_data.demo import (
    DEMO_DATA_DIR,
    DEMO_END_DATE,
    DEMO_START_PRICES,
    DEMO_SYMBOLS,
    write_demo_data,
)


def test_shipped_demo_files_are_valid_ten_year_series() -> None:
    source = CsvSource(DEMO_DATA_DIR)
    assert source.list_symbols() == sorted(DEMO_SYMBOLS)
    for symbol in DEMO_SYMBOLS:
        series = source.get_candles(symbol)
        assert len(series.candles) == 2520
        assert series.dropped_rows == 0
        assert series.candles["timestamp"].iloc[-1] == pd.Timestamp(DEMO_END_DATE, tz="UTC")


def test_shipped_files_are_reproducible_byte_for_byte(tmp_path: Path) -> None:
    written = write_demo_data(tmp_path)
    assert [path.name for path in written] == [f"{symbol}.csv" for symbol in DEMO_SYMBOLS]
    for path in written:
        assert path.read_bytes() == (DEMO_DATA_DIR / path.name).read_bytes(), path.name


def test_write_demo_data_layout_and_options(tmp_path: Path) -> None:
    (path,) = write_demo_data(tmp_path / "new", symbols=["tsla"], years=1, seed=5)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert path.name == "TSLA.csv"
    assert lines[0] == "Date,Open,High,Low,Close,Volume"
    assert len(lines) == 1 + 252
    date, *prices, volume = lines[1].split(",")
    assert len(date) == 10 and date[4] == "-"
    assert all(len(price.split(".")[1]) == 4 for price in prices)
    assert volume.isdigit()
    assert not list((tmp_path / "new").glob(".*"))  # no temporary files left behind
    candles = CsvSource(tmp_path / "new").get_candles("TSLA").candles
    assert len(candles) == 252


def test_demo_start_prices_apply() -> None:
    source = CsvSource(DEMO_DATA_DIR)
    for symbol, price in DEMO_START_PRICES.items():
        first_open = source.get_candles(symbol).candles["open"].iloc[0]
        assert abs(first_open / price - 1) < 0.1
