"""The calibrated drift alarm: exact KS statistic, calibration structure, and seeded null/power
rates on the synthetic generator (vol clustering, autocorrelated rolling features, a common
market factor). The >= 200-window measurements are in ``bench/entries/drift.py``; here a few
universes with looser bounds that the old rule fails."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from bench import drift_sim
from mlplatform.core.drift import (
    CALIBRATION_LEVELS,
    build_reference,
    calibrate_reference,
    calibration_cell,
    drift_report,
    ks_statistic,
)
from mlplatform.core.features import FEATURE_NAMES
from mlplatform.errors import ValidationFailed

NAMES = list(FEATURE_NAMES)
SYMBOLS = 20
TRAIN_ROWS = 1520  # 260 warm-up rows + ~5 years of training rows
MONITOR_ROWS = 300
DAYS = 30


@pytest.mark.parametrize("seed", range(6))
def test_ks_statistic_equals_scipy_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    reference = np.round(rng.normal(size=rng.integers(50, 400)), seed % 3)
    live = np.round(rng.normal(0.3, 1.2, size=rng.integers(1, 200)), (seed + 1) % 3)
    expected = stats.ks_2samp(reference, live).statistic
    assert ks_statistic(reference, live) == pytest.approx(expected, abs=1e-6)


@pytest.fixture(scope="module")
def universes() -> list[drift_sim.Universe]:
    return [
        drift_sim.universe(
            seed, n_symbols=SYMBOLS, train_rows=TRAIN_ROWS, monitor_rows=MONITOR_ROWS
        )
        for seed in (11, 12, 13)
    ]


def test_calibration_is_seeded_and_covers_the_grid(universes) -> None:
    universe = universes[0]
    calibration = universe.reference["calibration"]
    again = calibrate_reference(
        universe.reference,
        [(dates[:TRAIN_ROWS], X[:TRAIN_ROWS]) for dates, X in universe.blocks],
    )
    assert again == calibration
    assert calibration["panel_symbols"] == SYMBOLS
    cells = {(cell["days"], cell["symbols"]) for cell in calibration["cells"]}
    assert {(1, 1), (21, 16), (21, SYMBOLS), (252, SYMBOLS)} <= cells
    for cell in calibration["cells"]:
        for name in NAMES:
            table = cell["quantiles"][name]
            assert len(table) == len(CALIBRATION_LEVELS)
            assert table == sorted(table) and 0.0 <= table[0] and table[-1] <= 1.0
    # longer windows have a tighter null: the median statistic shrinks with the window length
    by_days = {c["days"]: c["scale"]["ret_1d"] for c in calibration["cells"] if c["symbols"] == 16}
    assert by_days[252] < by_days[21] < by_days[1]


def test_cell_choice_rounds_down() -> None:
    calibration = {
        "cells": [
            {"days": d, "symbols": m, "windows": 1} for d in (1, 5, 21, 63) for m in (1, 4, 16)
        ]
    }
    assert dict(calibration_cell(calibration, 30, 20.0)) == {
        "days": 21,
        "symbols": 16,
        "windows": 1,
    }
    assert dict(calibration_cell(calibration, 4, 3.0))["days"] == 1
    assert dict(calibration_cell(calibration, 500, 1.0)) == {"days": 63, "symbols": 1, "windows": 1}


def _flags(reference: dict, windows) -> list[bool]:
    return [drift_sim.flagged(reference, X, dates) for X, dates, *_ in windows]


def test_null_market_windows_rarely_alarm_where_the_old_rule_always_does(universes) -> None:
    calibrated, old = [], []
    for universe in universes:
        windows = drift_sim.market_windows(
            universe.blocks, TRAIN_ROWS, TRAIN_ROWS + MONITOR_ROWS, DAYS
        )
        calibrated += _flags(universe.reference, windows)
        old += _flags(drift_sim.uncalibrated(universe.reference), windows)
    assert len(calibrated) == 30
    # stated rate 5%; 30 seeded windows: at most 4 flagged (the old rule flags most of them)
    assert sum(calibrated) <= 4, calibrated
    assert sum(old) >= 20, old


def test_null_served_windows_and_windows_inside_training(universes) -> None:
    served, inside = [], []
    for universe in universes:
        rng = np.random.default_rng(universe.seed)
        served += _flags(
            universe.reference,
            drift_sim.served_windows(
                universe.blocks, TRAIN_ROWS, TRAIN_ROWS + MONITOR_ROWS, rng=rng
            ),
        )
        inside += _flags(
            universe.reference,
            drift_sim.market_windows(universe.blocks, 260, TRAIN_ROWS, DAYS),
        )
    assert len(served) == 30 and len(inside) == 126
    assert sum(served) <= 4, served
    # stated 5% + 5 points, with room for 126 seeded windows
    assert sum(inside) / len(inside) <= 0.10, sum(inside)


@pytest.mark.parametrize("shift", [{"vol_multiplier": 2.0}, {"mean_shift_sd": 1.0}])
def test_power_after_a_change(universes, shift: dict) -> None:
    flags = []
    for universe in universes[:2]:
        windows = drift_sim.shifted_windows(
            universe, n_symbols=SYMBOLS, monitor_rows=MONITOR_ROWS, days=DAYS, **shift
        )
        flags += _flags(universe.reference, windows)
    assert len(flags) == 20
    assert sum(flags) >= 18, flags


def test_report_names_its_evidence(universes) -> None:
    universe = universes[0]
    X, dates = drift_sim.shifted_windows(
        universe, n_symbols=SYMBOLS, monitor_rows=MONITOR_ROWS, days=DAYS, vol_multiplier=2.0
    )[-1]
    report = drift_report(universe.reference, X, NAMES, threshold=0.05, dates=dates)
    assert report["status"] == "drift_detected"
    assert report["calibration"] == "empirical" and report["false_alarm_rate"] == 0.05
    assert report["method"] == "ks_calibrated+psi"
    assert report["distinct_dates"] == DAYS
    assert report["calibration_cell"] == {"days": 21, "symbols": SYMBOLS, "windows": 200}
    assert report["dataset_statistic"] > report["dataset_threshold"]
    volatility = report["details"]["volatility"]
    assert volatility["drift"] is True
    assert volatility["statistic"] > volatility["threshold_statistic"]
    assert volatility["p_value"] <= 1 / 201 + 1e-12
    assert volatility["iid_p_value"] < 1e-10
    assert 1 <= volatility["effective_rows"] < X.shape[0] / 5
    assert volatility["live"]["mean"] > volatility["reference"]["mean"]
    assert set(volatility["live"]["quantiles"]) == {"p05", "p25", "p50", "p75", "p95"}
    assert report["drifted_features"] == [n for n in NAMES if report["details"][n]["drift"]]
    assert report["drift_share"] == len(report["drifted_features"]) / len(NAMES)


def test_without_dates_every_row_is_its_own_date(universes) -> None:
    universe = universes[0]
    X, _ = drift_sim.market_windows(universe.blocks, TRAIN_ROWS, TRAIN_ROWS + DAYS, DAYS)[0]
    report = drift_report(universe.reference, X, NAMES)
    assert report["distinct_dates"] == X.shape[0]
    assert report["calibration_cell"]["symbols"] == 1


def test_bad_dates_and_calibration_are_validation_errors(universes) -> None:
    universe = universes[0]
    X, dates = drift_sim.market_windows(universe.blocks, TRAIN_ROWS, TRAIN_ROWS + DAYS, DAYS)[0]
    with pytest.raises(ValidationFailed, match="one entry per live row"):
        drift_report(universe.reference, X, NAMES, dates=dates[:-1])
    with pytest.raises(ValidationFailed, match="dates must be"):
        drift_report(universe.reference, X, NAMES, dates=["not a date"] * X.shape[0])
    broken = {**universe.reference, "calibration": {"cells": [{"days": 1}]}}
    with pytest.raises(ValidationFailed, match="malformed drift calibration"):
        drift_report(broken, X, NAMES, dates=dates)


def test_calibration_rejects_unusable_blocks() -> None:
    rng = np.random.default_rng(0)
    reference = build_reference(rng.normal(size=(500, 2)), ["a", "b"])
    with pytest.raises(ValidationFailed, match="rows x features"):
        calibrate_reference(reference, [(np.arange(10), rng.normal(size=(10, 3)))])
    with pytest.raises(ValidationFailed, match="no finite training rows"):
        calibrate_reference(reference, [(np.arange(3), np.full((3, 2), np.nan))])
