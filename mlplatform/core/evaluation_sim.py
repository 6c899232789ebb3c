"""Seeded panels with a known effect, to measure the error rates of ``core.evaluation``.

Used by the tests (small, seeded) and by ``bench`` (many repetitions). Realistic on purpose:

- daily returns have volatility clustering (GARCH(1,1)-like variance per symbol) and a common
  market factor (symbols co-move, correlation ``rho``);
- the predictor ``x`` is an AR(1) feature per symbol (``phi`` close to 1, like a rolling z-score);
- the target is the sum of the next ``horizon`` daily returns plus ``beta * x`` plus ``drift``,
  so consecutive targets overlap exactly as forward returns do.

The "true" value of a statistic is its value on a very long panel from the same process
(``population``), where sampling error is negligible next to the interval widths tested.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Panel:
    """Rows in (date, symbol) order: ``y`` target, ``x`` predictor, ``dates`` integer keys."""

    y: np.ndarray
    x: np.ndarray
    dates: np.ndarray
    symbols: np.ndarray


def simulate_panel(
    *,
    n_dates: int,
    n_symbols: int,
    horizon: int = 5,
    beta: float = 0.004,
    drift: float = 0.002,
    rho: float = 0.5,
    phi: float = 0.9,
    daily_vol: float = 0.012,
    seed: int = 0,
) -> Panel:
    """A panel of ``n_dates * n_symbols`` rows with target ``drift + beta*x + sum(next h r)``."""
    rng = np.random.default_rng(seed)
    total = n_dates + horizon
    # GARCH(1,1)-like variance: v_t = w + a*e_{t-1}^2 + b*v_{t-1}, unconditional = daily_vol^2
    a, b = 0.08, 0.9
    w = daily_vol**2 * (1 - a - b)
    shocks = rng.standard_normal((total, n_symbols))
    market = rng.standard_normal(total)
    z = np.sqrt(rho) * market[:, None] + np.sqrt(1 - rho) * shocks
    r = np.empty((total, n_symbols))
    v = np.full(n_symbols, daily_vol**2)
    for t in range(total):
        r[t] = np.sqrt(v) * z[t]
        v = w + a * r[t] ** 2 + b * v
    x = np.empty((total, n_symbols))
    x[0] = rng.standard_normal(n_symbols)
    innov = rng.standard_normal((total, n_symbols)) * np.sqrt(1 - phi**2)
    for t in range(1, total):
        x[t] = phi * x[t - 1] + innov[t]
    csum = np.vstack([np.zeros(n_symbols), np.cumsum(r, axis=0)])
    future = csum[1 + horizon : 1 + horizon + n_dates] - csum[1 : 1 + n_dates]
    y = drift + beta * x[:n_dates] + future
    dates = np.repeat(np.arange(n_dates), n_symbols)
    symbols = np.tile(np.arange(n_symbols), n_dates)
    return Panel(y=y.reshape(-1), x=x[:n_dates].reshape(-1), dates=dates, symbols=symbols)


def population(n_symbols: int, seed: int = 10_000, n_dates: int = 40_000, **kwargs: float) -> Panel:
    """A long panel from the same process, standing in for the population."""
    return simulate_panel(n_dates=n_dates, n_symbols=n_symbols, seed=seed, **kwargs)  # type: ignore[arg-type]
