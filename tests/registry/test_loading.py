"""loaded_model_get: cache, active-label TTL, SHA-256 verification."""

from __future__ import annotations

import time

import numpy as np
import pytest

from registry import loading
from registry.errors import ModelArtifactCorrupt, ModelArtifactMissing, NoActiveModel
from registry.loading import loaded_model_get
from registry.models import ModelVersion
from registry.services import registry_reconcile_once, train_model
from registry.storage import artifact_store

pytestmark = pytest.mark.django_db


def _train(params, actor, policy="always"):  # type: ignore[no-untyped-def]
    return train_model(params={**params, "activation_policy": policy}, actor=actor)


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
    row = ModelVersion.objects.get(version="v1")
    assert row.status == "corrupt" and "model.json" in row.status_detail
    assert not row.is_active  # never served
    loading.loaded_models_reset()
    with pytest.raises(NoActiveModel):
        loaded_model_get()
    with pytest.raises(ModelArtifactCorrupt):
        loaded_model_get(version="v1")


def test_missing_artifact_is_refused_and_flagged(small_params, system_actor):
    _train(small_params, system_actor)
    registry_reconcile_once()
    artifact_store().delete("v1/drift_reference.json")
    with pytest.raises(ModelArtifactMissing) as info:
        loaded_model_get(version="v1")
    assert info.value.code == "model_artifact_missing"
    assert ModelVersion.objects.get(version="v1").status == "missing"
