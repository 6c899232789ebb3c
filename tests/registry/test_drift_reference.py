"""Training stores a calibrated drift reference: the calibration covers the training period only
and makes the version's drift reports calibrated."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlplatform.core.drift import drift_report
from mlplatform.core.features import FEATURE_NAMES
from mlplatform.market_data import market_data_source
from registry.training import dataset_build, training_params_resolve, training_run_pipeline


def test_training_calibrates_the_drift_reference_on_training_rows(small_params) -> None:
    params = training_params_resolve(small_params)
    result = training_run_pipeline(params=params, source=market_data_source())
    calibration = result.drift_reference["calibration"]
    assert calibration["method"] == "block_windows" and calibration["cells"]
    dataset = dataset_build(params=params, source=market_data_source())
    train_dates = np.unique(
        [d for d in dataset.dates if str(d) <= result.split["train"]["last_date"]]
    )
    # the calendar is the training period's, not the validation period's
    assert calibration["panel_dates"] == train_dates.shape[0]
    assert calibration["panel_symbols"] == len(dataset.symbols)

    # served-like rows: the last 40 validation rows of each symbol, with their dates
    names = list(FEATURE_NAMES)
    rows: list[Any] = []
    dates: list[Any] = []
    for (start, stop), X in zip(dataset.offsets(), dataset.X, strict=True):
        rows.append(X[-40:])
        dates.append(dataset.dates[start:stop][-40:])
    report = drift_report(
        result.drift_reference, np.concatenate(rows), names, dates=np.concatenate(dates)
    )
    assert report["calibration"] == "empirical"
    assert report["distinct_dates"] == 40
    assert report["status"] in {"healthy", "drift_detected"}
    assert all(
        row["threshold_statistic"] > 0 and 0 < row["p_value"] <= 1
        for row in report["details"].values()
    )
