"""Error rates of the live-performance status, measured on simulated outcomes.

Data: ``dates`` trading days x ``symbols`` symbols. Volatility clusters (a GARCH-like AR(1) on
the daily scale), symbols share a common daily factor (correlated), and each symbol's return is
``y = s + c + u``: a predictable part ``s``, the common factor ``c`` and noise ``u`` (scales
1 : 1 : 2 at the same volatility). The model predicts ``e = k * s``. Every term scales with the
day's volatility, so the population skill against the zero baseline (the training mean is 0) is
exactly ``1 - sqrt(((1 - k)^2 + 1 + 4) / (1 + 1 + 4))``: ``k = 2`` has skill 0 (the null: the
model is exactly as good as predicting zero), ``k = 1`` the best possible, ``k > 2`` harmful.

Measured over ``reps`` seeded repetitions: how often the status says ``degraded`` (false alarms
at ``k = 2``, power at a harmful ``k``) and how often the 90% skill interval covers the true
skill, each with a 95% Wilson interval.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.special import ndtr

from monitoring.outcomes import live_metrics


def population_skill(k: float) -> float:
    return 1.0 - math.sqrt(((1.0 - k) ** 2 + 1.0 + 4.0) / 6.0)


def simulate(k: float, *, dates: int, symbols: int, seed: int) -> live_metrics.DayArrays:
    rng = np.random.default_rng(seed)
    vol = np.empty(dates)
    level = 0.0
    for d in range(dates):  # log-volatility AR(1): calm and turbulent stretches
        level = 0.98 * level + rng.normal(0.0, 0.1)
        vol[d] = 0.01 * math.exp(level)
    s = rng.normal(0.0, 1.0, (dates, symbols)) * vol[:, None]
    c = rng.normal(0.0, 1.0, (dates, 1)) * vol[:, None]
    u = rng.normal(0.0, 2.0, (dates, symbols)) * vol[:, None]
    y = (s + c + u).ravel()
    e = (k * s).ravel()
    # the serving map: Phi(expected / residual std), the residual std of the best model
    prob = ndtr(e / (math.sqrt(5.0) * float(np.median(vol))))
    signal = np.where(prob > 0.55, "BUY", np.where(prob < 0.45, "SELL", "HOLD"))
    day = np.datetime64("2025-01-01") + np.repeat(np.arange(dates), symbols)
    sums = live_metrics.day_sums(
        dates=day, expected=e, probability=prob, signal=signal, realized=y, train_mean=0.0
    )
    return live_metrics.day_arrays(sums)


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    phat = successes / n
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def rates(k: float, *, reps: int, dates: int, symbols: int, seed: int = 0) -> dict[str, Any]:
    """Share of ``degraded`` verdicts and interval coverage of the true skill over ``reps``."""
    truth = population_skill(k)
    degraded = covered = 0
    for rep in range(reps):
        days = simulate(k, dates=dates, symbols=symbols, seed=seed * 100_003 + rep)
        live = live_metrics.summarize(days, horizon=5)
        status, _ = live_metrics.status_decide(live, None)
        degraded += status == "degraded"
        ci = live["skill_ci"]
        covered += ci is not None and ci[0] <= truth <= ci[1]
    return {
        "k": k,
        "true_skill": truth,
        "reps": reps,
        "degraded": degraded,
        "degraded_rate": degraded / reps,
        "degraded_ci": wilson(degraded, reps),
        "coverage": covered / reps,
        "coverage_ci": wilson(covered, reps),
    }
