"""Regression metrics for forward-return models, with the naive baselines.

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
- Baselines (DESIGN section 3): ``baseline_zero`` predicts 0, ``baseline_mean`` predicts the
  training mean, ``baseline_majority`` always calls the training majority direction (its
  directional accuracy is the honest bar for ours). ``skill`` is against the *best* of the zero
  and mean baselines on the same rows (definitions in ``core.evaluation``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from mlplatform.core.evaluation import skill_against_baselines
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


def evaluate(y_true: Any, y_pred: Any, *, train_mean: float, majority: int = 1) -> dict[str, Any]:
    """Model metrics next to the baselines, plus honest skill and directional edge.

    Returns ``{"model", "baseline_zero", "baseline_mean", "baseline_majority", "skill",
    "skill_vs", "skill_zero", "skill_mean", "directional_edge"}``: ``skill = 1 - rmse /
    min(rmse_zero, rmse_mean)`` (``skill_vs`` names the better baseline, ``None`` when undefined),
    ``skill_zero``/``skill_mean`` against each baseline, and ``directional_edge`` = the model's
    directional accuracy minus that of always calling ``majority`` (+1 up, -1 down). Baselines
    are scored on the same rows as the model.
    """
    train_mean = float(train_mean)
    if not math.isfinite(train_mean):
        raise ValidationFailed("train_mean must be finite")
    if majority not in (1, -1):
        raise ValidationFailed("majority must be +1 or -1")
    t, p = _paired(y_true, y_pred)
    model = regression_metrics(t, p)
    baseline_zero = regression_metrics(t, np.zeros_like(t))
    baseline_mean = regression_metrics(t, np.full_like(t, train_mean))
    majority_da = regression_metrics(t, np.full_like(t, float(majority)))["directional_accuracy"]
    skills = skill_against_baselines(t, p, train_mean=train_mean)
    edge = None
    if model["directional_accuracy"] is not None and majority_da is not None:
        edge = _finite_or_none(model["directional_accuracy"] - majority_da)
    return {
        "model": model,
        "baseline_zero": baseline_zero,
        "baseline_mean": baseline_mean,
        "baseline_majority": {
            "n": model["n"],
            "direction": "up" if majority == 1 else "down",
            "directional_accuracy": majority_da,
        },
        "skill": skills["skill"],
        "skill_vs": skills["skill_vs"] if skills["skill"] is not None else None,
        "skill_zero": skills["skill_zero"],
        "skill_mean": skills["skill_mean"],
        "directional_edge": edge,
    }
