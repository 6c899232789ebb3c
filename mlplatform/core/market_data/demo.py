"""The embedded demo data set: synthetic daily candles written as ``<SYMBOL>.csv`` files.

The files are not committed: ``manage.py bootstrap_demo`` (run by ``make run``) writes them into
``MARKET_DATA_DIR`` the first time, ending on the last business day on or before that day
(UTC), so the first prediction is ``fresh``. For a given end date they are deterministic
(seeded); tests pass a fixed ``end_date``.

**The learnable effect.** Each series starts from the ``synthetic`` generator's candles
(regimes, volatility clustering, fat tails, OHLC consistency) and adds short-term mean
reversion conditional on the 20-day z-score: the day-``t`` log return gets
``-DEMO_REVERSION * z[t-1] * s[t]``, where ``z[t-1] = (c - SMA20(c)) / std20(c)`` at the
previous close (the ``zscore_20`` feature) and ``s[t]`` is the symbol's 20-day std of daily
log returns. A price stretched one std above its 20-day mean drifts back by about
``DEMO_REVERSION`` daily stds per day, so a linear model on the platform's features has a
small, real out-of-sample edge over the drift baseline (on real data there may be none, and
the platform says so). Open/high/low move with the close, so the candles stay valid.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from mlplatform.core.market_data.synthetic import (
    TRADING_DAYS_PER_YEAR,
    generate_candles,
    last_business_day,
)

#: ``data/demo`` at the repository root: the default ``MARKET_DATA_DIR``.
DEMO_DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "demo"
DEMO_SYMBOLS: tuple[str, ...] = ("AAPL", "MSFT", "GOOGL", "AMZN", "NVDA")
DEMO_SEED = 2026
#: A fixed end date for reproducible test fixtures (the demo itself ends "today").
DEMO_END_DATE = date(2026, 11, 20)
#: Daily mean reversion per unit of the previous 20-day z-score, in daily stds (see above).
DEMO_REVERSION = 0.4
_Z_WINDOW = 20
#: First-day prices of the shipped series; other symbols get their generator's own price.
DEMO_START_PRICES: dict[str, float] = {
    "AAPL": 28.0,
    "MSFT": 56.0,
    "GOOGL": 38.0,
    "AMZN": 37.0,
    "NVDA": 6.5,
}


def with_mean_reversion(candles: pd.DataFrame, strength: float = DEMO_REVERSION) -> pd.DataFrame:
    """The candles with the documented z-score mean reversion added to their close path."""
    close = candles["close"].to_numpy(dtype=np.float64)
    n = close.shape[0]
    base = np.diff(np.log(close))
    new_log = np.empty(n)
    new_log[0] = np.log(close[0])
    for t in range(1, n):
        step = base[t - 1]
        if t > _Z_WINDOW:
            window = np.exp(new_log[t - _Z_WINDOW : t])
            std = window.std(ddof=1)
            if std > 0:
                z = (window[-1] - window.mean()) / std
                vol = np.diff(new_log[t - _Z_WINDOW : t]).std(ddof=1)
                step -= strength * z * vol
        new_log[t] = new_log[t - 1] + step
    factor = np.exp(new_log) / close
    out = candles.copy()
    for column in ("open", "high", "low", "close"):
        out[column] = np.round(np.maximum(candles[column].to_numpy() * factor, 0.01), 4)
    # rounding after scaling can only break OHLC order by a tick: restore it
    body_high = np.maximum(out["open"], out["close"])
    body_low = np.minimum(out["open"], out["close"])
    out["high"] = np.maximum(out["high"], body_high)
    out["low"] = np.minimum(out["low"], body_low)
    return out


def demo_candles(
    symbol: str,
    *,
    n_days: int,
    end_date: date | None = None,
    seed: int = DEMO_SEED,
) -> pd.DataFrame:
    """One symbol's demo candles (``CANDLE_COLUMNS``), ending on ``end_date``'s business day."""
    key = symbol.strip().upper()
    base = generate_candles(
        key,
        n_days=n_days,
        end_date=last_business_day(end_date),
        seed=seed,
        start_price=DEMO_START_PRICES.get(key),
    )
    return with_mean_reversion(base)


def write_demo_data(
    directory: Path,
    symbols: Sequence[str] = DEMO_SYMBOLS,
    years: int = 10,
    seed: int = DEMO_SEED,
    end_date: date | None = None,
) -> list[Path]:
    """Write ``years`` x 252 daily candles per symbol as ``Date,Open,High,Low,Close,Volume``.

    ``end_date`` defaults to the last business day on or before today (UTC). Dates are ISO,
    prices have 4 decimals, volume is an integer. Each file is written to a temporary name and
    renamed, so a reader never sees half a file. Returns the paths written.
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for raw_symbol in symbols:
        symbol = raw_symbol.strip().upper()
        candles = demo_candles(
            symbol, n_days=years * TRADING_DAYS_PER_YEAR, end_date=end_date, seed=seed
        )
        lines = ["Date,Open,High,Low,Close,Volume"]
        lines.extend(
            f"{stamp:%Y-%m-%d},{o:.4f},{h:.4f},{lo:.4f},{c:.4f},{int(v)}"
            for stamp, o, h, lo, c, v in zip(
                candles["timestamp"],
                candles["open"],
                candles["high"],
                candles["low"],
                candles["close"],
                candles["volume"],
                strict=True,
            )
        )
        path = target / f"{symbol}.csv"
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
        os.replace(temporary, path)
        written.append(path)
    return written
