"""What every entry receives: the mode, sizes, a scratch directory and shared inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

#: Fixed end date so every run benchmarks the same candles.
END_DATE = date(2024, 12, 31)


@dataclass(frozen=True)
class Sizes:
    """Problem sizes; the full ones come from the issues' targets, smoke ones keep CI fast."""

    symbols: int
    candles: int
    drift_rows: int
    drift_reference_symbols: int
    timing_repeats: int
    training_repeats: int
    serving_seconds: int
    serving_rounds: int
    batch_symbols: int
    batch_repeats: int

    @classmethod
    def for_mode(cls, smoke: bool) -> Sizes:
        if smoke:
            return cls(
                symbols=6,
                candles=400,
                drift_rows=300,
                drift_reference_symbols=3,
                timing_repeats=2,
                training_repeats=1,
                serving_seconds=1,
                serving_rounds=1,
                batch_symbols=10,
                batch_repeats=2,
            )
        return cls(
            symbols=500,
            candles=2520,
            drift_rows=10_000,
            drift_reference_symbols=40,
            timing_repeats=5,
            training_repeats=3,
            serving_seconds=3,
            serving_rounds=3,
            batch_symbols=500,
            batch_repeats=7,
        )


@dataclass
class Context:
    smoke: bool
    sizes: Sizes
    workdir: Path
    shared: dict[str, Any] = field(default_factory=dict)

    def symbols(self, count: int | None = None, prefix: str = "SYN") -> list[str]:
        """Deterministic symbol names matching the DESIGN symbol pattern."""
        n = self.sizes.symbols if count is None else count
        return [f"{prefix}{i:04d}" for i in range(n)]

    def candles(self) -> dict[str, pd.DataFrame]:
        """``sizes.symbols`` synthetic frames of ``sizes.candles`` candles, made once per run."""
        frames = self.shared.get("candles")
        if frames is None:
            from mlplatform.core.market_data.synthetic import generate_candles

            frames = {
                symbol: generate_candles(symbol, n_days=self.sizes.candles, end_date=END_DATE)
                for symbol in self.symbols()
            }
            self.shared["candles"] = frames
        return frames
