"""Seeded, small version of the status error-rate measurement (the large one is in the bench:
``python -m bench --only outcomes``). Data: clustered volatility, a common daily factor."""

from __future__ import annotations

from bench.outcome_stats import population_skill, rates


def test_null_false_alarms_power_and_coverage_on_simulated_outcomes() -> None:
    null = rates(2.0, reps=24, dates=120, symbols=10, seed=11)
    assert population_skill(2.0) == 0.0
    assert null["degraded"] <= 5  # nominal 5% one-sided; binomial(24, 0.1) >= 6 has p ~ 0.07
    assert 0.7 <= null["coverage"] <= 1.0
    harmful = rates(3.0, reps=12, dates=120, symbols=10, seed=12)
    assert harmful["true_skill"] < -0.2 and harmful["degraded"] >= 11
    good = rates(1.0, reps=12, dates=120, symbols=10, seed=13)
    assert good["degraded"] == 0
