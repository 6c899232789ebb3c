"""Each output rule of issue 5, on the pure mapping functions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from predictions import scoring


@pytest.mark.parametrize(
    ("expected_return", "residual_std"),
    [(0.0, 0.02), (0.01, 0.02), (-0.03, 0.015), (0.2, 0.01), (-0.2, 0.01), (1e-9, 0.05)],
)
def test_probability_up_is_the_normal_cdf_of_the_standardized_return(
    expected_return: float, residual_std: float
) -> None:
    got = scoring.probability_up(expected_return, residual_std)
    assert got == pytest.approx(norm.cdf(expected_return / residual_std), abs=1e-12)


def test_probability_is_accurate_deep_in_the_tails() -> None:
    assert scoring.probability_up(-0.4, 0.05) == pytest.approx(norm.cdf(-8.0), rel=1e-9)
    assert 0.0 < scoring.probability_up(-0.4, 0.05) < 1e-14


@pytest.mark.parametrize("residual_std", [0.0, -1.0, math.nan, math.inf])
def test_non_positive_residual_std_degenerates_to_the_sign(residual_std: float) -> None:
    assert scoring.probability_up(0.01, residual_std) == 1.0
    assert scoring.probability_up(-0.01, residual_std) == 0.0
    assert scoring.probability_up(0.0, residual_std) == 0.5


@pytest.mark.parametrize(
    ("p_up", "expected"),
    [
        (0.9, "BUY"),
        (np.nextafter(0.55, 1.0), "BUY"),
        (0.55, "HOLD"),
        (0.5, "HOLD"),
        (0.45, "HOLD"),
        (np.nextafter(0.45, 0.0), "SELL"),
        (0.1, "SELL"),
    ],
)
def test_signal_thresholds_and_boundaries(p_up: float, expected: str) -> None:
    assert scoring.signal(float(p_up)) == expected


def test_confidence_is_distance_from_a_coin_flip_and_shrinks_when_degraded() -> None:
    for p in (0.0, 0.2, 0.5, 0.73, 1.0):
        assert scoring.confidence(p, degraded=False) == pytest.approx(abs(2 * p - 1))
        assert scoring.confidence(p, degraded=True) == pytest.approx(0.7 * abs(2 * p - 1))


def test_outputs_map_combines_the_rules() -> None:
    out = scoring.outputs_map(expected_return=0.004, residual_std=0.02, degraded=True)
    p = norm.cdf(0.2)
    assert out.probability_up == pytest.approx(p)
    assert out.probability_down == pytest.approx(1 - p)
    assert out.probability_up + out.probability_down == pytest.approx(1.0)
    assert out.confidence == pytest.approx(0.7 * (2 * p - 1))
    assert out.prediction == "BUY"  # p ~ 0.579
    assert out.expected_return == 0.004
    sell = scoring.outputs_map(expected_return=-0.004, residual_std=0.02, degraded=False)
    assert sell.prediction == "SELL"
    assert sell.confidence == pytest.approx(2 * p - 1)


def test_signal_boundary_reached_through_the_cdf() -> None:
    # The expected return whose probability is exactly on the BUY threshold is HOLD; a hair
    # above is BUY.
    std = 0.02
    at_threshold = norm.ppf(0.55) * std
    assert (
        scoring.outputs_map(
            expected_return=at_threshold * (1 - 1e-9), residual_std=std, degraded=False
        ).prediction
        == "HOLD"
    )
    assert (
        scoring.outputs_map(
            expected_return=at_threshold * (1 + 1e-6), residual_std=std, degraded=False
        ).prediction
        == "BUY"
    )
    assert (
        scoring.outputs_map(
            expected_return=-at_threshold * (1 + 1e-6), residual_std=std, degraded=False
        ).prediction
        == "SELL"
    )


def test_risk_score_from_annualized_volatility_of_20_log_returns() -> None:
    rng = np.random.default_rng(3)
    log_returns = rng.normal(0.0, 0.015, size=60)
    close = 100 * np.exp(np.cumsum(log_returns))
    expected_vol = np.std(np.diff(np.log(close[-21:])), ddof=1) * math.sqrt(252)
    assert scoring.risk_score(close) == pytest.approx(min(1.0, expected_vol / 0.8))
    assert 0.0 < scoring.risk_score(close) < 1.0


def test_risk_score_is_bounded_and_zero_for_flat_prices() -> None:
    assert scoring.risk_score(np.full(30, 50.0)) == 0.0
    wild = 100 * np.exp(np.cumsum(np.tile([0.2, -0.2], 15)))
    assert scoring.risk_score(wild) == 1.0
    assert scoring.risk_score(np.array([10.0, 11.0])) == 0.0
