"""The training pipeline's wiring: honest split, walk-forward CV, ridge, metrics, policy."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from mlplatform.core.features import FEATURE_NAMES, feature_schema_hash
from mlplatform.core.splits import time_split
from mlplatform.errors import ValidationFailed
from mlplatform.market_data import market_data_source
from registry.training import (
    dataset_build,
    training_params_resolve,
    training_run_pipeline,
)


def _run(params: dict[str, Any]):  # type: ignore[no-untyped-def]
    resolved = training_params_resolve(params)
    return resolved, training_run_pipeline(params=resolved, source=market_data_source())


def test_ridge_inside_training_equals_sklearn_on_the_same_standardized_matrix(small_params):
    resolved, result = _run({**small_params, "alpha": 3.0})
    dataset = dataset_build(params=resolved, source=market_data_source())
    train_idx, _ = time_split(
        dataset.dates, test_size=resolved.test_size, embargo=resolved.horizon, groups=dataset.groups
    )
    X = np.concatenate(dataset.X)[train_idx]
    y = np.concatenate(dataset.y)[train_idx]
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    reference = Ridge(alpha=3.0, fit_intercept=True).fit(Z, y)

    np.testing.assert_allclose(result.model.coefficients, reference.coef_, rtol=0, atol=1e-8)
    assert result.model.intercept == pytest.approx(reference.intercept_, abs=1e-10)
    assert result.model.n_samples == len(train_idx)


def test_target_is_the_forward_return_over_the_horizon(small_params):
    resolved = training_params_resolve(small_params)
    dataset = dataset_build(params=resolved, source=market_data_source())
    candles = market_data_source().get_candles("AAA", lookback=resolved.lookback).candles
    close = candles["close"].to_numpy()
    dates = candles["timestamp"].dt.tz_convert(None).to_numpy().astype("datetime64[D]")
    position = {d: i for i, d in enumerate(dates)}
    h = resolved.horizon
    for row in (0, 17, len(dataset.y[0]) - 1):
        t = position[dataset.dates[row]]
        assert dataset.y[0][row] == pytest.approx(close[t + h] / close[t] - 1.0, rel=1e-12)
    # the last h candles have no realized target and never enter the dataset
    assert dataset.dates[len(dataset.y[0]) - 1] == dates[-1 - h]


def test_split_is_by_date_with_an_embargo_and_never_shuffled(small_params):
    _, result = _run(small_params)
    split = result.split
    assert split["shuffled"] is False
    assert split["embargo_days"] == 5
    train_last = np.datetime64(split["train"]["last_date"])
    val_first = np.datetime64(split["validation"]["first_date"])
    assert train_last < val_first
    # the embargo drops `horizon` business days between the two sides
    gap = np.busday_count(train_last, val_first)
    assert gap >= 5 + 1
    # the validation block is the latest share of dates
    assert split["validation"]["last_date"] == max(
        w["last_date"] for w in result.dataset_window.values()
    )


def test_walk_forward_folds_expand_and_stay_before_validation(small_params):
    _, result = _run({**small_params, "cv_folds": 4})
    folds = result.cv_metrics["folds"]
    assert len(folds) == 4 and result.cv_metrics["scheme"] == "walk_forward_expanding"
    train_rows = [fold["train"]["rows"] for fold in folds]
    assert train_rows == sorted(train_rows) and len(set(train_rows)) == 4
    first_train = {fold["train"]["first_date"] for fold in folds}
    assert len(first_train) == 1  # expanding: every fold starts at the first date
    for fold in folds:
        assert np.datetime64(fold["train"]["last_date"]) < np.datetime64(fold["test"]["first_date"])
        assert fold["test"]["last_date"] < result.split["validation"]["first_date"]
    for earlier, later in itertools.pairwise(folds):
        assert earlier["test"]["last_date"] < later["test"]["first_date"]
    assert result.cv_metrics["mean_rmse"] == pytest.approx(np.mean([f["rmse"] for f in folds]))


def test_metrics_for_model_and_both_baselines_on_train_and_validation(small_params):
    _, result = _run(small_params)
    for metrics in (result.training_metrics, result.validation_metrics):
        assert {
            "model",
            "baseline_zero",
            "baseline_mean",
            "baseline_majority",
            "skill",
            "skill_vs",
            "skill_zero",
            "skill_mean",
            "directional_edge",
        } <= set(metrics)
        for key in ("model", "baseline_zero", "baseline_mean"):
            assert {"rmse", "mae", "r2", "directional_accuracy", "ic", "n"} <= set(metrics[key])
            assert metrics[key]["rmse"] > 0
        rmse, zero = metrics["model"]["rmse"], metrics["baseline_zero"]["rmse"]
        mean = metrics["baseline_mean"]["rmse"]
        assert metrics["skill"] == pytest.approx(1 - rmse / min(zero, mean))
        assert metrics["skill_zero"] == pytest.approx(1 - rmse / zero)
        assert metrics["skill_mean"] == pytest.approx(1 - rmse / mean)
    # intervals are validation-only (they need the dates) and bracket the point estimate
    val = result.validation_metrics
    for key, point in (("skill_ci", val["skill"]), ("ic_ci", val["model"]["ic"])):
        lo, hi = val[key]
        assert lo <= point <= hi, key
    assert "skill_ci" not in result.training_metrics
    assert {"calibration", "signals"} <= set(val) and "calibration" not in result.training_metrics
    # in-sample the fitted model can only beat the training-mean baseline
    assert (
        result.training_metrics["model"]["rmse"] <= result.training_metrics["baseline_mean"]["rmse"]
    )
    assert result.residual_std > 0
    assert result.feature_schema_hash == feature_schema_hash()
    assert list(result.drift_reference["features"]) == list(FEATURE_NAMES)
    assert result.drift_reference["features"]["ret_1d"]["count"] == result.model.n_samples


def test_dataset_window_per_symbol(small_params):
    _, result = _run(small_params)
    assert set(result.dataset_window) == {"AAA", "BBB", "CCC"}
    for window in result.dataset_window.values():
        assert window["rows"] > 200 and window["first_date"] < window["last_date"]


@pytest.mark.parametrize(
    "params",
    [
        {"symbols": ["bad symbol!"]},
        {"symbols": "AAA", "lookback": 10},
        {"horizon": 0},
        {"horizon": "x"},
        {"unknown": 1},
        {"activation_policy": "sometimes"},
        {"symbols": []},
    ],
)
def test_invalid_parameters_are_rejected(params):
    with pytest.raises(ValidationFailed):
        training_params_resolve(params)


def test_training_is_deterministic(small_params):
    _, first = _run(small_params)
    _, second = _run(small_params)
    assert first.model == second.model
    assert first.validation_metrics == second.validation_metrics
