"""The CSV market-data source: layouts, symbol lookup, errors naming file and row, caching."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from mlplatform.core.market_data import csv_source
from mlplatform.core.market_data.base import CANDLE_COLUMNS
from mlplatform.core.market_data.csv_source import CsvSource
from mlplatform.errors import InvalidMarketData, UnknownSymbol, ValidationFailed

ISO_ROWS = [
    "2024-01-02,10.0,11.0,9.5,10.5,1000",
    "2024-01-03,10.5,11.5,10.0,11.0,1500",
    "2024-01-04,11.0,11.2,10.1,10.2,0",
    "2024-01-05,10.2,10.9,10.0,10.8,1200",
]


def _write(directory: Path, name: str, header: str, rows: list[str]) -> Path:
    path = directory / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _bump_mtime(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def test_reads_iso_file_into_canonical_candles(tmp_path: Path) -> None:
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS)
    series = CsvSource(tmp_path).get_candles("AAPL")
    candles = series.candles
    assert tuple(candles.columns) == CANDLE_COLUMNS
    assert str(candles["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert candles["timestamp"].iloc[0] == pd.Timestamp("2024-01-02", tz="UTC")
    assert candles["close"].tolist() == [10.5, 11.0, 10.2, 10.8]
    assert candles["volume"].tolist() == [1000.0, 1500.0, 0.0, 1200.0]
    assert (series.symbol, series.source, series.dropped_rows) == ("AAPL", "csv", 0)
    assert series.latest_timestamp == pd.Timestamp("2024-01-05", tz="UTC").to_pydatetime()


def test_us_dates_extra_columns_and_messy_headers(tmp_path: Path) -> None:
    rows = [
        "1/2/2024,10.0,11.0,9.5,10.5,10.4,1000,0",
        "1/3/2024,10.5,11.5,10.0,11.0,10.9,1500,0",
        "12/31/2024,11.0,11.2,10.1,10.2,10.1,0,0",
    ]
    _write(tmp_path, "msft.csv", " date , OPEN,high ,Low,close,Adj Close, Volume,OpenInt", rows)
    candles = CsvSource(tmp_path).get_candles("MSFT").candles
    assert candles["timestamp"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-02",
        "2024-01-03",
        "2024-12-31",
    ]
    assert candles["close"].tolist() == [10.5, 11.0, 10.2]  # Close, not Adj Close
    assert tuple(candles.columns) == CANDLE_COLUMNS


def test_columns_in_any_order(tmp_path: Path) -> None:
    _write(tmp_path, "X.csv", "volume,close,low,high,open,date", ["7,10.5,9.5,11,10,2024-03-01"])
    row = CsvSource(tmp_path).get_candles("x").candles.iloc[0]
    assert (row["open"], row["high"], row["low"], row["close"], row["volume"]) == (
        10.0,
        11.0,
        9.5,
        10.5,
        7.0,
    )


def test_symbol_lookup_is_case_insensitive_and_dots_are_kept(tmp_path: Path) -> None:
    header = "Date,Open,High,Low,Close,Volume"
    _write(tmp_path, "aapl.csv", header, ISO_ROWS)
    _write(tmp_path, "BRK.B.csv", header, ISO_ROWS[:2])
    _write(tmp_path, "notes.txt", header, ISO_ROWS)
    _write(tmp_path, ".hidden.csv", header, ISO_ROWS)
    source = CsvSource(tmp_path)
    assert source.list_symbols() == ["AAPL", "BRK.B"]
    assert len(source.get_candles("AAPL").candles) == 4
    assert len(source.get_candles("Aapl").candles) == 4
    assert len(source.get_candles("brk.b").candles) == 2
    assert source.get_candles("brk.b").symbol == "BRK.B"


def test_unknown_symbol(tmp_path: Path) -> None:
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS)
    with pytest.raises(UnknownSymbol) as info:
        CsvSource(tmp_path).get_candles("TSLA")
    assert info.value.http_status == 404
    assert "TSLA" in str(info.value)


def test_path_like_symbols_cannot_escape_the_directory(tmp_path: Path) -> None:
    inner = tmp_path / "data"
    inner.mkdir()
    _write(tmp_path, "SECRET.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS)
    with pytest.raises(UnknownSymbol):
        CsvSource(inner).get_candles("../SECRET")


def test_lookback_returns_the_latest_rows(tmp_path: Path) -> None:
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS)
    source = CsvSource(tmp_path)
    tail = source.get_candles("AAPL", lookback=2).candles
    assert tail["close"].tolist() == [10.2, 10.8]
    assert isinstance(tail.index, pd.RangeIndex) and tail.index[0] == 0
    assert len(source.get_candles("AAPL", lookback=100).candles) == 4
    with pytest.raises(ValidationFailed):
        source.get_candles("AAPL", lookback=0)


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        ("2024-01-04,11.0,10.0,10.1,10.2,0", "data row 3 (2024-01-04): high must be >="),
        ("2024-01-04,11.0,11.2,10.1,abc,0", "data row 3 (2024-01-04): open, high, low, close"),
        ("2024-01-04,11.0,11.2,10.1,10.2,-3", "data row 3 (2024-01-04): volume must be non-neg"),
        ("2024-13-04,11.0,11.2,10.1,10.2,0", "data row 3 (no date): timestamp is missing"),
        ("04.01.2024,11.0,11.2,10.1,10.2,0", "data row 3 (no date): timestamp is missing"),
        ("2024-01-01,11.0,11.2,10.1,10.2,0", "data row 3 (2024-01-01): timestamps must be"),
        ("2024-01-04,11.0,11.2,10.1,10.2", "data row 3 (2024-01-04): open, high, low, close"),
        ("2024-01-04,11.0,11.2,10.1,10.2,0,9", "data row 3: wrong number of fields"),
    ],
)
def test_malformed_file_error_names_file_and_row(
    tmp_path: Path, bad_row: str, expected: str
) -> None:
    rows = [*ISO_ROWS[:2], bad_row, ISO_ROWS[3]]
    _write(tmp_path, "NVDA.csv", "Date,Open,High,Low,Close,Volume", rows)
    with pytest.raises(InvalidMarketData) as info:
        CsvSource(tmp_path).get_candles("NVDA")
    assert str(info.value).startswith("NVDA.csv: ")
    assert expected in str(info.value)
    assert info.value.details["row"] == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "NVDA.csv: file is empty"),
        ("Date,Open,High,Low,Close,Volume\n", "NVDA.csv: no data rows"),
        ("Date,Open,High,Low,Close\n2024-01-02,1,2,0.5,1\n", "NVDA.csv: missing column(s) volume"),
        ("Date,Open,open,High,Low,Close,Volume\n", "NVDA.csv: duplicate column(s) open"),
    ],
)
def test_structurally_broken_files(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "NVDA.csv").write_text(content, encoding="utf-8")
    with pytest.raises(InvalidMarketData) as info:
        CsvSource(tmp_path).get_candles("NVDA")
    assert str(info.value).startswith(expected)


def test_newest_first_file_is_read_in_reverse(tmp_path: Path) -> None:
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS[::-1])
    series = CsvSource(tmp_path).get_candles("AAPL")
    assert series.candles["close"].tolist() == [10.5, 11.0, 10.2, 10.8]
    assert any("newest-first" in note for note in series.notes)


def test_reversed_file_reports_original_row_numbers(tmp_path: Path) -> None:
    rows = ISO_ROWS[::-1]
    rows[1] = "2024-01-04,11.0,10.0,10.1,10.2,0"  # high below open, 2nd data row of the file
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", rows)
    with pytest.raises(InvalidMarketData) as info:
        CsvSource(tmp_path).get_candles("AAPL")
    assert info.value.details["row"] == 2


def test_partly_unsorted_file_is_rejected_not_sorted(tmp_path: Path) -> None:
    rows = [ISO_ROWS[0], ISO_ROWS[2], ISO_ROWS[1], ISO_ROWS[3]]
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", rows)
    with pytest.raises(InvalidMarketData) as info:
        CsvSource(tmp_path).get_candles("AAPL")
    assert "AAPL.csv: data row 3 (2024-01-03): timestamps must be strictly ascending" in str(
        info.value
    )


def test_repeated_last_line_is_dropped_and_counted(tmp_path: Path) -> None:
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", [*ISO_ROWS, ISO_ROWS[-1]])
    series = CsvSource(tmp_path).get_candles("AAPL")
    assert len(series.candles) == 4
    assert series.dropped_rows == 1
    assert any("1 repeated row" in note for note in series.notes)


def test_file_is_parsed_once_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS)
    calls: list[Path] = []
    real_reader = csv_source.read_candle_csv

    def counting_reader(p: Path):  # type: ignore[no-untyped-def]
        calls.append(p)
        return real_reader(p)

    monkeypatch.setattr(csv_source, "read_candle_csv", counting_reader)
    source = CsvSource(tmp_path)
    first = source.get_candles("AAPL").candles
    source.get_candles("aapl")
    source.get_candles("AAPL", lookback=2)
    assert len(calls) == 1

    first.loc[0, "close"] = -1.0  # callers get copies; the cache is unaffected
    assert source.get_candles("AAPL").candles.loc[0, "close"] == 10.5

    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS[:3])
    _bump_mtime(path)
    assert len(source.get_candles("AAPL").candles) == 3
    assert len(calls) == 2

    # Same size, new content: the mtime alone invalidates.
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS[:3])
    path.write_text(path.read_text().replace("10.2,0", "10.2,9"), encoding="utf-8")
    _bump_mtime(path)
    assert source.get_candles("AAPL").candles["volume"].iloc[-1] == 9.0
    assert len(calls) == 3


def test_broken_file_error_is_cached_until_the_file_is_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ["bad,row"])
    calls: list[Path] = []
    real_reader = csv_source.read_candle_csv

    def counting_reader(p: Path):  # type: ignore[no-untyped-def]
        calls.append(p)
        return real_reader(p)

    monkeypatch.setattr(csv_source, "read_candle_csv", counting_reader)
    source = CsvSource(tmp_path)
    for _ in range(3):
        with pytest.raises(InvalidMarketData):
            source.get_candles("AAPL")
    assert len(calls) == 1
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS)
    _bump_mtime(path)
    assert len(source.get_candles("AAPL").candles) == 4


def test_new_files_are_discovered(tmp_path: Path) -> None:
    source = CsvSource(tmp_path)
    assert source.list_symbols() == []
    path = _write(tmp_path, "AMZN.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS)
    stat = tmp_path.stat()
    os.utime(tmp_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert source.list_symbols() == ["AMZN"]
    assert len(source.get_candles("amzn").candles) == 4
    assert path.exists()


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidMarketData) as info:
        CsvSource(tmp_path / "nope").get_candles("AAPL")
    assert "nope" in str(info.value)


def test_concurrent_readers_share_one_consistent_cache(tmp_path: Path) -> None:
    _write(tmp_path, "AAPL.csv", "Date,Open,High,Low,Close,Volume", ISO_ROWS)
    source = CsvSource(tmp_path)
    results: list[pd.DataFrame] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def read() -> None:
        try:
            barrier.wait()
            for _ in range(20):
                results.append(source.get_candles("AAPL").candles)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 160
    assert all(frame.equals(results[0]) for frame in results)


def test_freshness_limit_is_exposed(tmp_path: Path) -> None:
    assert CsvSource(tmp_path).freshness_limit == timedelta(days=4)
    assert CsvSource(tmp_path, freshness_limit=timedelta(days=3650)).freshness_limit.days == 3650
