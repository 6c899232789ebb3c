"""Process-local caches of the serving path: market data (with TTL) and freshness-write pacing.

``market_snapshot_get`` fetches a symbol's recent candles from the configured source and keeps
them for ``MARKET_DATA_CACHE_SECONDS`` per ``(source, exchange, symbol, rows)``. The latest
feature row (per volatility window) and the risk score are computed once per cached snapshot,
with the shared core feature function, so a warm ``/predict`` is a dictionary lookup plus one
matrix product. A *degraded* snapshot (the source served cached upstream data, or the upstream
said it is degraded) is kept for at most ``DEGRADED_TTL_SECONDS`` so a recovered upstream is
picked up quickly, whatever the configured TTL.

The snapshot cache is bounded in bytes (``MARKET_DATA_CACHE_MAX_BYTES``, default 64 MiB per
process): each entry is charged its candles' ``memory_usage(deep=True)`` plus a fixed allowance
for the derived rows and the Python objects around them, and the least recently used entries
are evicted until the total fits. ``MAX_ENTRIES`` still caps the count. Both caches are
thread-safe and registered with ``mlplatform.process_state`` (reset by tests and
``/admin/reload``).
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils import timezone

from mlplatform.core import features as core_features
from mlplatform.core.market_data.base import CandleSeries
from mlplatform.errors import AppError, ValidationFailed
from mlplatform.market_data import market_data_source
from predictions import scoring

DEGRADED_TTL_SECONDS = 5.0
MAX_ENTRIES = 4096
#: Bytes charged per snapshot on top of its candles' ``memory_usage(deep=True)``: pandas' block
#: manager and index objects, the MarketSnapshot/CandleSeries objects, the cache key and node,
#: and the derived FeatureRows. Measured with tracemalloc on 604-row snapshots (the default
#: /predict history): ~8-11 KB beyond memory_usage; tests/predictions/test_cache_budget.py
#: checks that what the cache really retains stays under its budget.
SNAPSHOT_OVERHEAD_BYTES = 16 * 1024
#: Each symbol's SymbolFreshness row is written at most once per this many seconds per process.
FRESHNESS_WRITE_INTERVAL_SECONDS = 5.0


@dataclass(frozen=True)
class FeatureRow:
    """The latest fully defined feature row of a snapshot (values in ``FEATURE_NAMES`` order)."""

    timestamp: datetime
    close: float
    values: np.ndarray
    _dict: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        row: dict[str, Any] = {"timestamp": self.timestamp.isoformat(), "close": self.close}
        for name, value in zip(core_features.FEATURE_NAMES, self.values.tolist(), strict=True):
            row[name] = value
        object.__setattr__(self, "_dict", row)

    def as_dict(self) -> dict[str, Any]:
        """``{"timestamp": iso, "close": float, <feature>: float, ...}`` (a fresh copy)."""
        return dict(self._dict)

    def shared_dict(self) -> dict[str, Any]:
        """The same mapping without copying; callers must not modify it."""
        return self._dict


@dataclass
class MarketSnapshot:
    """Candles of one symbol as fetched at ``fetched_at`` (monotonic), plus derived values."""

    series: CandleSeries
    fetched_at: float
    #: When the source was last actually reached for this data (wall clock, UTC).
    seen_at: datetime | None = None
    latest_timestamp: datetime | None = field(init=False)
    _rows: dict[int, FeatureRow] = field(default_factory=dict)
    _risk: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.latest_timestamp = self.series.latest_timestamp

    @property
    def nbytes(self) -> int:
        """What this snapshot is charged in the cache's byte budget."""
        candles = self.series.candles
        return int(candles.memory_usage(index=True, deep=True).sum()) + SNAPSHOT_OVERHEAD_BYTES

    @property
    def degraded(self) -> bool:
        return self.series.degraded

    def cached_row(self, volatility_window: int) -> FeatureRow | None:
        with self._lock:
            return self._rows.get(volatility_window)

    def store_row(self, volatility_window: int, row: FeatureRow) -> None:
        with self._lock:
            self._rows[volatility_window] = row

    def feature_row(self, volatility_window: int) -> FeatureRow:
        """The latest fully defined feature row (computed once per snapshot and window)."""
        row = self.cached_row(volatility_window)
        if row is None:
            frame = core_features.compute_features(
                self.series.candles, volatility_window=volatility_window
            )
            row = latest_row(frame, candles=len(self.series.candles), window=volatility_window)
            self.store_row(volatility_window, row)
        return row

    @property
    def risk_score(self) -> float:
        if self._risk is None:
            self._risk = scoring.risk_score(self.series.candles["close"].to_numpy())
        return self._risk


def latest_row(frame: pd.DataFrame, *, candles: int, window: int) -> FeatureRow:
    """The last row of ``compute_features`` output with every feature finite.

    Same rule as ``core.features.latest_feature_row``; raises ``ValidationFailed``
    (``insufficient_history``, 422) when no row qualifies.
    """
    needed = core_features.warmup_rows(window)
    values = frame[list(core_features.FEATURE_NAMES)].to_numpy(dtype="float64")
    defined = np.flatnonzero(np.isfinite(values).all(axis=1)) if candles >= needed else []
    if len(defined) == 0:
        raise ValidationFailed(
            f"need at least {needed} candles to compute features, got {candles}",
            code="insufficient_history",
            details={"needed": needed, "available": candles},
        )
    index = int(defined[-1])
    stamp = frame["timestamp"].iloc[index]
    return FeatureRow(
        timestamp=stamp.to_pydatetime(),
        close=float(frame["close"].iloc[index]),
        values=values[index].copy(),
    )


def feature_rows_fill(snapshots: Iterable[MarketSnapshot], volatility_window: int) -> None:
    """Compute missing latest rows of many snapshots in one vectorized core call.

    ``compute_features_many`` is bit-identical to the one-symbol function, so batch and single
    predictions see the same features. Snapshots with too little history are left without a
    row (``feature_row`` then raises for that one only).
    """
    missing = {
        id(snapshot): snapshot
        for snapshot in snapshots
        if snapshot.cached_row(volatility_window) is None
    }
    if not missing:
        return
    needed = core_features.warmup_rows(volatility_window)
    frames = {
        key: snapshot.series.candles
        for key, snapshot in missing.items()
        if len(snapshot.series.candles) >= needed
    }
    computed = core_features.compute_features_many(frames, volatility_window=volatility_window)
    for key, frame in computed.items():
        snapshot = missing[key]
        try:
            row = latest_row(frame, candles=len(snapshot.series.candles), window=volatility_window)
        except ValidationFailed:
            continue
        snapshot.store_row(volatility_window, row)


class _SnapshotCache:
    """LRU of snapshots, bounded by ``max_bytes`` (None: ``MARKET_DATA_CACHE_MAX_BYTES``)."""

    def __init__(self, max_bytes: int | None = None) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str, str, int], tuple[MarketSnapshot, int]] = (
            OrderedDict()
        )
        self._max_bytes = max_bytes
        self.bytes = 0

    @property
    def max_bytes(self) -> int:
        if self._max_bytes is not None:
            return self._max_bytes
        return int(settings.MARKET_DATA_CACHE_MAX_BYTES)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[str, str, str, int], ttl: float) -> MarketSnapshot | None:
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            entry = found[0]
            limit = min(ttl, DEGRADED_TTL_SECONDS) if entry.degraded else ttl
            if now - entry.fetched_at >= limit:
                del self._entries[key]
                self.bytes -= found[1]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, str, str, int], entry: MarketSnapshot) -> None:
        size = entry.nbytes
        limit = self.max_bytes
        if size > limit:
            return  # would evict everything and still not fit
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.bytes -= previous[1]
            self._entries[key] = (entry, size)
            self.bytes += size
            while self.bytes > limit or len(self._entries) > MAX_ENTRIES:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.bytes -= evicted

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


_snapshots = _SnapshotCache()


class _FailureCache:
    """Errors of the source per (source, exchange, symbol), kept ``MARKET_DATA_NEGATIVE_CACHE_
    SECONDS``: a repeated unknown symbol or a down upstream is answered without calling it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str, str], tuple[float, AppError]] = OrderedDict()

    def get(self, key: tuple[str, str, str], ttl: float) -> AppError | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry[0] >= ttl:
                del self._entries[key]
                return None
            return copy.copy(entry[1])  # a fresh exception per raise (threads share entries)

    def put(self, key: tuple[str, str, str], error: AppError) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), error)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_failures = _FailureCache()


def market_snapshot_get(*, symbol: str, exchange: str, rows: int) -> MarketSnapshot:
    """The latest ``rows`` candles of ``symbol`` on ``exchange``, cached with the TTL.

    Errors of the source (unknown symbol 404, upstream unavailable without cached data 503,
    ...) propagate as ``AppError``s and are cached briefly (``MARKET_DATA_NEGATIVE_CACHE_
    SECONDS``), so a batch of unknown symbols repeated does not call the upstream again.
    """
    source = market_data_source()
    key = (source.name, exchange, symbol, rows)
    ttl = float(settings.MARKET_DATA_CACHE_SECONDS)
    if ttl > 0:
        cached = _snapshots.get(key, ttl)
        if cached is not None:
            return cached
    negative_ttl = float(settings.MARKET_DATA_NEGATIVE_CACHE_SECONDS)
    failure_key = (source.name, exchange, symbol)
    if negative_ttl > 0:
        failed = _failures.get(failure_key, negative_ttl)
        if failed is not None:
            raise failed
    try:
        series = source.get_candles(symbol, exchange=exchange, lookback=rows)
    except AppError as exc:
        if negative_ttl > 0:
            _failures.put(failure_key, exc)
        raise
    seen_at = timezone.now()
    if series.degraded:
        # Served from the source's own fallback cache: the upstream was last reached earlier.
        seen_at = getattr(source, "last_seen", None) or seen_at
    snapshot = MarketSnapshot(series=series, fetched_at=time.monotonic(), seen_at=seen_at)
    if ttl > 0:
        _snapshots.put(key, snapshot)
    return snapshot


def market_snapshot_cache_usage() -> tuple[int, int]:
    """``(entries, bytes)`` the snapshot cache holds now (for the memory bench and tests)."""
    return len(_snapshots), _snapshots.bytes


def market_snapshot_cache_clear() -> None:
    """Drop every cached snapshot and failure (registered as a process-state reset)."""
    _snapshots.clear()
    _failures.clear()


class _WritePacer:
    """Remembers when each key was last written, to write at most once per interval."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[Any, float] = {}

    def due(self, keys: Iterable[Any], interval: float) -> list[Any]:
        """The keys not written within ``interval`` seconds; marks them written now."""
        now = time.monotonic()
        chosen: list[Any] = []
        with self._lock:
            for key in keys:
                last = self._last.get(key)
                if last is None or now - last >= interval:
                    self._last[key] = now
                    chosen.append(key)
            if len(self._last) > MAX_ENTRIES * 4:
                self._last.clear()
        return chosen

    def forget(self, keys: Iterable[Any]) -> None:
        with self._lock:
            for key in keys:
                self._last.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._last.clear()


freshness_pacer = _WritePacer()
