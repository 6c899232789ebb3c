"""Reconciliation with storage on local disk: imports, orphans, flags, the active pointer."""

from __future__ import annotations

import json

import pytest

from registry.models import Activation, ModelVersion
from registry.services import registry_reconcile, train_model
from registry.storage import artifact_store

pytestmark = pytest.mark.django_db


def _train(small_params, actor, policy="never"):  # type: ignore[no-untyped-def]
    return train_model(params={**small_params, "activation_policy": policy}, actor=actor).version


def _forget_database() -> None:
    Activation.objects.all().delete()
    ModelVersion.objects.all().delete()


def test_complete_orphans_are_imported_and_incomplete_ones_reported(small_params, system_actor):
    for _ in range(3):
        _train(small_params, system_actor)
    store = artifact_store()
    store.write_active_pointer("v2", updated_at="2026-01-01T00:00:00+00:00")
    # v2: model bytes changed after the manifest was written; v3: crash before the manifest
    data = store.read_bytes("v2/model.json").replace(b'"intercept"', b'"intercept" ', 1)
    store.write_bytes("v2/model.json", data)
    store.delete("v3/manifest.json")
    _forget_database()

    report = registry_reconcile()
    assert report["imported"] == ["v1"]
    assert set(report["skipped"]) == {"v2", "v3", "ACTIVE.json"}
    assert "SHA-256" in report["skipped"]["v2"]
    assert "manifest.json" in report["skipped"]["v3"] or "v3" in report["skipped"]["v3"]
    assert "not ready" in report["skipped"]["ACTIVE.json"]
    assert report["active_version"] is None
    imported = ModelVersion.objects.get(version="v1")
    assert imported.source == "imported" and imported.number == 1
    assert imported.drift_reference["features"]
    # the next version skips past every folder in storage, never overwriting an orphan
    assert _train(small_params, system_actor).version == "v4"


def test_active_pointer_is_honoured_when_the_database_has_none(small_params, system_actor):
    _train(small_params, system_actor)
    _train(small_params, system_actor)
    artifact_store().write_active_pointer("v2", updated_at="2026-01-01T00:00:00+00:00")
    _forget_database()
    report = registry_reconcile()
    assert report["imported"] == ["v1", "v2"] and report["activated"] == "v2"
    assert ModelVersion.objects.get(is_active=True).version == "v2"
    assert Activation.objects.get().reason == "restored from the active pointer in storage"


def test_flags_missing_and_restores_repaired_versions(small_params, system_actor):
    _train(small_params, system_actor, policy="always")
    store = artifact_store()
    original = store.read_bytes("v1/drift_reference.json")
    store.delete("v1/drift_reference.json")
    report = registry_reconcile()
    assert report["flagged"]["v1"]["status"] == "missing"
    row = ModelVersion.objects.get(version="v1")
    assert row.status == "missing" and row.is_active  # still the recorded active version
    store.write_bytes("v1/drift_reference.json", original)
    report = registry_reconcile()
    assert report["restored"] == ["v1"]
    assert ModelVersion.objects.get(version="v1").status == "ready"


def test_manifest_is_self_describing_enough_to_rebuild_the_row(small_params, system_actor):
    trained = _train(small_params, system_actor)
    manifest = json.loads(artifact_store().read_bytes("v1/manifest.json"))
    _forget_database()
    registry_reconcile()
    imported = ModelVersion.objects.get(version="v1")
    for field in (
        "feature_names",
        "feature_schema_hash",
        "horizon_days",
        "residual_std",
        "training_metrics",
        "validation_metrics",
        "cv_metrics",
        "dataset_window",
        "config",
        "artifact_hashes",
        "created_at",
    ):
        assert getattr(imported, field) == getattr(trained, field), field
    assert manifest["forecast_horizon"] == "5d"
