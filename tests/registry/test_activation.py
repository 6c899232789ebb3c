"""Registration, activation, rollback and the activation policy (services)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from audit.models import AuditEvent
from mlplatform.actors import Actor
from mlplatform.core.splits import time_split
from mlplatform.market_data import market_data_source
from registry.errors import ModelNotFound, NothingToRollback
from registry.loading import loaded_model_get
from registry.models import Activation, ModelVersion
from registry.selectors import (
    activation_list,
    model_version_active,
    model_version_get,
    model_version_list,
)
from registry.services import model_version_activate, model_version_rollback, train_model
from registry.storage import artifact_store
from registry.training import dataset_build, predict_chunked, training_params_resolve

pytestmark = pytest.mark.django_db


def _train_outcome(params, actor, policy="never"):  # type: ignore[no-untyped-def]
    return train_model(params={**params, "activation_policy": policy}, actor=actor)


def _train(params, actor, policy="never"):  # type: ignore[no-untyped-def]
    return _train_outcome(params, actor, policy).version


def test_versions_are_numbered_in_order_with_self_describing_folders(small_params, system_actor):
    versions = [_train(small_params, system_actor).version for _ in range(3)]
    assert versions == ["v1", "v2", "v3"]
    store = artifact_store()
    assert store.version_folders() == ["v1", "v2", "v3"]
    row = model_version_get(version="v2")
    manifest = json.loads(store.read_bytes("v2/manifest.json"))
    assert manifest["version"] == "v2" and manifest["number"] == 2
    for key in (
        "coefficients",
        "intercept",
        "feature_names",
        "scaler",
        "residual_std",
        "feature_schema_hash",
        "config",
        "dataset_window",
        "training_metrics",
        "validation_metrics",
        "cv_metrics",
    ):
        assert manifest[key] not in (None, {}, []), key
    assert set(manifest["files"]) == {"model.json", "drift_reference.json"}
    assert set(row.artifact_hashes) == {"model.json", "drift_reference.json", "manifest.json"}
    assert manifest["files"]["model.json"] == row.artifact_hashes["model.json"]
    assert row.drift_reference["features"]
    # JSON only: every artifact parses as JSON, nothing pickled
    for name in row.artifact_hashes:
        json.loads(store.read_bytes(f"v2/{name}"))


def test_activate_switches_the_one_active_version_and_is_audited(small_params, system_actor):
    _train(small_params, system_actor)
    _train(small_params, system_actor)
    model_version_activate(version="v1", actor=system_actor, reason="first")
    model_version_activate(version="v2", actor=system_actor, reason="better")
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    assert model_version_active().version == "v2"
    history = list(activation_list())
    assert [(a.from_version and a.from_version.version, a.to_version.version) for a in history] == [
        ("v1", "v2"),
        (None, "v1"),
    ]
    assert history[0].reason == "better" and history[0].actor == "tester"
    events = AuditEvent.objects.filter(action="model.activate").order_by("id")
    assert [e.target for e in events] == ["v1", "v2"]
    assert events.last().details["from_version"] == "v1"


def test_rollback_reactivates_the_previous_version(small_params, system_actor):
    for _ in range(3):
        _train(small_params, system_actor)
    with pytest.raises(NothingToRollback):
        model_version_rollback(actor=system_actor)
    model_version_activate(version="v1", actor=system_actor)
    with pytest.raises(NothingToRollback):
        model_version_rollback(actor=system_actor)
    model_version_activate(version="v3", actor=system_actor)
    new, previous = model_version_rollback(actor=system_actor, reason="v3 misbehaves")
    assert (new.version, previous.version) == ("v1", "v3")
    assert model_version_active().version == "v1"
    latest = Activation.objects.order_by("-id").first()
    assert latest.kind == "rollback" and latest.reason == "v3 misbehaves"
    assert AuditEvent.objects.filter(action="model.rollback", target="v1").exists()


@pytest.mark.parametrize(
    "label", ["v99", "1", "v1/../../etc", "../v1", "V1", "v-1", "", "v1\n", "v1;"]
)
def test_unknown_or_malformed_versions_are_not_found(small_params, system_actor, label):
    _train(small_params, system_actor)
    with pytest.raises(ModelNotFound) as info:
        model_version_activate(version=label, actor=system_actor)
    assert info.value.code == "model_not_found" and info.value.http_status == 404
    with pytest.raises(ModelNotFound):
        model_version_get(version=label)


def test_a_version_flagged_but_intact_is_verified_again_and_activated(small_params, system_actor):
    """Activation trusts storage, not a stale flag: bytes that verify make the version ready."""
    _train(small_params, system_actor)
    ModelVersion.objects.filter(version="v1").update(status="corrupt", status_detail="old")
    model_version_activate(version="v1", actor=system_actor, reason="restored")
    row = model_version_get(version="v1")
    assert row.is_active and row.status == "ready"
    assert AuditEvent.objects.filter(action="model.restored", target="v1").exists()


def test_policy_if_better_activates_first_then_only_improvements(small_params, system_actor):
    first = _train(small_params, system_actor, policy="if_better")
    assert first.is_active
    # a worse model (same data, absurd regularisation flips nothing... use fewer rows instead)
    same = _train(small_params, system_actor, policy="if_better")
    # identical data and config give the identical rmse: not strictly better, stays inactive
    assert not ModelVersion.objects.get(pk=same.pk).is_active
    assert model_version_active().version == "v1"
    always = _train(small_params, system_actor, policy="always")
    assert model_version_active().version == always.version
    never = _train(small_params, system_actor, policy="never")
    assert model_version_active().version == always.version != never.version
    kinds = list(Activation.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["policy", "policy"]


def test_list_defers_the_drift_reference(small_params, system_actor):
    _train(small_params, system_actor)
    row = model_version_list().first()
    assert "drift_reference" in row.get_deferred_fields()


def test_reactivating_the_active_version_is_a_recorded_noop(small_params, system_actor):
    _train(small_params, system_actor, policy="always")
    model_version_activate(version="v1", actor=Actor("ops", "user"))
    assert Activation.objects.count() == 1
    assert AuditEvent.objects.filter(action="model.activate", details__noop=True).count() == 1


def test_if_better_scores_the_active_version_on_the_new_runs_validation_rows(
    small_params, system_actor
):
    """Champion and challenger are compared on identical rows, not each on its own data."""
    first = _train(small_params, system_actor, policy="always")
    other = {**small_params, "symbols": ["DDD", "EEE", "FFF"]}
    outcome = _train_outcome(other, system_actor, policy="if_better")
    challenger, decision = outcome.version, outcome.promotion

    # the champion's rmse, recomputed independently on the challenger's validation rows
    params = training_params_resolve(other)
    dataset = dataset_build(params=params, source=market_data_source())
    _, test_idx = time_split(
        dataset.dates, test_size=params.test_size, embargo=params.horizon, groups=dataset.groups
    )
    mask = np.zeros(dataset.n_rows, dtype=bool)
    mask[test_idx] = True
    y_val, p_champion = predict_chunked(dataset, mask, loaded_model_get(version="v1").model)
    champion_rmse = float(np.sqrt(np.mean((y_val - p_champion) ** 2)))
    challenger_rmse = challenger.validation_metrics["model"]["rmse"]

    assert (
        f"v1's {champion_rmse:.6g} on the same {y_val.size:,} validation rows" in decision["reason"]
    )
    assert (decision["decision"] == "activated") is (challenger_rmse < champion_rmse)
    assert ModelVersion.objects.get(pk=challenger.pk).promotion == decision
    stored = first.validation_metrics["model"]["rmse"]
    assert stored != pytest.approx(champion_rmse, rel=1e-9)  # other data, another number
    assert model_version_active().version == ("v2" if decision["decision"] == "activated" else "v1")


def test_if_better_falls_back_to_the_stored_rmse_for_another_horizon(small_params, system_actor):
    _train(small_params, system_actor, policy="always")
    longer = _train_outcome({**small_params, "horizon": 10}, system_actor, policy="if_better")
    assert "its stored rmse, measured on its own validation data" in longer.promotion["reason"]
