"""The embedded demo data set: synthetic daily candles written as ``<SYMBOL>.csv`` files.

The shipped files in ``data/demo/`` were produced by ``write_demo_data(DEMO_DATA_DIR)`` with the
defaults below; running it again reproduces them byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from mlplatform.core.market_data.synthetic import TRADING_DAYS_PER_YEAR, generate_candles

#: ``data/demo`` at the repository root: the default ``MARKET_DATA_DIR``.
DEMO_DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "demo"
DEMO_SYMBOLS: tuple[str, ...] = ("AAPL", "MSFT", "GOOGL", "AMZN", "NVDA")
DEMO_SEED = 2026
DEMO_END_DATE = date(2026, 11, 20)
#: First-day prices of the shipped series; other symbols get their generator's own price.
DEMO_START_PRICES: dict[str, float] = {
    "AAPL": 28.0,
    "MSFT": 56.0,
    "GOOGL": 38.0,
    "AMZN": 37.0,
    "NVDA": 6.5,
}


def write_demo_data(
    directory: Path,
    symbols: Sequence[str] = DEMO_SYMBOLS,
    years: int = 10,
    seed: int = DEMO_SEED,
    end_date: date = DEMO_END_DATE,
) -> list[Path]:
    """Write ``years`` x 252 daily candles per symbol as ``Date,Open,High,Low,Close,Volume``.

    Dates are ISO, prices have 4 decimals, volume is an integer. Each file is written to a
    temporary name and renamed, so a reader never sees half a file. Returns the paths written.
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for raw_symbol in symbols:
        symbol = raw_symbol.strip().upper()
        candles = generate_candles(
            symbol,
            n_days=years * TRADING_DAYS_PER_YEAR,
            end_date=end_date,
            seed=seed,
            start_price=DEMO_START_PRICES.get(symbol),
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
