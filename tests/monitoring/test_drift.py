from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from scipy import stats

from audit.models import PredictionLog
from monitoring.models import DriftSnapshot
from tests.monitoring.conftest import NAMES, model_version_create, prediction_logs_create

pytestmark = pytest.mark.django_db
URL = "/monitoring/drift"


def _live(seed: int, rows: int, shift: float = 0.0) -> np.ndarray:
    return np.random.default_rng(seed).normal(loc=shift, size=(rows, len(NAMES)))


def test_statistics_match_scipy_ks_2samp(api_client, drift_settings) -> None:
    model = model_version_create()
    live = _live(seed=2, rows=200, shift=0.1)
    prediction_logs_create(version="v1", features=live)

    body = api_client.get(URL).json()

    assert body["version"] == "v1"
    assert body["samples"] == 200
    assert body["method"] == "ks_2samp+psi"
    assert body["threshold"] == 0.05
    assert set(body["details"]) == set(NAMES)
    for j, name in enumerate(NAMES):
        ref = model.drift_reference["features"][name]
        expected = stats.ks_2samp(ref["sample"], live[:, j], method="asymp")
        row = body["details"][name]
        assert row["ks_statistic"] == pytest.approx(expected.statistic, abs=1e-12)
        assert row["p_value"] == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-12)
        assert row["drift"] is bool(expected.pvalue < 0.05)
        assert row["samples"] == 200
        assert row["mean_shift"] == pytest.approx(
            (live[:, j].mean() - ref["mean"]) / ref["std"], rel=1e-9
        )
        # scipy's default (exact for these sizes) stays close to the asymptotic p-value
        exact = stats.ks_2samp(ref["sample"], live[:, j]).pvalue
        assert abs(row["p_value"] - exact) < 0.02
    drifted = [name for name in NAMES if body["details"][name]["drift"]]
    assert body["drift_share"] == pytest.approx(len(drifted) / len(NAMES))


def test_shifted_live_distribution_is_drift_detected(api_client, drift_settings) -> None:
    model_version_create()
    prediction_logs_create(version="v1", features=_live(seed=3, rows=300, shift=0.75))

    body = api_client.get(URL).json()

    assert body["status"] == "drift_detected"
    assert body["drift_share"] >= 0.5
    assert all(row["psi_band"] in {"moderate", "significant"} for row in body["details"].values())


def test_unshifted_live_distribution_stays_healthy(api_client, drift_settings) -> None:
    model_version_create()
    prediction_logs_create(version="v1", features=_live(seed=4, rows=300))

    body = api_client.get(URL).json()

    assert body["status"] == "healthy"
    assert body["drift_share"] < 0.5


def test_insufficient_data_below_min_samples(api_client, drift_settings) -> None:
    drift_settings.DRIFT_MIN_SAMPLES = 40
    model_version_create()
    empty = api_client.get(URL).json()
    assert (empty["status"], empty["samples"]) == ("insufficient_data", 0)
    prediction_logs_create(version="v1", features=_live(seed=5, rows=39, shift=3.0))

    body = api_client.get(URL).json()

    assert body["status"] == "insufficient_data"
    assert body["samples"] == 39
    assert body["details"] == {}
    assert body["drift_share"] is None

    prediction_logs_create(version="v1", features=_live(seed=6, rows=1, shift=3.0))
    assert api_client.get(URL).json()["status"] == "drift_detected"


def test_rows_with_missing_features_are_not_counted(api_client, drift_settings) -> None:
    model_version_create()
    live = _live(seed=7, rows=50)
    live[:25, 0] = np.nan  # NaN is stored as null in JSON
    prediction_logs_create(version="v1", features=live)

    body = api_client.get(URL).json()

    assert body["samples"] == 25
    assert body["status"] == "insufficient_data"


def test_no_model_when_nothing_is_active(api_client, drift_settings) -> None:
    model_version_create(active=False)
    prediction_logs_create(version="v1", features=_live(seed=8, rows=100))

    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "no_model"
    assert body["details"] == {}
    assert DriftSnapshot.objects.count() == 0


def test_version_parameter_and_unknown_version(api_client, drift_settings) -> None:
    model_version_create(number=1, active=False)
    model_version_create(number=2, active=True)
    prediction_logs_create(version="v1", features=_live(seed=9, rows=100, shift=2.0))
    prediction_logs_create(version="v2", features=_live(seed=10, rows=100))

    served = api_client.get(URL).json()
    named = api_client.get(URL, {"version": "v1"}).json()
    missing = api_client.get(URL, {"version": "v9"})

    assert (served["version"], served["status"]) == ("v2", "healthy")
    assert (named["version"], named["status"]) == ("v1", "drift_detected")
    assert missing.status_code == 404
    assert missing.json()["status"] == "error"


def test_window_uses_only_the_newest_rows(api_client, drift_settings) -> None:
    drift_settings.DRIFT_WINDOW = 60
    model = model_version_create()
    old = _live(seed=11, rows=200)
    new = _live(seed=12, rows=60, shift=1.0)
    prediction_logs_create(version="v1", features=np.vstack([old, new]))

    body = api_client.get(URL).json()

    assert body["samples"] == 60
    ref = model.drift_reference["features"][NAMES[0]]["sample"]
    expected = stats.ks_2samp(ref, new[:, 0], method="asymp").pvalue
    assert body["details"][NAMES[0]]["p_value"] == pytest.approx(expected, rel=1e-9)
    assert body["status"] == "drift_detected"


def _psi_by_hand(reference_feature: dict, live: np.ndarray) -> float:
    edges = np.asarray(reference_feature["bin_edges"])
    ref = np.maximum(np.asarray(reference_feature["proportions"]), 1e-4)
    # bin i is (e[i-1], e[i]]: searchsorted(side="left") gives exactly that index
    counts = np.bincount(np.searchsorted(edges, live, side="left"), minlength=len(edges) + 1)
    cur = np.maximum(counts / len(live), 1e-4)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


@pytest.mark.parametrize(
    ("shift", "band"), [(0.0, "stable"), (0.35, "moderate"), (1.5, "significant")]
)
def test_psi_values_and_bands(api_client, drift_settings, shift: float, band: str) -> None:
    model = model_version_create()
    live = _live(seed=13, rows=500, shift=shift)
    prediction_logs_create(version="v1", features=live)

    details = api_client.get(URL).json()["details"]

    for j, name in enumerate(NAMES):
        expected = _psi_by_hand(model.drift_reference["features"][name], live[:, j])
        assert details[name]["psi"] == pytest.approx(expected, rel=1e-9)
        expected_band = (
            "stable" if expected < 0.1 else "moderate" if expected < 0.25 else "significant"
        )
        assert details[name]["psi_band"] == expected_band
    bands = [row["psi_band"] for row in details.values()]
    assert bands.count(band) > len(NAMES) / 2


def test_live_snapshot_stored_at_most_once_per_minute(api_client, drift_settings) -> None:
    model_version_create()
    prediction_logs_create(version="v1", features=_live(seed=14, rows=100))

    for _ in range(3):
        assert api_client.get(URL).status_code == 200

    snapshots = list(DriftSnapshot.objects.filter(source="live"))
    assert len(snapshots) == 1
    snapshot = snapshots[0]
    assert (snapshot.version, snapshot.status, snapshot.samples) == ("v1", "healthy", 100)
    assert set(snapshot.report["details"]) == set(NAMES)

    # a minute later (another instance, or this one after its cache key expired) stores again
    DriftSnapshot.objects.filter(pk=snapshot.pk).update(
        timestamp=snapshot.timestamp - timedelta(seconds=61)
    )
    from django.core.cache import cache

    cache.clear()
    api_client.get(URL)
    assert DriftSnapshot.objects.filter(source="live").count() == 2


def test_invalid_source_is_422(api_client, drift_settings) -> None:
    response = api_client.get(URL, {"source": "nowhere"})
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


def test_drift_history_lists_snapshots_newest_first(api_client, drift_settings) -> None:
    from django.utils import timezone

    now = timezone.now()
    for i, source in enumerate(["live", "market", "live", "market", "live"]):
        DriftSnapshot.objects.create(
            timestamp=now - timedelta(minutes=10 - i),
            version="v1",
            source=source,
            status="healthy",
            drift_share=i / 10,
            samples=100 + i,
            report={"large": list(range(10))},
        )

    everything = api_client.get("/monitoring/drift/history").json()["snapshots"]
    live = api_client.get("/monitoring/drift/history", {"source": "live", "limit": 2}).json()

    assert [s["samples"] for s in everything] == [104, 103, 102, 101, 100]
    assert set(everything[0]) == {
        "timestamp",
        "version",
        "source",
        "status",
        "drift_share",
        "samples",
    }
    assert [(s["source"], s["samples"]) for s in live["snapshots"]] == [
        ("live", 104),
        ("live", 102),
    ]
    assert api_client.get("/monitoring/drift/history", {"limit": 0}).status_code == 422
    assert api_client.get("/api/v1/monitoring/drift/history").json()["snapshots"] == everything


def test_non_numeric_feature_values_count_as_missing(api_client, drift_settings) -> None:
    model_version_create()
    logs = prediction_logs_create(version="v1", features=_live(seed=15, rows=40))
    broken = PredictionLog.objects.filter(pk__in=[log.pk for log in logs[:15]])
    for log in broken:
        log.features = {**log.features, NAMES[3]: "n/a", NAMES[4]: True}
    PredictionLog.objects.bulk_update(broken, ["features"])

    body = api_client.get(URL).json()

    assert body["samples"] == 25
    assert body["status"] == "insufficient_data"
    assert body["rows_ignored"] == 15
