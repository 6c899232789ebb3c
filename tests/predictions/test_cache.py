"""The serving market-data cache: TTL, degraded entries, reset hook."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from mlplatform.core.market_data.base import CandleSeries
from mlplatform.core.market_data.synthetic import generate_candles
from mlplatform.process_state import reset_process_state
from predictions import cache


class CountingSource:
    name = "counting"
    freshness_limit = timedelta(days=4)

    def __init__(self, degraded: bool = False) -> None:
        self.calls = 0
        self.degraded = degraded
        self.candles = generate_candles("CNT", n_days=400, seed=1)

    def get_candles(
        self, symbol: str, *, exchange: str | None = None, lookback: int | None = None
    ) -> CandleSeries:
        self.calls += 1
        frame: pd.DataFrame = self.candles.tail(lookback or len(self.candles))
        return CandleSeries(
            symbol=symbol,
            exchange=exchange or "X",
            candles=frame.reset_index(drop=True),
            source=self.name,
            degraded=self.degraded,
        )

    def list_symbols(self) -> list[str]:
        return []


def _patch(monkeypatch, source: CountingSource) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cache, "market_data_source", lambda: source)


def test_snapshots_are_reused_within_the_ttl(monkeypatch, settings) -> None:
    settings.MARKET_DATA_CACHE_SECONDS = 60
    source = CountingSource()
    _patch(monkeypatch, source)
    first = cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    again = cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    other_exchange = cache.market_snapshot_get(symbol="CNT", exchange="BSE", rows=300)
    assert first is again and other_exchange is not first
    assert source.calls == 2
    reset_process_state()
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    assert source.calls == 3


def test_ttl_expiry_and_zero_ttl(monkeypatch, settings) -> None:
    source = CountingSource()
    _patch(monkeypatch, source)
    clock = [1000.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    settings.MARKET_DATA_CACHE_SECONDS = 10
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    clock[0] += 9.9
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    assert source.calls == 1
    clock[0] += 0.2
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    assert source.calls == 2
    settings.MARKET_DATA_CACHE_SECONDS = 0
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    assert source.calls == 4


def test_degraded_snapshots_expire_sooner(monkeypatch, settings) -> None:
    source = CountingSource(degraded=True)
    _patch(monkeypatch, source)
    clock = [0.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    settings.MARKET_DATA_CACHE_SECONDS = 300
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    clock[0] += cache.DEGRADED_TTL_SECONDS - 0.1
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    assert source.calls == 1
    clock[0] += 0.2
    cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    assert source.calls == 2


def test_feature_row_is_computed_once_and_vectorized_fill_matches(monkeypatch, settings) -> None:
    settings.MARKET_DATA_CACHE_SECONDS = 60
    _patch(monkeypatch, CountingSource())
    single = cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    row = single.feature_row(20)
    assert single.feature_row(20) is row
    cache.market_snapshot_cache_clear()
    batch = cache.market_snapshot_get(symbol="CNT", exchange="NSE", rows=300)
    cache.feature_rows_fill([batch], 20)
    assert batch.cached_row(20) is not None
    assert batch.cached_row(20).values.tobytes() == row.values.tobytes()
    assert batch.cached_row(20).timestamp == row.timestamp


def test_write_pacer(monkeypatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(cache.time, "monotonic", lambda: clock[0])
    pacer = cache._WritePacer()
    assert pacer.due(["a", "b"], 5.0) == ["a", "b"]
    assert pacer.due(["a", "c"], 5.0) == ["c"]
    clock[0] += 5.0
    assert pacer.due(["a"], 5.0) == ["a"]
    pacer.forget(["a"])
    assert pacer.due(["a"], 5.0) == ["a"]
