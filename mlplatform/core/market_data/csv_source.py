"""The ``csv`` market-data source: a directory of daily OHLCV files, one ``<SYMBOL>.csv`` each.

Accepted layout: a header with ``Date, Open, High, Low, Close, Volume`` (any case, surrounding
whitespace ignored, any column order) plus optional extra columns (``Adj Close``, ``OpenInt``,
...) which are ignored. Dates are ISO ``YYYY-MM-DD`` or US ``M/D/YYYY`` and become midnight UTC.

Besides ``validate_candles``' duplicate-row rule, one repair rule applies to files: a file whose
dates are in strictly *descending* order (a "newest first" export) is read in reverse; rows are
otherwise never sorted, so any other out-of-order row is rejected naming the file and row.
"""

from __future__ import annotations

import os
import re
import threading
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from mlplatform.core.market_data.base import CandleSeries, lookback_check
from mlplatform.core.market_data.validation import validate_candles
from mlplatform.errors import InvalidMarketData, UnknownSymbol

REQUIRED_HEADERS: tuple[str, ...] = ("date", "open", "high", "low", "close", "volume")
_ISO_DATE = r"^\d{4}-\d{1,2}-\d{1,2}$"
_US_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"


@dataclass(frozen=True)
class _CachedFile:
    mtime_ns: int
    size: int
    candles: pd.DataFrame | None
    dropped_rows: int
    notes: tuple[str, ...]
    error: InvalidMarketData | None = None


def _parse_dates(raw: pd.Series) -> pd.Series:
    """ISO ``YYYY-MM-DD`` or US ``M/D/YYYY`` per row; anything else becomes NaT."""
    text = raw.astype("string").str.strip()
    iso = pd.to_datetime(
        text.where(text.str.match(_ISO_DATE, na=False)), format="%Y-%m-%d", errors="coerce"
    )
    us = pd.to_datetime(
        text.where(text.str.match(_US_DATE, na=False)), format="%m/%d/%Y", errors="coerce"
    )
    return iso.fillna(us).dt.tz_localize("UTC").astype("datetime64[ns, UTC]")


def read_candle_csv(path: Path) -> tuple[pd.DataFrame, int, list[str]]:
    """Read and validate one candle file; return ``(candles, dropped_rows, notes)``.

    Raises ``InvalidMarketData`` naming the file (and the row, for bad rows).
    """
    origin = path.name
    try:
        with warnings.catch_warnings():
            # Trailing delimiters on every line are tolerated, which pandas warns about.
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            raw = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                encoding="utf-8-sig",
                skipinitialspace=True,
                index_col=False,
            )
    except pd.errors.EmptyDataError:
        raise InvalidMarketData(f"{origin}: file is empty", details={"origin": origin}) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        message = " ".join(str(exc).split())
        line = re.search(r"line (\d+)", message)
        if line is not None and "fields" in message:
            row = int(line.group(1)) - 1  # the parser counts the header as line 1
            raise InvalidMarketData(
                f"{origin}: data row {row}: wrong number of fields ({message})",
                details={"origin": origin, "row": row, "rule": "wrong number of fields"},
            ) from None
        raise InvalidMarketData(
            f"{origin}: not a readable CSV file ({message})", details={"origin": origin}
        ) from None
    headers = [str(column).strip().lower() for column in raw.columns]
    duplicated = sorted({name for name in headers if headers.count(name) > 1})
    if duplicated:
        raise InvalidMarketData(
            f"{origin}: duplicate column(s) {', '.join(duplicated)}",
            details={"origin": origin, "duplicate_columns": duplicated},
        )
    raw.columns = headers
    missing = [name for name in REQUIRED_HEADERS if name not in headers]
    if missing:
        raise InvalidMarketData(
            f"{origin}: missing column(s) {', '.join(missing)} "
            f"(need {', '.join(REQUIRED_HEADERS)}; found {', '.join(headers)})",
            details={"origin": origin, "missing_columns": missing, "columns": headers},
        )
    if raw.empty:
        raise InvalidMarketData(f"{origin}: no data rows", details={"origin": origin})

    frame = raw[list(REQUIRED_HEADERS)].rename(columns={"date": "timestamp"})
    frame["timestamp"] = _parse_dates(frame["timestamp"])
    row_numbers = np.arange(1, len(frame) + 1)
    notes: list[str] = []
    stamps = frame["timestamp"]
    if len(frame) > 1 and stamps.notna().all() and (stamps.diff().iloc[1:] < pd.Timedelta(0)).all():
        frame = frame.iloc[::-1].reset_index(drop=True)
        row_numbers = row_numbers[::-1]
        notes.append("rows were newest-first; read in reverse")
    candles, dropped = validate_candles(frame, origin=origin, row_numbers=row_numbers)
    if dropped:
        notes.append(f"{dropped} repeated row(s) dropped")
    return candles, dropped, notes


class CsvSource:
    """Daily candles from ``<SYMBOL>.csv`` files in one directory (the embedded demo source).

    Symbol lookup is case-insensitive on the file stem (``aapl.csv``, ``AAPL.csv``,
    ``BRK.B.csv``). Each file is parsed once and cached until its mtime or size changes;
    the cache is safe to share between threads. ``freshness_limit`` is only exposed: callers
    judge staleness as ``now - latest candle > freshness_limit``.
    """

    name = "csv"

    def __init__(self, directory: Path, freshness_limit: timedelta = timedelta(days=4)) -> None:
        self.directory = Path(directory)
        self.freshness_limit = freshness_limit
        self._lock = threading.Lock()
        self._files: dict[Path, _CachedFile] = {}
        self._listing: tuple[int, dict[str, Path]] | None = None

    def __repr__(self) -> str:
        return f"CsvSource(directory={str(self.directory)!r})"

    def _symbol_files(self) -> dict[str, Path]:
        """Upper-cased stem -> file, re-scanned only when the directory's mtime changes."""
        try:
            dir_mtime = self.directory.stat().st_mtime_ns
        except OSError:
            raise InvalidMarketData(
                f"market data directory {str(self.directory)!r} does not exist",
                details={"directory": str(self.directory)},
            ) from None
        with self._lock:
            if self._listing is not None and self._listing[0] == dir_mtime:
                return self._listing[1]
        files: dict[str, Path] = {}
        with os.scandir(self.directory) as entries:
            # Sorted so that, if both aapl.csv and AAPL.csv exist, the choice is stable.
            for entry in sorted(entries, key=lambda item: item.name):
                stem, dot, extension = entry.name.rpartition(".")
                if (
                    dot
                    and stem
                    and not stem.startswith(".")
                    and extension.lower() == "csv"
                    and entry.is_file()
                ):
                    files.setdefault(stem.upper(), Path(entry.path))
        with self._lock:
            self._listing = (dir_mtime, files)
        return files

    def list_symbols(self) -> list[str]:
        """Upper-cased symbols of every ``*.csv`` file in the directory, sorted."""
        return sorted(self._symbol_files())

    def path_for(self, symbol: str) -> Path:
        """The file holding ``symbol``, or ``UnknownSymbol``."""
        key = symbol.strip().upper()
        path = self._symbol_files().get(key) if key else None
        if path is None:
            raise UnknownSymbol(
                f"no market data for symbol {key!r} (no {key}.csv in the data directory)",
                details={"symbol": key},
            )
        return path

    def _load(self, path: Path) -> _CachedFile:
        try:
            stat = path.stat()
        except OSError:
            raise UnknownSymbol(
                f"market data file {path.name} disappeared", details={"file": path.name}
            ) from None
        with self._lock:
            cached = self._files.get(path)
        if cached is None or (cached.mtime_ns, cached.size) != (stat.st_mtime_ns, stat.st_size):
            # Parsed outside the lock: two threads may parse the same new file once each, which
            # is harmless, while a slow file never blocks reads of the others. A bad file's
            # error is cached too, so it is not re-parsed on every request until it changes.
            try:
                candles, dropped, notes = read_candle_csv(path)
                cached = _CachedFile(stat.st_mtime_ns, stat.st_size, candles, dropped, tuple(notes))
            except InvalidMarketData as exc:
                cached = _CachedFile(stat.st_mtime_ns, stat.st_size, None, 0, (), exc)
            with self._lock:
                self._files[path] = cached
        if cached.error is not None:
            raise InvalidMarketData(cached.error.message, details=cached.error.details)
        return cached

    def get_candles(
        self, symbol: str, *, exchange: str | None = None, lookback: int | None = None
    ) -> CandleSeries:
        """The latest ``lookback`` candles of ``symbol`` (all when None)."""
        lookback_check(lookback)
        path = self.path_for(symbol)
        entry = self._load(path)
        candles = entry.candles
        assert candles is not None  # _load raised otherwise
        if lookback is not None:
            candles = candles.iloc[-lookback:]
        return CandleSeries(
            symbol=symbol.strip().upper(),
            exchange=(exchange or "CSV").upper(),
            candles=candles.reset_index(drop=True).copy(),
            source=self.name,
            dropped_rows=entry.dropped_rows,
            notes=list(entry.notes),
        )
