"""Null and power experiments for the calibrated drift alarm, on the seeded synthetic generator.

A *universe* is ``n_symbols`` synthetic symbols from one seed with a common market factor
(``factor_loading``: correlated shocks, partly market-wide volatility clustering) on top of the
generator's own GARCH-like clustering and regimes; features come from the production feature
code, so the rolling features are autocorrelated by construction. The first ``train_rows``
candles play the training period: the reference and its calibration are built from them with
the same core functions training uses. Windows are then drawn

- after the training period (market-data windows: every symbol over ``days`` consecutive
  candles, non-overlapping; served-traffic windows: the distinct rows of the last ``requests``
  simulated predictions, where each day a random subset of symbols is polled, each polled
  symbol one or more times);
- inside the training period (market-data windows), to check in-sample honesty;
- after an injected change (``shift_at`` = ``train_rows``: volatility x k or a level shift of
  the daily return mean by k conditional standard deviations), for power.

The bench entry (``bench/entries/drift.py``) runs the full sizes; tests run a few universes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from scipy import stats

END_DATE = date(2024, 12, 31)
WARMUP = 260  # candles before every feature is defined (drawdown needs 252)


@dataclass(frozen=True)
class Universe:
    seed: int
    train_rows: int
    blocks: list[tuple[np.ndarray, np.ndarray]]  # per symbol: (dates datetime64[D], X)
    reference: dict[str, Any]


def feature_blocks(
    seed: int,
    *,
    n_symbols: int,
    n_rows: int,
    factor_loading: float = 0.3,
    common_regime: bool = False,
    **shift: Any,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per-symbol ``(dates, features)`` of one seeded universe (warmup rows included)."""
    from mlplatform.core.drift import as_days
    from mlplatform.core.features import FEATURE_NAMES, compute_features_many
    from mlplatform.core.market_data.synthetic import generate_candles

    frames = {
        f"U{i:03d}": generate_candles(
            f"U{i:03d}",
            n_days=n_rows,
            end_date=END_DATE,
            seed=seed,
            factor_loading=factor_loading,
            common_regime=common_regime,
            **shift,
        )
        for i in range(n_symbols)
    }
    names = list(FEATURE_NAMES)
    return [
        (as_days(frame["timestamp"]), frame[names].to_numpy(dtype=np.float64))
        for frame in compute_features_many(frames).values()
    ]


def calibrated_reference(
    blocks: list[tuple[np.ndarray, np.ndarray]], train_rows: int, *, calibrate: bool = True
) -> dict[str, Any]:
    """The reference (and calibration) of the first ``train_rows`` rows, as training builds it."""
    from mlplatform.core.drift import build_reference, calibrate_reference
    from mlplatform.core.features import FEATURE_NAMES

    train = [(dates[:train_rows], X[:train_rows]) for dates, X in blocks]
    pooled = np.concatenate([X for _, X in train])
    pooled = pooled[np.isfinite(pooled).all(axis=1)]
    reference = build_reference(pooled, list(FEATURE_NAMES))
    if calibrate:
        reference["calibration"] = calibrate_reference(reference, train)
    return reference


def universe(
    seed: int,
    *,
    n_symbols: int,
    train_rows: int,
    monitor_rows: int,
    factor_loading: float = 0.3,
    common_regime: bool = False,
) -> Universe:
    blocks = feature_blocks(
        seed,
        n_symbols=n_symbols,
        n_rows=train_rows + monitor_rows,
        factor_loading=factor_loading,
        common_regime=common_regime,
    )
    return Universe(seed, train_rows, blocks, calibrated_reference(blocks, train_rows))


def market_windows(
    blocks: list[tuple[np.ndarray, np.ndarray]], start: int, stop: int, days: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Non-overlapping windows of every symbol's rows ``[a, a + days)`` within ``[start, stop)``."""
    windows = []
    for a in range(start, stop - days + 1, days):
        X = np.concatenate([block[a : a + days] for _, block in blocks])
        dates = np.concatenate([day[a : a + days] for day, _ in blocks])
        windows.append((X, dates))
    return windows


def served_windows(
    blocks: list[tuple[np.ndarray, np.ndarray]],
    start: int,
    stop: int,
    *,
    rng: np.random.Generator,
    requests: int = 500,
    spacing: int = 30,
    poll_probability: float = 0.5,
    repeats_mean: float = 2.0,
) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """Served-traffic windows ending every ``spacing`` rows: walking back from the end, each
    day every symbol is polled with ``poll_probability``, ``1 + Poisson(repeats_mean)`` times,
    until ``requests`` predictions are collected; each (symbol, day) is one distinct row (the
    selector's dedupe). Returns ``(distinct rows, their dates, requests)`` per window."""
    n_symbols = len(blocks)
    windows = []
    for end in range(start + spacing - 1, stop, spacing):
        seen, total, day = [], 0, end
        while total < requests and day >= 0:
            polled = np.flatnonzero(rng.random(n_symbols) < poll_probability)
            counts = 1 + rng.poisson(repeats_mean, size=polled.shape[0])
            for symbol, count in zip(polled, counts, strict=True):
                if total >= requests:
                    break
                seen.append((int(symbol), day))
                total += int(min(count, requests - total))
            day -= 1
        X = np.array([blocks[s][1][d] for s, d in seen])
        dates = np.array([blocks[s][0][d] for s, d in seen])
        windows.append((X, dates, total))
    return windows


def flagged(
    reference: dict[str, Any], X: np.ndarray, dates: np.ndarray, *, threshold: float = 0.05
) -> bool:
    from mlplatform.core.drift import drift_report
    from mlplatform.core.features import FEATURE_NAMES

    report = drift_report(reference, X, list(FEATURE_NAMES), threshold=threshold, dates=dates)
    return report["status"] == "drift_detected"


def uncalibrated(reference: dict[str, Any]) -> dict[str, Any]:
    """The same reference without calibration: the old rule (iid KS p-value, share >= 0.5)."""
    return {k: v for k, v in reference.items() if k != "calibration"}


def rate(flags: list[bool]) -> dict[str, Any]:
    """Share flagged with its exact (Clopper-Pearson) binomial 95% interval."""
    n, k = len(flags), int(sum(flags))
    if n == 0:
        return {"flagged": 0, "windows": 0, "rate": None, "low": None, "high": None}
    interval = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    return {
        "flagged": k,
        "windows": n,
        "rate": k / n,
        "low": float(interval.low),
        "high": float(interval.high),
    }


def shifted_windows(
    base: Universe, *, n_symbols: int, monitor_rows: int, days: int, **shift: Any
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Market windows after a change injected at the end of ``base``'s training period (the
    training rows are bit-identical to ``base``'s, so its reference applies)."""
    blocks = feature_blocks(
        base.seed,
        n_symbols=n_symbols,
        n_rows=base.train_rows + monitor_rows,
        shift_at=base.train_rows,
        **shift,
    )
    return market_windows(blocks, base.train_rows, base.train_rows + monitor_rows, days)
