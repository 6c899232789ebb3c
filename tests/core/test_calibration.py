"""The calibration map: reliable on data with a known P(up | y_hat), honest without signal."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.stats import norm

from mlplatform.core import evaluation as ev
from mlplatform.core.calibration import (
    CALIBRATION_FORMAT,
    CalibrationMap,
    calibration_fit,
    edge_signal,
    edge_signals,
)


def _known(seed: int, n: int, *, beta: float = 0.6, drift: float = 0.001, noise: float = 0.02):
    """y_hat ~ N(drift, 0.01); y = drift + beta*(y_hat - drift) + N(0, noise).

    So P(up | y_hat) = Phi((drift + beta*(y_hat - drift)) / noise), known exactly."""
    rng = np.random.default_rng(seed)
    y_hat = rng.normal(drift, 0.01, size=n)
    mean = drift + beta * (y_hat - drift)
    y = mean + rng.normal(0.0, noise, size=n)
    return y_hat, y, norm.cdf(mean / noise)


def test_reliability_within_005_per_decile_and_brier_beats_the_base_rate() -> None:
    fit_hat, fit_y, _ = _known(1, 20_000)  # stands in for the out-of-fold rows
    val_hat, val_y, true_p = _known(2, 20_000)  # reporting rows, never used to fit
    base = ev.base_rate(fit_y)
    cal = calibration_fit(fit_hat, fit_y, base_rate=base, train_mean=float(fit_y.mean()))
    p = cal.probability(val_hat)
    outcome = ev.up_outcome(val_y)
    table = ev.reliability_table(outcome, p)
    assert len(table) == 10
    order = np.argsort(p, kind="mergesort")
    for row, chunk in zip(table, np.array_split(order, 10), strict=True):
        # against the realized share (sampling error ~0.011 per decile) and the known truth
        assert abs(row["p_mean"] - row["up_share"]) < 0.05, row
        assert abs(row["p_mean"] - true_p[chunk].mean()) < 0.02, row
    # rising, not flat: the calibrated probabilities carry the signal
    assert table[-1]["up_share"] - table[0]["up_share"] > 0.3
    brier = ev.brier_score(outcome, p)
    assert brier < ev.brier_score(outcome, np.full_like(p, base))
    assert ev.log_loss(outcome, p) < ev.log_loss(outcome, np.full_like(p, base))


def test_no_information_gives_the_base_rate() -> None:
    rng = np.random.default_rng(3)
    y_hat = rng.normal(0.0, 0.01, size=5000)
    y = rng.normal(0.002, 0.02, size=5000)  # independent of y_hat: P(up) is the base rate
    base = ev.base_rate(y)
    cal = calibration_fit(y_hat, y, base_rate=base, train_mean=0.002)
    p = cal.probability(y_hat)
    assert abs(cal.slope) < 0.1
    assert np.abs(p - base).max() < 0.05
    # so the edge rule says HOLD on (nearly) every row: drift alone never makes BUY
    calls = edge_signals(p, y_hat, base_rate=base, train_mean=0.002)
    assert np.mean(calls != 0) < 0.02


def test_too_few_rows_fit_no_slope() -> None:
    cal = calibration_fit([0.01, -0.01], [0.02, -0.01], base_rate=0.6, train_mean=0.0)
    assert cal.slope == 0.0
    assert cal.probability_one(0.5) == pytest.approx(0.6)


def test_map_round_trips_as_versioned_json() -> None:
    fit_hat, fit_y, _ = _known(4, 2000)
    cal = calibration_fit(fit_hat, fit_y, base_rate=0.55, train_mean=0.001)
    data = json.loads(json.dumps(cal.to_dict(), allow_nan=False))
    assert data["format"] == CALIBRATION_FORMAT and data["method"] == "logistic"
    again = CalibrationMap.from_dict(data)
    assert again is not None
    assert again.probability_one(0.004) == pytest.approx(cal.probability_one(0.004), abs=1e-15)
    # by hand: logistic in the standardized prediction
    z = (0.004 - data["center"]) / data["scale"]
    by_hand = 1 / (1 + math.exp(-(data["intercept"] + data["slope"] * z)))
    assert cal.probability_one(0.004) == pytest.approx(by_hand, abs=1e-15)
    assert CalibrationMap.from_dict({**data, "format": 99}) is None
    assert CalibrationMap.from_dict(None) is None
    assert CalibrationMap.from_dict({**data, "scale": 0.0}) is None


def test_extreme_inputs_stay_inside_0_1() -> None:
    cal = CalibrationMap(
        intercept=0.0, slope=50.0, center=0.0, scale=0.01, base_rate=0.5, train_mean=0.0, n=1
    )
    assert cal.probability_one(10.0) == 1.0
    assert cal.probability_one(-10.0) == pytest.approx(0.0, abs=1e-300)
    assert np.isfinite(cal.probability(np.array([-1e6, 1e6]))).all()
    assert cal.probability_one(-1e6) == 0.0 and cal.probability_one(1e6) == 1.0
    # the scalar path serving uses agrees with the array path training uses
    grid = np.linspace(-0.05, 0.05, 201)
    scalar = [cal.probability_one(v) for v in grid]
    assert scalar == pytest.approx(cal.probability(grid).tolist(), abs=1e-15)


def test_edge_signal_needs_both_the_margin_and_the_drift() -> None:
    kw = {"base_rate": 0.56, "train_mean": 0.002}
    assert edge_signal(0.62, expected_return=0.004, **kw) == "BUY"
    # above the old 0.55 threshold but within the margin of the base rate: no edge
    assert edge_signal(0.60, expected_return=0.004, **kw) == "HOLD"
    # probability high but the expected return does not beat the drift baseline
    assert edge_signal(0.62, expected_return=0.001, **kw) == "HOLD"
    assert edge_signal(0.50, expected_return=-0.001, **kw) == "SELL"
    assert edge_signal(0.50, expected_return=0.003, **kw) == "HOLD"
    calls = edge_signals(
        np.array([0.62, 0.60, 0.50]), np.array([0.004, 0.004, -0.001]), **kw
    ).tolist()
    assert calls == [1, 0, -1]
