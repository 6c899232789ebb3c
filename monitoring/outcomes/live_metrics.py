"""Live metrics of scored outcomes from per-date sufficient statistics (plain NumPy, no Django).

Scoring keeps one row of sums per ``(version, source, candle date)`` (``day_sums``); every live
metric is a function of those sums, so ``/monitoring/performance`` reads a few hundred rows
whatever the number of outcomes. Conventions (the training ones, DESIGN section 3):

- ``y`` realized return ``close[t+h]/close[t] - 1``, ``e`` the served expected return, ``p`` the
  served ``probability_up``, ``m`` the version's training-target mean (its ridge intercept).
- ``hit_rate``: share of rows with ``y != 0`` where ``sign(e) == sign(y)`` (``e == 0`` is a
  miss); ``base_rate``: share of rows with ``y > 0``; ``majority_rate`` = max(base, 1 - base),
  the hit rate of always calling the more frequent direction.
- ``rmse``, ``rmse_zero`` (predict 0), ``rmse_mean`` (predict ``m``) on the same rows;
  ``skill = 1 - rmse / min(rmse_zero, rmse_mean)``, ``skill_vs`` names the better baseline
  (``zero`` or ``mean``, ``zero`` on a tie), as ``evaluation.skill_against_baselines``.
- BUY/SELL ``hit_rate``: share of the calls the market moved that way (a call on a row that
  did not move is a miss), as ``evaluation.hit_rate``.
- ``brier`` = mean (p - 1[y>0])^2; ``brier_base_rate`` scores the constant forecast
  ``base_rate_reference`` (the version's training base rate when known, else the live one).
- ``skill_ci``, ``hit_rate_ci``: 90% moving-block bootstrap over candle dates (blocks of
  ``max(horizon, 5)`` consecutive dates, every symbol of a date resampled together, the same
  rule as the validation intervals), ``BOOTSTRAP_REPS`` seeded replicates.
- ``signals``: per call its ``n``, ``share`` and (BUY/SELL) ``hit_rate``.
- ``reliability``: fixed bins of width 1/``RELIABILITY_BINS`` merged, in order, into at most 10
  groups of at least n/10 rows each: ``[{p_mean, up_share, n}]``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

RELIABILITY_BINS = 50
RELIABILITY_GROUPS = 10
BOOTSTRAP_REPS = 400
BOOTSTRAP_SEED = 20261129
CI_LEVEL = 0.90
SIGNALS = ("BUY", "SELL", "HOLD")
#: Fewer scored outcomes (or candle dates) than this: status ``insufficient_data``.
MIN_OUTCOMES = 100
MIN_DATES = 20
#: The numeric per-date sums, in the order OutcomeDaily stores them and DayArrays holds them.
DAILY_SUMS = (
    "n",
    "moved",
    "hits",
    "ups",
    "sum_y",
    "sum_y2",
    "sse_model",
    "sse_mean",
    "sum_p",
    "sum_p2",
    "sum_p_up",
)


@dataclass(frozen=True)
class DayArrays:
    """Per-date sums of one version, dates ascending (one entry per candle date)."""

    dates: np.ndarray  # datetime64[D]
    n: np.ndarray
    moved: np.ndarray
    hits: np.ndarray
    ups: np.ndarray
    sum_y: np.ndarray
    sum_y2: np.ndarray
    sse_model: np.ndarray
    sse_mean: np.ndarray  # NaN when the training mean is unknown
    sum_p: np.ndarray
    sum_p2: np.ndarray
    sum_p_up: np.ndarray
    bins: list[list[float]]  # per day, flat: bin, n, sum_p, ups, bin, n, ...
    signals: list[dict[str, list[int]]]

    def __len__(self) -> int:
        return int(self.dates.shape[0])

    def take(self, index: np.ndarray | slice) -> DayArrays:
        picked = np.arange(len(self))[index]
        return DayArrays(
            dates=self.dates[picked],
            **{name: getattr(self, name)[picked] for name in DAILY_SUMS},
            bins=[self.bins[i] for i in picked],
            signals=[self.signals[i] for i in picked],
        )


def _f(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def hit_flags(expected: np.ndarray, realized: np.ndarray) -> np.ndarray:
    """1.0 hit, 0.0 miss, NaN when the market did not move (``y == 0``)."""
    flags = (np.sign(expected) == np.sign(realized)).astype(np.float64)
    flags[realized == 0] = np.nan
    return flags


def day_sums(
    *,
    dates: np.ndarray,
    expected: np.ndarray,
    probability: np.ndarray,
    signal: Sequence[str],
    realized: np.ndarray,
    train_mean: float | None,
) -> list[dict[str, Any]]:
    """Sufficient statistics per candle date of scored outcomes (the ``OutcomeDaily`` fields)."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    e = np.asarray(expected, dtype=np.float64)
    p = np.asarray(probability, dtype=np.float64)
    y = np.asarray(realized, dtype=np.float64)
    sig = np.asarray(signal, dtype=object)
    if dates.size == 0:
        return []
    order = np.argsort(dates, kind="stable")
    dates, e, p, y, sig = dates[order], e[order], p[order], y[order], sig[order]
    unique, starts = np.unique(dates, return_index=True)
    stops = np.append(starts[1:], dates.size)
    flags = hit_flags(e, y)
    up = (y > 0).astype(np.float64)
    bin_index = np.clip((p * RELIABILITY_BINS).astype(np.int64), 0, RELIABILITY_BINS - 1)
    out: list[dict[str, Any]] = []
    for day, start, stop in zip(unique, starts, stops, strict=True):
        sl = slice(start, stop)
        yy, ee, pp, ff, uu = y[sl], e[sl], p[sl], flags[sl], up[sl]
        moved = np.isfinite(ff)
        bins: dict[int, list[float]] = {}
        for b, pv, uv in zip(bin_index[sl].tolist(), pp.tolist(), uu.tolist(), strict=True):
            entry = bins.setdefault(b, [b, 0, 0.0, 0])
            entry[1] += 1
            entry[2] += pv
            entry[3] += int(uv)
        signals: dict[str, list[int]] = {}
        for name in SIGNALS:
            chosen = sig[sl] == name
            if chosen.any():
                # a call hits when the market moved its way (BUY up, SELL down)
                went = yy > 0 if name == "BUY" else yy < 0
                signals[name] = [
                    int(chosen.sum()),
                    int((chosen & went).sum()) if name != "HOLD" else 0,
                    int((chosen & moved).sum()),
                ]
        out.append(
            {
                "date": day.astype(object),
                "n": int(stop - start),
                "moved": int(moved.sum()),
                "hits": int(np.nansum(ff)),
                "ups": int(uu.sum()),
                "sum_y": float(yy.sum()),
                "sum_y2": float(yy @ yy),
                "sse_model": float((yy - ee) @ (yy - ee)),
                "sse_mean": (
                    float((yy - train_mean) @ (yy - train_mean)) if train_mean is not None else None
                ),
                "sum_p": float(pp.sum()),
                "sum_p2": float(pp @ pp),
                "sum_p_up": float(pp @ uu),
                "bins": [value for key in sorted(bins) for value in bins[key]],
                "signals": signals,
            }
        )
    return out


def _block_starts(n_dates: int, block: int, reps: int, seed: int) -> tuple[np.ndarray, int]:
    """Start dates of the blocks of a circular moving-block bootstrap, ``reps`` x blocks."""
    rng = np.random.default_rng(seed)
    block = max(1, min(block, n_dates))
    return rng.integers(0, n_dates, size=(reps, math.ceil(n_dates / block))), block


def _skill_from(sse_model: Any, sse_zero: Any, sse_mean: Any) -> Any:
    best = np.fmin(sse_zero, sse_mean)  # fmin ignores a NaN (unknown) mean baseline
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 - np.sqrt(sse_model) / np.sqrt(best)


def _interval(values: np.ndarray) -> list[float] | None:
    values = values[np.isfinite(values)]
    if values.size < 10:
        return None
    tail = (1.0 - CI_LEVEL) / 2.0
    lo, hi = np.quantile(values, [tail, 1.0 - tail])
    return [float(lo), float(hi)]


def bootstrap_intervals(days: DayArrays, *, horizon: int, reps: int = BOOTSTRAP_REPS) -> dict:
    """90% block-bootstrap intervals of skill and hit rate over candle dates.

    Each replicate draws ``ceil(dates / block)`` circular blocks of consecutive dates; the
    sums of a replicate are sums of precomputed block sums (the last block counted whole, so a
    replicate may hold up to ``block - 1`` dates more than the window: a negligible bias for
    ratios of sums).
    """
    stacked = np.stack([days.sse_model, days.sum_y2, days.sse_mean, days.hits, days.moved])
    return _bootstrap(stacked, horizon=horizon, reps=reps)


def _bootstrap(stacked: np.ndarray, *, horizon: int, reps: int) -> dict:
    n_dates = stacked.shape[1]
    if n_dates < 2:
        return {"skill_ci": None, "hit_rate_ci": None}
    starts, block = _block_starts(n_dates, max(int(horizon), 5), reps, BOOTSTRAP_SEED)
    wrapped = np.concatenate([stacked, stacked[:, : block - 1]], axis=1)
    cum = np.concatenate([np.zeros((5, 1)), np.cumsum(wrapped, axis=1)], axis=1)
    sums = cum[:, block : block + n_dates] - cum[:, :n_dates]
    totals = sums[:, starts].sum(axis=2)  # 5 x reps
    with np.errstate(divide="ignore", invalid="ignore"):
        hit_rate = totals[3] / totals[4]
    return {
        "skill_ci": _interval(_skill_from(totals[0], totals[1], totals[2])),
        "hit_rate_ci": _interval(hit_rate),
    }


def reliability_table(days: DayArrays) -> list[dict[str, Any]]:
    """Fixed-width bins merged into at most ``RELIABILITY_GROUPS`` groups of >= n/10 rows."""
    size = sum(len(day) for day in days.bins)
    counts = np.zeros(RELIABILITY_BINS)
    sum_p = np.zeros(RELIABILITY_BINS)
    ups = np.zeros(RELIABILITY_BINS)
    if size:
        flat = np.fromiter(chain.from_iterable(days.bins), dtype=np.float64, count=size)
        arr = flat.reshape(-1, 4)
        index = arr[:, 0].astype(np.int64)
        counts = np.bincount(index, weights=arr[:, 1], minlength=RELIABILITY_BINS)
        sum_p = np.bincount(index, weights=arr[:, 2], minlength=RELIABILITY_BINS)
        ups = np.bincount(index, weights=arr[:, 3], minlength=RELIABILITY_BINS)
    total = counts.sum()
    if total == 0:
        return []
    target = total / RELIABILITY_GROUPS
    groups: list[dict[str, Any]] = []
    acc_n = acc_p = acc_u = 0.0
    for b in range(RELIABILITY_BINS):
        acc_n, acc_p, acc_u = acc_n + counts[b], acc_p + sum_p[b], acc_u + ups[b]
        if acc_n >= target:
            groups.append({"p_mean": acc_p / acc_n, "up_share": acc_u / acc_n, "n": int(acc_n)})
            acc_n = acc_p = acc_u = 0.0
    if acc_n > 0:
        if groups:
            last = groups.pop()
            n = last["n"] + acc_n
            groups.append(
                {
                    "p_mean": (last["p_mean"] * last["n"] + acc_p) / n,
                    "up_share": (last["up_share"] * last["n"] + acc_u) / n,
                    "n": int(n),
                }
            )
        else:
            groups.append({"p_mean": acc_p / acc_n, "up_share": acc_u / acc_n, "n": int(acc_n)})
    return groups


def summarize(
    days: DayArrays,
    *,
    horizon: int,
    base_rate_reference: float | None = None,
    ic: float | None = None,
    bootstrap: bool = True,
) -> dict[str, Any]:
    """The ``live`` object of ``/monitoring/performance`` for these dates."""
    n = int(days.n.sum())
    empty = {
        "n": n,
        "dates": len(days),
        "first_date": None,
        "last_date": None,
        "hit_rate": None,
        "hit_rate_ci": None,
        "base_rate": None,
        "majority_rate": None,
        "ic": ic,
        "rmse": None,
        "rmse_zero": None,
        "rmse_mean": None,
        "skill": None,
        "skill_vs": None,
        "skill_zero": None,
        "skill_mean": None,
        "skill_ci": None,
        "brier": None,
        "brier_base_rate": None,
        "reliability": [],
        "signals": {},
    }
    if n == 0:
        return empty
    moved = int(days.moved.sum())
    hit_rate = int(days.hits.sum()) / moved if moved else None
    ups = int(days.ups.sum())
    base_rate = ups / n
    sse_model = float(days.sse_model.sum())
    sse_zero = float(days.sum_y2.sum())
    sse_mean = float(days.sse_mean.sum())  # NaN when unknown
    rmse, rmse_zero, rmse_mean = (math.sqrt(v / n) for v in (sse_model, sse_zero, sse_mean))
    skill_zero = 1.0 - rmse / rmse_zero if rmse_zero > 0 else float("nan")
    skill_mean = 1.0 - rmse / rmse_mean if rmse_mean > 0 else float("nan")
    if math.isfinite(rmse_mean) and rmse_mean < rmse_zero:
        skill, skill_vs = skill_mean, "mean"
    else:
        skill, skill_vs = skill_zero, "zero"
    # Brier of p and of the constant b, both from sums: sum (p - u)^2 = sum p^2 - 2 sum p u + ups.
    brier = (float(days.sum_p2.sum()) - 2.0 * float(days.sum_p_up.sum()) + ups) / n
    b = base_rate if base_rate_reference is None else float(base_rate_reference)
    brier_base = (n * b * b - 2.0 * b * ups + ups) / n
    signal_sums = {name: [0, 0, 0] for name in SIGNALS}
    for day in days.signals:
        for name, (count_s, hits_s, moved_s) in day.items():
            acc = signal_sums[name]
            acc[0] += count_s
            acc[1] += hits_s
            acc[2] += moved_s
    signals: dict[str, dict[str, Any]] = {}
    for name in SIGNALS:
        count, hits, moved_s = signal_sums[name]
        entry: dict[str, Any] = {"n": count, "share": count / n}
        if name != "HOLD":
            # as on validation (evaluation.hit_rate): a call the market did not move is a miss
            entry["hit_rate"] = hits / count if count else None
        signals[name] = entry
    intervals = (
        bootstrap_intervals(days, horizon=horizon)
        if bootstrap
        else {"skill_ci": None, "hit_rate_ci": None}
    )
    return {
        **empty,
        "first_date": str(days.dates[0]),
        "last_date": str(days.dates[-1]),
        "hit_rate": hit_rate,
        "hit_rate_ci": intervals["hit_rate_ci"],
        "base_rate": base_rate,
        "majority_rate": max(base_rate, 1.0 - base_rate),
        "rmse": _f(rmse),
        "rmse_zero": _f(rmse_zero),
        "rmse_mean": _f(rmse_mean),
        "skill": _f(skill),
        "skill_vs": skill_vs,
        "skill_zero": _f(skill_zero),
        "skill_mean": _f(skill_mean),
        "skill_ci": intervals["skill_ci"],
        "brier": _f(brier),
        "brier_base_rate": _f(brier_base),
        "base_rate_reference": b,
        "reliability": reliability_table(days),
        "signals": signals,
    }


def status_decide(live: dict[str, Any], validation_skill: float | None) -> tuple[str, str]:
    """``insufficient_data`` / ``degraded`` / ``ok`` with the reason (rules in the docstring)."""
    if live["n"] < MIN_OUTCOMES or live["dates"] < MIN_DATES:
        return (
            "insufficient_data",
            f"{live['n']} scored outcomes on {live['dates']} dates; the status needs at least "
            f"{MIN_OUTCOMES} outcomes on {MIN_DATES} dates",
        )
    ci = live.get("skill_ci")
    skill = live.get("skill")
    if ci is not None and ci[1] < 0:
        return (
            "degraded",
            f"live skill {skill:.4f} is below zero: 90% interval {ci[0]:.4f}..{ci[1]:.4f}",
        )
    if ci is not None and validation_skill is not None and ci[1] < validation_skill:
        return (
            "degraded",
            f"live skill {skill:.4f} (90% interval {ci[0]:.4f}..{ci[1]:.4f}) is significantly "
            f"below the validation skill {validation_skill:.4f}",
        )
    return "ok", "live skill is not significantly below zero or below validation"


def rolling_series(
    days: DayArrays, *, window: int, horizon: int, points: int = 30, reps: int = 200
) -> list[dict[str, Any]]:
    """One point per date: that date's n, hit rate and skill, plus the trailing-``window``-date
    hit rate and skill; their intervals are computed on at most ``points`` evenly spaced dates
    (the others carry null), with ``reps`` bootstrap replicates each."""
    count = len(days)
    if count == 0:
        return []

    def trailing(values: np.ndarray) -> np.ndarray:
        cum = np.concatenate([[0.0], np.cumsum(values)])
        stop = np.arange(1, count + 1)
        return cum[stop] - cum[np.maximum(0, stop - window)]

    with np.errstate(divide="ignore", invalid="ignore"):
        day_hit = days.hits / days.moved
        day_skill = _skill_from(days.sse_model, days.sum_y2, days.sse_mean)
        roll_hit = trailing(days.hits) / trailing(days.moved)
        roll_skill = _skill_from(
            trailing(days.sse_model), trailing(days.sum_y2), trailing(days.sse_mean)
        )
    roll_n = trailing(days.n)
    with_ci = np.unique(np.linspace(0, count - 1, min(points, count)).astype(int))
    stacked = np.stack([days.sse_model, days.sum_y2, days.sse_mean, days.hits, days.moved])
    intervals: dict[int, dict] = {}
    for i in with_ci.tolist():
        lo = max(0, i + 1 - window)
        if i + 1 - lo >= 2:
            intervals[i] = _bootstrap(stacked[:, lo : i + 1], horizon=horizon, reps=reps)

    def clean(values: np.ndarray) -> list[float | None]:
        return [float(v) if math.isfinite(v) else None for v in values.tolist()]

    dates = [str(d) for d in days.dates]
    columns = zip(
        dates,
        days.n.astype(int).tolist(),
        clean(day_hit),
        clean(day_skill),
        roll_n.astype(int).tolist(),
        clean(roll_hit),
        clean(roll_skill),
        strict=True,
    )
    series = []
    for i, (day, n, hit, skill, rn, rhit, rskill) in enumerate(columns):
        found = intervals.get(i, {})
        series.append(
            {
                "date": day,
                "n": n,
                "hit_rate": hit,
                "skill": skill,
                "rolling_n": rn,
                "rolling_hit_rate": rhit,
                "rolling_skill": rskill,
                "rolling_skill_ci": found.get("skill_ci"),
                "rolling_hit_rate_ci": found.get("hit_rate_ci"),
            }
        )
    return series


def day_arrays(sums: Sequence[dict[str, Any]]) -> DayArrays:
    """``DayArrays`` from ``day_sums`` output (dates ascending)."""
    return DayArrays(
        dates=np.array([s["date"] for s in sums], dtype="datetime64[D]"),
        **{
            key: np.array([np.nan if s[key] is None else s[key] for s in sums], dtype=np.float64)
            for key in DAILY_SUMS
        },
        bins=[s["bins"] for s in sums],
        signals=[s["signals"] for s in sums],
    )
