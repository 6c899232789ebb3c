"""Drift reference, KS and PSI statistics, and the drift report."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from mlplatform.core.drift import (
    PSI_EPSILON,
    build_reference,
    drift_report,
    ks_pvalue,
    psi,
    psi_band,
)
from mlplatform.errors import ValidationFailed

NAMES = [f"f{i}" for i in range(12)]
SCALES = np.linspace(0.01, 5.0, len(NAMES))
OFFSETS = np.linspace(-2.0, 100.0, len(NAMES))


def _draw(seed: int, n: int, shift_in_stds: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, len(NAMES))) + shift_in_stds) * SCALES + OFFSETS


@pytest.fixture(scope="module")
def reference() -> dict:
    return build_reference(_draw(0, 20_000), NAMES, n_bins=10, sample_size=1000, seed=7)


def test_reference_shape_and_json_safety(reference: dict) -> None:
    assert json.loads(json.dumps(reference, allow_nan=False)) == reference
    assert reference["feature_names"] == NAMES
    train = _draw(0, 20_000)
    for j, name in enumerate(NAMES):
        feat = reference["features"][name]
        assert feat["count"] == 20_000
        assert feat["mean"] == pytest.approx(train[:, j].mean(), rel=1e-12)
        assert feat["std"] == pytest.approx(train[:, j].std(), rel=1e-12)
        assert len(feat["bin_edges"]) == 9
        assert len(feat["proportions"]) == 10
        assert sum(feat["proportions"]) == pytest.approx(1.0)
        np.testing.assert_allclose(feat["proportions"], 0.1, atol=1e-3)
        sample = feat["sample"]
        assert len(sample) == 1000 and sample == sorted(sample)
        assert set(sample) <= set(train[:, j].tolist())


def test_reference_is_seeded_and_handles_ties_and_nans() -> None:
    X = _draw(1, 500)[:, :2]
    X[:, 1] = np.repeat([0.0, 1.0, 2.0, 3.0, 4.0], 100)  # discrete: quantile edges repeat
    X[::10, 0] = np.nan
    ref_a = build_reference(X, ["a", "b"], n_bins=10, sample_size=50, seed=3)
    ref_b = build_reference(X, ["a", "b"], n_bins=10, sample_size=50, seed=3)
    ref_c = build_reference(X, ["a", "b"], n_bins=10, sample_size=50, seed=4)
    assert ref_a == ref_b
    assert ref_a["features"]["a"]["sample"] != ref_c["features"]["a"]["sample"]
    assert ref_a["features"]["a"]["count"] == 450
    edges = ref_a["features"]["b"]["bin_edges"]
    assert edges == sorted(set(edges)) and len(edges) < 9
    assert ref_a["features"]["b"]["proportions"][0] == pytest.approx(0.2)  # (-inf, 0.0]
    small = build_reference(X[:20], ["a", "b"], sample_size=1000)
    assert len(small["features"]["b"]["sample"]) == 20
    with pytest.raises(ValidationFailed, match="columns"):
        build_reference(X, ["a"])
    with pytest.raises(ValidationFailed, match="no finite"):
        build_reference(np.full((5, 1), np.nan), ["a"])


@pytest.mark.parametrize(("n_live", "shift"), [(40, 0.0), (500, 0.2), (1000, 0.0), (12_000, 0.05)])
def test_ks_pvalue_matches_scipy(n_live: int, shift: float) -> None:
    rng = np.random.default_rng(n_live)
    ref = np.sort(rng.normal(size=1000))
    live = rng.normal(shift, 1.0, size=n_live)
    expected = stats.ks_2samp(ref, live)
    d, p = ks_pvalue(ref, live)
    assert d == expected.statistic and p == expected.pvalue
    asymp = stats.ks_2samp(ref, live, method="asymp")
    d_fast, p_fast = ks_pvalue(ref, live, method="asymp")
    assert d_fast == pytest.approx(asymp.statistic, abs=1e-15)
    assert p_fast == pytest.approx(asymp.pvalue, abs=1e-12, rel=1e-10)
    # documented gap between the fast path and scipy's default
    assert abs(p_fast - expected.pvalue) < 0.015


def test_ks_pvalue_ignores_nan_and_rejects_empty() -> None:
    ref = np.linspace(-1, 1, 50)
    live = np.array([0.1, np.nan, 0.3, -0.2, np.inf, 0.05])
    assert ks_pvalue(ref, live) == ks_pvalue(ref, live[np.isfinite(live)])
    with pytest.raises(ValidationFailed, match="live sample"):
        ks_pvalue(ref, [np.nan])


def test_psi_identical_is_zero_and_shift_is_large(reference: dict) -> None:
    train = _draw(0, 20_000)
    assert psi(reference["features"]["f3"], train[:, 3]) == 0.0
    same_law = psi(reference["features"]["f3"], _draw(5, 5000)[:, 3])
    assert 0.0 <= same_law < 0.01
    shifted = psi(reference["features"]["f3"], _draw(5, 5000, shift_in_stds=1.0)[:, 3])
    assert psi_band(shifted) == "significant"


def test_psi_epsilon_keeps_empty_bins_finite(reference: dict) -> None:
    feat = reference["features"]["f0"]
    far_away = np.full(100, 1e9)  # every value in the last open bin
    value = psi(feat, far_away)
    props = np.maximum(np.array(feat["proportions"]), PSI_EPSILON)
    live = np.full(10, PSI_EPSILON)
    live[-1] = 1.0
    assert value == pytest.approx(float(np.sum((live - props) * np.log(live / props))))
    assert np.isfinite(value)


def test_psi_bands_boundaries() -> None:
    assert psi_band(0.0) == "stable"
    assert psi_band(0.0999) == "stable"
    assert psi_band(0.1) == "moderate"
    assert psi_band(0.2499) == "moderate"
    assert psi_band(0.25) == "significant"
    assert psi_band(3.0) == "significant"
    assert psi_band(None) is None


def test_unshifted_live_is_healthy(reference: dict) -> None:
    report = drift_report(reference, _draw(11, 2000), NAMES)
    assert report["status"] == "healthy"
    assert report["method"] == "ks_2samp+psi"
    assert report["samples"] == 2000
    assert report["drift_share"] < 0.5
    assert set(report["details"]) == set(NAMES)
    for feat in report["details"].values():
        assert feat["psi_band"] == "stable"
        assert abs(feat["mean_shift"]) < 0.1
    assert json.loads(json.dumps(report, allow_nan=False)) == report


def test_shifted_live_is_drift_detected(reference: dict) -> None:
    report = drift_report(reference, _draw(12, 2000, shift_in_stds=0.5), NAMES, threshold=0.05)
    assert report["status"] == "drift_detected"
    assert report["drift_share"] == 1.0
    assert report["drifted_features"] == NAMES
    f5 = report["details"]["f5"]
    assert f5["drift"] is True and f5["p_value"] < 0.05
    assert f5["mean_shift"] == pytest.approx(0.5, abs=0.1)
    assert f5["live_mean"] - f5["reference_mean"] == pytest.approx(0.5 * SCALES[5], rel=0.2)
    expected_keys = {
        "p_value", "ks_statistic", "psi", "psi_band", "mean_shift", "drift", "samples",
        "reference_mean", "live_mean", "reference_std", "live_std", "statistic",
        "threshold_statistic", "reference", "live",
    }  # fmt: skip
    assert set(f5) == expected_keys


def test_drift_share_threshold_counts_features(reference: dict) -> None:
    live = _draw(13, 2000)
    live[:, :4] += 1.0 * SCALES[:4]  # 4 of 12 features drift
    report = drift_report(reference, live, NAMES, threshold=0.001, share=0.5)
    assert sorted(report["drifted_features"]) == NAMES[:4]
    assert report["drift_share"] == pytest.approx(4 / 12)
    assert report["status"] == "healthy"
    assert (
        drift_report(reference, live, NAMES, threshold=0.001, share=0.3)["status"]
        == "drift_detected"
    )


def test_insufficient_data_and_nan_rows(reference: dict) -> None:
    live = _draw(14, 40)
    live[:15, 2] = np.nan  # 25 usable rows remain
    report = drift_report(reference, live, NAMES, min_samples=30)
    assert report["status"] == "insufficient_data"
    assert report["samples"] == 25 and report["rows_ignored"] == 15
    assert report["drift_share"] is None and report["details"] == {}
    ok = drift_report(reference, live, NAMES, min_samples=25)
    assert ok["status"] in ("healthy", "drift_detected")
    assert ok["details"]["f0"]["samples"] == 25


def test_report_with_scipy_default_method(reference: dict) -> None:
    live = _draw(15, 300)
    report = drift_report(reference, live, NAMES, ks_method="auto")
    sample = reference["features"]["f7"]["sample"]
    assert report["details"]["f7"]["p_value"] == stats.ks_2samp(sample, live[:, 7]).pvalue


def test_report_rejects_mismatched_input(reference: dict) -> None:
    with pytest.raises(ValidationFailed, match="columns"):
        drift_report(reference, np.zeros((50, 3)), NAMES)
    with pytest.raises(ValidationFailed, match="lacks features"):
        drift_report(reference, np.zeros((50, 1)), ["unknown"])
