"""The one market-data interface every source implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import pandas as pd

from mlplatform.errors import ValidationFailed

#: Columns of a candle frame, in order. ``timestamp`` is ``datetime64[ns, UTC]``,
#: the rest ``float64``; rows strictly ascending by timestamp, RangeIndex.
CANDLE_COLUMNS: tuple[str, ...] = ("timestamp", "open", "high", "low", "close", "volume")


@dataclass(frozen=True)
class CandleSeries:
    """Validated daily candles for one symbol, with where they came from."""

    symbol: str
    exchange: str
    candles: pd.DataFrame
    source: str  # "csv" | "synthetic" | "http"
    degraded: bool = False  # served from cache after an upstream failure, or upstream said degraded
    dropped_rows: int = 0  # rows removed by a documented repair rule
    notes: list[str] = field(default_factory=list)

    @property
    def latest_timestamp(self) -> datetime | None:
        if self.candles.empty:
            return None
        return self.candles["timestamp"].iloc[-1].to_pydatetime()


class MarketDataSource(Protocol):
    name: str
    #: A latest candle older than this (relative to now) makes the input "stale".
    freshness_limit: timedelta

    def get_candles(
        self, symbol: str, *, exchange: str | None = None, lookback: int | None = None
    ) -> CandleSeries:
        """Return the latest ``lookback`` candles (all when None) or raise an ``AppError``."""
        ...

    def list_symbols(self) -> list[str]:
        """Symbols this source knows without asking (empty when it cannot enumerate)."""
        ...


def lookback_check(lookback: int | None) -> None:
    """Every source's rule for ``lookback``: None (everything) or a positive integer."""
    if lookback is not None and (isinstance(lookback, bool) or lookback < 1):
        raise ValidationFailed(
            "lookback must be a positive integer", details={"lookback": lookback}
        )
