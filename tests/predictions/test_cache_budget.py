"""The market-data snapshot cache stays inside its byte budget, measured with tracemalloc."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import timedelta

import pandas as pd
import pytest

from mlplatform.core.market_data.base import CandleSeries
from mlplatform.core.market_data.synthetic import generate_candles
from predictions import cache
from predictions.services.inference import history_rows

BUDGET = 2 * 1024 * 1024


class ManySymbols:
    """Every symbol gets its own fresh frame, as a real source's parsed payload would be."""

    name = "many"
    freshness_limit = timedelta(days=4)

    def __init__(self) -> None:
        self.template = generate_candles("TPL", n_days=history_rows() + 50, seed=3)

    def get_candles(
        self, symbol: str, *, exchange: str | None = None, lookback: int | None = None
    ) -> CandleSeries:
        frame: pd.DataFrame = self.template.tail(lookback or len(self.template)).copy()
        return CandleSeries(
            symbol=symbol,
            exchange=exchange or "X",
            candles=frame.reset_index(drop=True),
            source="x",
        )


@pytest.mark.parametrize("budget", [BUDGET])
def test_cache_filled_past_its_bound_stays_under_the_stated_bytes(
    settings, monkeypatch, budget: int
) -> None:  # type: ignore[no-untyped-def]
    settings.MARKET_DATA_CACHE_MAX_BYTES = budget
    settings.MARKET_DATA_CACHE_SECONDS = 3600
    source = ManySymbols()
    monkeypatch.setattr(cache, "market_data_source", lambda: source)
    rows = history_rows()
    tracemalloc.start()
    try:
        # warm up: one-time allocations (pandas' and numpy's own caches) belong to the baseline
        for i in range(5):
            cache.market_snapshot_get(symbol=f"W{i}", exchange="X", rows=rows).feature_row(20)
        cache.market_snapshot_cache_clear()
        gc.collect()
        baseline = tracemalloc.get_traced_memory()[0]
        for i in range(150):  # ~3x more than fits
            snapshot = cache.market_snapshot_get(symbol=f"S{i:04d}", exchange="X", rows=rows)
            snapshot.feature_row(20)  # what serving derives and keeps on each snapshot
            _ = snapshot.risk_score
            del snapshot
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    entries, charged = cache.market_snapshot_cache_usage()
    assert 0 < entries < 100, "the cache should have evicted"
    assert charged <= budget
    # what the process really holds for the cache stays under the stated bound ...
    assert retained <= budget, f"retained {retained} bytes > budget {budget}"
    # ... and the charge is not wildly pessimistic (the budget is actually used)
    assert retained >= 0.5 * budget, f"retained only {retained} of {budget} bytes"
    cache.market_snapshot_cache_clear()
    assert cache.market_snapshot_cache_usage() == (0, 0)


def test_an_entry_larger_than_the_budget_is_not_cached(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.MARKET_DATA_CACHE_MAX_BYTES = 1024
    settings.MARKET_DATA_CACHE_SECONDS = 3600
    source = ManySymbols()
    monkeypatch.setattr(cache, "market_data_source", lambda: source)
    cache.market_snapshot_cache_clear()
    snapshot = cache.market_snapshot_get(symbol="BIG", exchange="X", rows=history_rows())
    assert snapshot.nbytes > 1024
    assert cache.market_snapshot_cache_usage() == (0, 0)
