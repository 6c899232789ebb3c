"""Regression metrics for forward-return models, with the two naive baselines.

Every value returned is JSON-safe: Python ``float``/``int`` or ``None`` where a metric is
undefined (never NaN or infinity), so results can be stored and served as they are.

Conventions:

- Rows where ``y_true`` or ``y_pred`` is not finite are left out; ``n`` counts the rows used.
- ``r2`` is ``1 - SSE / SST``; ``None`` when ``y_true`` is constant (SST = 0) or ``n < 2``.
- ``directional_accuracy`` is the share of rows with ``y_true != 0`` whose prediction has the
  same sign. Rows with ``y_true == 0`` have no direction and are excluded; a prediction of
  exactly 0 calls no direction and counts as a miss. ``None`` when no row has ``y_true != 0``.
- ``ic`` is the Spearman rank correlation (``scipy.stats.spearmanr``, average ranks for ties)
  of prediction vs realized. It is undefined when either side is constant (e.g. both
  baselines) or ``n < 2``, and then reported as ``None`` rather than a made-up 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from mlplatform.errors import ValidationFailed

METRIC_KEYS: tuple[str, ...] = ("n", "rmse", "mae", "r2", "directional_accuracy", "ic")


def _finite_or_none(value: float) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _paired(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(y_true, dtype=np.float64).reshape(-1)
    p = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    if t.shape != p.shape:
        raise ValidationFailed(f"y_true has {t.shape[0]} values but y_pred has {p.shape[0]}")
    keep = np.isfinite(t) & np.isfinite(p)
    return t[keep], p[keep]


def regression_metrics(y_true: Any, y_pred: Any) -> dict[str, float | int | None]:
    """``{"n", "rmse", "mae", "r2", "directional_accuracy", "ic"}`` for one prediction set."""
    t, p = _paired(y_true, y_pred)
    n = int(t.shape[0])
    if n == 0:
        return {"n": 0, **dict.fromkeys(METRIC_KEYS[1:])}

    err = p - t
    sse = float(err @ err)
    centered = t - t.mean()
    sst = float(centered @ centered)
    # ptp, not sst > 0: centering equal values can leave rounding residue in sst
    r2 = 1.0 - sse / sst if n >= 2 and np.ptp(t) > 0 else None

    moving = t != 0
    directional = float(np.mean(np.sign(p[moving]) == np.sign(t[moving]))) if moving.any() else None

    ic: float | None = None
    # spearmanr warns and returns NaN on constant input; decide that case up front.
    if n >= 2 and np.ptp(t) > 0 and np.ptp(p) > 0:
        ic = _finite_or_none(stats.spearmanr(t, p).statistic)

    return {
        "n": n,
        "rmse": _finite_or_none(math.sqrt(sse / n)),
        "mae": _finite_or_none(np.mean(np.abs(err))),
        "r2": _finite_or_none(r2) if r2 is not None else None,
        "directional_accuracy": directional,
        "ic": ic,
    }


def evaluate(y_true: Any, y_pred: Any, *, train_mean: float) -> dict[str, Any]:
    """Model metrics next to the zero and training-mean baselines, plus ``skill``.

    Returns ``{"model": metrics, "baseline_zero": metrics, "baseline_mean": metrics,
    "skill": 1 - rmse_model / rmse_zero}``; ``skill`` is ``None`` when the zero baseline's
    rmse is 0 or undefined. Baselines are scored on the same rows as the model.
    """
    train_mean = float(train_mean)
    if not math.isfinite(train_mean):
        raise ValidationFailed("train_mean must be finite")
    t, p = _paired(y_true, y_pred)
    model = regression_metrics(t, p)
    baseline_zero = regression_metrics(t, np.zeros_like(t))
    baseline_mean = regression_metrics(t, np.full_like(t, train_mean))
    rmse_model, rmse_zero = model["rmse"], baseline_zero["rmse"]
    skill = None
    if rmse_model is not None and rmse_zero:
        skill = _finite_or_none(1.0 - rmse_model / rmse_zero)
    return {
        "model": model,
        "baseline_zero": baseline_zero,
        "baseline_mean": baseline_mean,
        "skill": skill,
    }
