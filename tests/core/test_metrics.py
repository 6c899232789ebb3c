"""Regression metrics and baselines: values, conventions for ties, JSON safety."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from mlplatform.core.metrics import METRIC_KEYS, evaluate, regression_metrics
from mlplatform.errors import ValidationFailed


def _sample(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y_true = rng.normal(0.001, 0.02, size=n)
    y_pred = 0.3 * y_true + rng.normal(0.0, 0.01, size=n)
    return y_true, y_pred


def test_metrics_match_reference_implementations() -> None:
    y_true, y_pred = _sample(0)
    m = regression_metrics(y_true, y_pred)
    assert set(m) == set(METRIC_KEYS)
    assert m["n"] == len(y_true)
    assert m["rmse"] == pytest.approx(math.sqrt(mean_squared_error(y_true, y_pred)), rel=1e-12)
    assert m["mae"] == pytest.approx(mean_absolute_error(y_true, y_pred), rel=1e-12)
    assert m["r2"] == pytest.approx(r2_score(y_true, y_pred), rel=1e-12)
    assert m["ic"] == pytest.approx(stats.spearmanr(y_true, y_pred).statistic, rel=1e-12)
    expected_da = np.mean(np.sign(y_true) == np.sign(y_pred))
    assert m["directional_accuracy"] == pytest.approx(expected_da)


def test_directional_accuracy_tie_rules() -> None:
    y_true = np.array([0.02, -0.01, 0.0, 0.03, -0.02])
    y_pred = np.array([0.01, 0.01, 0.05, 0.0, -0.5])
    # row 2 (true 0) excluded; row 3 (pred 0) is a miss -> hits: rows 0 and 4 of 4
    assert regression_metrics(y_true, y_pred)["directional_accuracy"] == pytest.approx(0.5)
    assert regression_metrics([0.0, 0.0], [1.0, -1.0])["directional_accuracy"] is None


def test_undefined_metrics_are_none_not_nan() -> None:
    constant = regression_metrics([0.01, 0.01, 0.01], [0.0, 0.02, 0.01])
    assert constant["r2"] is None and constant["ic"] is None
    assert constant["rmse"] is not None
    # 0.1 is inexact in binary; centering it must not produce a meaningless r2
    assert regression_metrics([0.1] * 7, [0.2] * 7)["r2"] is None
    flat_pred = regression_metrics([0.01, -0.02, 0.03], [0.5, 0.5, 0.5])
    assert flat_pred["ic"] is None
    assert flat_pred["r2"] is not None
    empty = regression_metrics([], [])
    assert empty == {"n": 0, **dict.fromkeys(METRIC_KEYS[1:])}


def test_non_finite_pairs_are_dropped() -> None:
    y_true, y_pred = _sample(1, n=50)
    dirty_true, dirty_pred = y_true.copy(), y_pred.copy()
    dirty_true[3] = np.nan
    dirty_pred[7] = np.inf
    keep = np.ones(50, dtype=bool)
    keep[[3, 7]] = False
    assert regression_metrics(dirty_true, dirty_pred) == regression_metrics(
        y_true[keep], y_pred[keep]
    )


def test_length_mismatch_raises() -> None:
    with pytest.raises(ValidationFailed, match="y_pred has 2"):
        regression_metrics([1.0, 2.0, 3.0], [1.0, 2.0])


def test_evaluate_baselines_and_skill() -> None:
    y_true, y_pred = _sample(2)
    train_mean = 0.0015
    result = evaluate(y_true, y_pred, train_mean=train_mean)
    assert set(result) == {
        "model",
        "baseline_zero",
        "baseline_mean",
        "baseline_majority",
        "skill",
        "skill_vs",
        "skill_zero",
        "skill_mean",
        "directional_edge",
    }
    zero_rmse = math.sqrt(float(np.mean(y_true**2)))
    mean_rmse = math.sqrt(float(np.mean((y_true - train_mean) ** 2)))
    assert result["baseline_zero"]["rmse"] == pytest.approx(zero_rmse, rel=1e-12)
    assert result["baseline_mean"]["rmse"] == pytest.approx(mean_rmse, rel=1e-12)
    assert result["baseline_zero"]["directional_accuracy"] == 0.0
    assert result["baseline_zero"]["ic"] is None
    best = min(zero_rmse, mean_rmse)
    assert result["skill"] == pytest.approx(1 - result["model"]["rmse"] / best, rel=1e-12)
    assert result["skill_zero"] == pytest.approx(1 - result["model"]["rmse"] / zero_rmse)
    assert result["skill_mean"] == pytest.approx(1 - result["model"]["rmse"] / mean_rmse)
    assert result["skill_vs"] == ("zero" if zero_rmse <= mean_rmse else "mean")
    assert result["skill"] > 0  # the sample prediction is informative by construction
    up_share = float(np.mean(y_true[y_true != 0] > 0))
    assert result["baseline_majority"]["directional_accuracy"] == pytest.approx(up_share)
    assert result["directional_edge"] == pytest.approx(
        result["model"]["directional_accuracy"] - up_share
    )
    down = evaluate(y_true, y_pred, train_mean=train_mean, majority=-1)
    assert down["baseline_majority"]["directional_accuracy"] == pytest.approx(1 - up_share)


def test_evaluate_is_json_safe() -> None:
    result = evaluate([0.0, 0.0, 0.0], [0.1, -0.1, 0.0], train_mean=0.0)
    assert result["skill"] is None  # zero baseline is perfect: skill undefined
    text = json.dumps(result, allow_nan=False)
    assert json.loads(text) == result
    for block in ("model", "baseline_zero", "baseline_mean"):
        for value in result[block].values():
            assert value is None or type(value) in (int, float)
