"""From a model output to what a trader reads: probability, signal, confidence, risk.

Pure functions (no Django, no I/O) so each rule is tested on its own.

Versions with a calibration map (``config["calibration"]``, see ``core.calibration``):

- ``probability_up`` = the map's calibrated P(up | expected_return), fitted on out-of-fold
  walk-forward predictions of the training period; ``base_rate`` = the share of up moves in
  the training targets.
- ``prediction`` (signals that mean edge): ``BUY`` when ``p - base_rate > SIGNAL_MARGIN``
  (0.05) *and* the expected return beats the drift baseline (``expected_return > train_mean``);
  ``SELL`` when ``base_rate - p > SIGNAL_MARGIN`` *and* ``expected_return < train_mean``;
  otherwise ``HOLD``. A model whose calibration finds no information (slope ~ 0) therefore
  says ``HOLD``: the market's drift alone never makes a ``BUY``.

Versions trained before calibration maps existed (no map) keep the old rule, and
``base_rate`` is ``None`` for them:

- ``probability_up = Phi(expected_return / residual_std)``: the standard Normal CDF of the
  predicted return in units of the version's validation residual std; ``residual_std <= 0`` (or
  not finite) is treated as a degenerate, perfectly certain model: 1.0 / 0.0 / 0.5 by the sign
  of the expected return.
- ``prediction``: ``BUY`` when ``p > 0.55``, ``SELL`` when ``p < 0.45``, else ``HOLD`` (both
  boundaries are ``HOLD``).

Both:

- ``probability_down = 1 - probability_up``.
- ``confidence = |2 p - 1|``, multiplied by ``DEGRADED_CONFIDENCE_FACTOR`` (0.7) when the input
  was degraded or stale.
- ``risk_score = min(1, annualized_volatility / RISK_FULL_SCALE_VOLATILITY)`` where
  ``annualized_volatility = std(ddof=1) of the last 20 daily log returns x sqrt(252)`` and the
  full scale is 0.8 (80 % annualized volatility, a very turbulent stock, scores 1.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlplatform.core.calibration import SIGNAL_MARGIN, CalibrationMap, edge_signal, edge_signals

__all__ = ["SIGNAL_MARGIN", "edge_signal", "edge_signals"]

BUY_ABOVE = 0.55
SELL_BELOW = 0.45
DEGRADED_CONFIDENCE_FACTOR = 0.7
RISK_WINDOW = 20
RISK_FULL_SCALE_VOLATILITY = 0.8
TRADING_DAYS_PER_YEAR = 252


@dataclass(frozen=True)
class Outputs:
    """The mapped outputs of one prediction."""

    prediction: str
    confidence: float
    probability_up: float
    probability_down: float
    expected_return: float
    #: Training share of up moves (``None``: an old version without a calibration map).
    base_rate: float | None = None


def normal_cdf(x: float) -> float:
    """Standard Normal CDF via ``erfc`` (accurate in both tails)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def probability_up(expected_return: float, residual_std: float) -> float:
    """``Phi(expected_return / residual_std)``; a sign step when the std is not positive."""
    if not math.isfinite(residual_std) or residual_std <= 0.0:
        if expected_return > 0.0:
            return 1.0
        if expected_return < 0.0:
            return 0.0
        return 0.5
    return normal_cdf(expected_return / residual_std)


def signal(p_up: float) -> str:
    """``BUY`` above 0.55, ``SELL`` below 0.45, else ``HOLD``."""
    if p_up > BUY_ABOVE:
        return "BUY"
    if p_up < SELL_BELOW:
        return "SELL"
    return "HOLD"


def confidence(p_up: float, *, degraded: bool) -> float:
    """``|2p - 1|``, times 0.7 when the input is degraded."""
    value = abs(2.0 * p_up - 1.0)
    return value * DEGRADED_CONFIDENCE_FACTOR if degraded else value


def outputs_map(
    *,
    expected_return: float,
    residual_std: float,
    degraded: bool,
    calibration: CalibrationMap | None = None,
) -> Outputs:
    """Every output of one prediction from the model's expected return.

    ``calibration`` is the version's map (``LoadedModel.calibration``, parsed at load); without
    one the old ``Phi(y / sigma)`` rule and the 0.55/0.45 thresholds apply.
    """
    cal = calibration
    if cal is None:
        p_up = probability_up(expected_return, residual_std)
        prediction = signal(p_up)
        base = None
    else:
        p_up = cal.probability_one(expected_return)
        base = cal.base_rate
        prediction = edge_signal(
            p_up, expected_return=expected_return, base_rate=base, train_mean=cal.train_mean
        )
    return Outputs(
        prediction=prediction,
        confidence=confidence(p_up, degraded=degraded),
        probability_up=p_up,
        probability_down=1.0 - p_up,
        expected_return=expected_return,
        base_rate=base,
    )


def risk_score(close: np.ndarray) -> float:
    """``min(1, annualized vol of the last 20 daily log returns / 0.8)``; 0 without enough data."""
    tail = np.asarray(close, dtype="float64")[-(RISK_WINDOW + 1) :]
    if len(tail) < 3:
        return 0.0
    log_returns = np.diff(np.log(tail))
    if not np.isfinite(log_returns).all():
        return 0.0
    annualized = float(np.std(log_returns, ddof=1)) * math.sqrt(TRADING_DAYS_PER_YEAR)
    return float(min(1.0, annualized / RISK_FULL_SCALE_VOLATILITY))
