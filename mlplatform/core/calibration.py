"""Calibrated ``probability_up``: a logistic map from the predicted return to P(up).

``calibration_fit`` fits ``P(up | y_hat) = 1 / (1 + exp(-(a + b * (y_hat - center) / scale)))``
by maximum likelihood (Newton's method, a tiny ridge on ``b`` for stability) on *out-of-fold*
predictions: the walk-forward folds of the training period, each fold's model predicting dates
it never trained on. The reporting validation rows are never used, so the calibration reported
on them is an honest out-of-sample check. "Up" means a forward return ``> 0``.

The map is stored as JSON with the version (``config["calibration"]``), with ``format`` so a
reader can tell map versions apart; versions trained before maps existed have none, and serving
keeps the old ``Phi(y_hat / residual_std)`` rule for them (``predictions.scoring``).

Why logistic rather than isotonic: two parameters cannot overfit a few thousand noisy,
overlapping out-of-fold rows, the map stays monotone and smooth (no probability steps), and a
model whose predictions carry no information gets ``b ~ 0``, i.e. the base rate for every row.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

CALIBRATION_FORMAT = 1
#: Fewer usable out-of-fold rows than this: no slope is fitted (P(up) = the base rate).
MIN_ROWS = 30
#: How far the calibrated P(up) must be from the training base rate for BUY/SELL.
SIGNAL_MARGIN = 0.05
_RIDGE = 1e-6
_MAX_NEWTON_STEPS = 50


@dataclass(frozen=True)
class CalibrationMap:
    """A fitted map; ``probability(y_hat)`` gives the calibrated P(up)."""

    intercept: float
    slope: float
    center: float
    scale: float
    base_rate: float
    train_mean: float
    n: int
    format: int = CALIBRATION_FORMAT
    method: str = "logistic"
    fitted_on: str = "out-of-fold walk-forward predictions of the training period"

    def probability(self, y_hat: Any) -> np.ndarray:
        z = (np.asarray(y_hat, dtype=np.float64) - self.center) / self.scale
        return _sigmoid(self.intercept + self.slope * z)

    def probability_one(self, y_hat: float) -> float:
        """``probability`` of one value, in plain floats: serving calls it once per symbol, and
        the array path costs 22 us a call against 0.3 us here (measured in process, 20,000
        calls each), 11 ms of a 500-symbol batch."""
        x = self.intercept + self.slope * (float(y_hat) - self.center) / self.scale
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        ex = math.exp(x)
        return ex / (1.0 + ex)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> CalibrationMap | None:
        """The map stored in ``data``, or ``None`` when absent or of an unknown format."""
        if not isinstance(data, dict) or data.get("format") != CALIBRATION_FORMAT:
            return None
        try:
            values = {
                key: float(data[key])
                for key in ("intercept", "slope", "center", "scale", "base_rate", "train_mean")
            }
        except (KeyError, TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in values.values()) or values["scale"] <= 0:
            return None
        return cls(**values, n=int(data.get("n") or 0), method=str(data.get("method", "logistic")))


def _sigmoid(x: Any) -> Any:
    # split by sign so exp never overflows
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out if out.ndim else out[()]


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def calibration_fit(
    y_pred_oof: Any, y_true_oof: Any, *, base_rate: float, train_mean: float
) -> CalibrationMap:
    """Fit the logistic map on out-of-fold ``(y_hat, y)`` pairs (non-finite pairs dropped).

    ``base_rate`` (share of up moves in the training targets) and ``train_mean`` are stored
    with the map: serving compares the calibrated probability with the base rate and the
    expected return with the training mean (the drift baseline) to decide BUY/SELL.
    """
    p = np.asarray(y_pred_oof, dtype=np.float64).reshape(-1)
    t = np.asarray(y_true_oof, dtype=np.float64).reshape(-1)
    keep = np.isfinite(p) & np.isfinite(t)
    p, t = p[keep], t[keep]
    n = int(p.size)
    center = float(np.mean(p)) if n else 0.0
    spread = float(np.std(p)) if n > 1 else 0.0
    scale = spread if spread > 0 and math.isfinite(spread) else 1.0
    intercept, slope = _logit(base_rate), 0.0
    if n >= MIN_ROWS and spread > 0:
        z = (p - center) / scale
        outcome = (t > 0).astype(np.float64)
        X = np.column_stack([np.ones(n), z])
        beta = np.array([_logit(float(outcome.mean())), 0.0])
        penalty = np.diag([0.0, _RIDGE * n])
        for _ in range(_MAX_NEWTON_STEPS):
            q = _sigmoid(X @ beta)
            grad = X.T @ (outcome - q) - penalty @ beta
            hess = (X * (q * (1 - q))[:, None]).T @ X + penalty
            try:
                step = np.linalg.solve(hess, grad)
            except np.linalg.LinAlgError:
                break
            beta = beta + step
            if float(np.max(np.abs(step))) < 1e-10:
                break
        if np.isfinite(beta).all():
            intercept, slope = float(beta[0]), float(beta[1])
    return CalibrationMap(
        intercept=intercept,
        slope=slope,
        center=center,
        scale=scale,
        base_rate=float(base_rate),
        train_mean=float(train_mean),
        n=n,
    )


def edge_signal(
    p_up: float,
    *,
    expected_return: float,
    base_rate: float,
    train_mean: float,
    margin: float = SIGNAL_MARGIN,
) -> str:
    """``BUY``/``SELL`` only when P(up) departs from the base rate by more than ``margin`` and
    the expected return is on the same side of the drift baseline; else ``HOLD``."""
    if p_up - base_rate > margin and expected_return > train_mean:
        return "BUY"
    if base_rate - p_up > margin and expected_return < train_mean:
        return "SELL"
    return "HOLD"


def edge_signals(
    p_up: np.ndarray,
    expected_return: np.ndarray,
    *,
    base_rate: float,
    train_mean: float,
    margin: float = SIGNAL_MARGIN,
) -> np.ndarray:
    """Vectorized ``edge_signal`` as calls: +1 BUY, -1 SELL, 0 HOLD."""
    p = np.asarray(p_up, dtype=np.float64)
    e = np.asarray(expected_return, dtype=np.float64)
    buy = (p - base_rate > margin) & (e > train_mean)
    sell = (base_rate - p > margin) & (e < train_mean)
    return buy.astype(np.int8) - sell.astype(np.int8)
