"""loaded_model_get: cache, active-label TTL, SHA-256 verification."""

from __future__ import annotations

import time

import numpy as np
import pytest

from registry import loading
from registry.errors import ModelArtifactCorrupt, ModelArtifactMissing, NoActiveModel
from registry.loading import loaded_model_get
from registry.models import ModelVersion
from registry.services import registry_reconcile, registry_reconcile_once, train_model
from registry.storage import artifact_store

pytestmark = pytest.mark.django_db


def _train(params, actor, policy="always"):  # type: ignore[no-untyped-def]
    return train_model(params={**params, "activation_policy": policy}, actor=actor).version


def test_no_active_model_is_a_404(small_params, system_actor):
    with pytest.raises(NoActiveModel) as info:
        loaded_model_get()
    assert info.value.http_status == 404 and info.value.code == "no_active_model"


def test_loads_the_active_version_once_and_predicts_like_the_trained_model(
    small_params, system_actor
):
    version = _train(small_params, system_actor)
    loaded = loaded_model_get()
    assert loaded.version == version.version == "v1"
    assert loaded.feature_names == tuple(version.feature_names)
    assert loaded.horizon_days == 5 and loaded.forecast_horizon == "5d"
    assert loaded.symbols == ("AAA", "BBB", "CCC")
    assert loaded.drift_reference["features"]
    assert loaded_model_get() is loaded  # cached
    assert loaded_model_get(version="v1") is loaded
    x = np.ones(len(loaded.feature_names))
    assert np.isfinite(loaded.model.predict(x)).all()


def test_activation_elsewhere_is_seen_within_the_ttl(small_params, system_actor):
    _train(small_params, system_actor)
    _train(small_params, system_actor, policy="never")
    assert loaded_model_get().version == "v1"
    # another instance activates v2: only the database changes, not this process's cache
    ModelVersion.objects.filter(version="v1").update(is_active=False)
    ModelVersion.objects.filter(version="v2").update(is_active=True)
    deadline = time.monotonic() + 1.0
    while loaded_model_get().version != "v2":
        assert time.monotonic() < deadline, "activation not served within 1 s"
        time.sleep(0.05)


def test_corrupt_artifact_is_refused_and_flagged(small_params, system_actor):
    _train(small_params, system_actor)
    registry_reconcile_once()  # a process that has been up: startup reconciliation is done
    store = artifact_store()
    data = bytearray(store.read_bytes("v1/model.json"))
    data[10] = ord("X") if data[10] != ord("X") else ord("Y")
    store.write_bytes("v1/model.json", bytes(data))
    with pytest.raises(ModelArtifactCorrupt) as info:
        loaded_model_get()
    assert info.value.http_status == 503 and "corrupt" in info.value.message
    assert info.value.code == "model_unavailable"
    row = ModelVersion.objects.get(version="v1")
    assert row.status == "corrupt" and "model.json" in row.status_detail
    assert row.is_active  # still the recorded decision; reported unavailable, never served
    loading.loaded_models_reset()
    with pytest.raises(ModelArtifactCorrupt) as again:
        loaded_model_get()
    assert again.value.code == "model_unavailable" and again.value.details["version"] == "v1"
    with pytest.raises(ModelArtifactCorrupt):
        loaded_model_get(version="v1")


def test_missing_artifact_is_refused_and_flagged(small_params, system_actor):
    _train(small_params, system_actor)
    registry_reconcile_once()
    artifact_store().delete("v1/drift_reference.json")
    with pytest.raises(ModelArtifactMissing) as info:
        loaded_model_get(version="v1")
    assert info.value.code == "model_unavailable" and info.value.http_status == 503
    assert info.value.details["file"] == "drift_reference.json"
    assert ModelVersion.objects.get(version="v1").status == "missing"


def test_a_loaded_model_keeps_serving_after_its_artifact_disappears(small_params, system_actor):
    """Verified at load: this process keeps serving it; a fresh process cannot (503)."""
    _train(small_params, system_actor)
    loaded = loaded_model_get()
    artifact_store().delete("v1/model.json")
    registry_reconcile(verify_existing=True)  # flags v1 missing, keeps it active
    row = ModelVersion.objects.get(version="v1")
    assert row.status == "missing" and row.is_active
    loading.active_label_invalidate()
    assert loaded_model_get() is loaded
    loading.loaded_models_reset()  # a fresh process
    with pytest.raises(ModelArtifactMissing) as info:
        loaded_model_get()
    assert info.value.code == "model_unavailable" and info.value.http_status == 503
