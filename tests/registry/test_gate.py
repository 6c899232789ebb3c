"""The if_better promotion gate against baselines, the outlier rule in training, the demo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from audit.models import AuditEvent
from mlplatform.actors import Actor
from mlplatform.core.market_data.demo import DEMO_END_DATE, DEMO_SYMBOLS, write_demo_data
from mlplatform.market_data import market_data_source_reset
from registry.models import ModelVersion
from registry.selectors import model_version_active
from registry.services import activation_policy_decide, model_version_activate, train_model

pytestmark = pytest.mark.django_db


def _train(params, policy="if_better"):  # type: ignore[no-untyped-def]
    return train_model(params={**params, "activation_policy": policy}, actor=Actor.system("t"))


def _use(settings, **values) -> None:  # type: ignore[no-untyped-def]
    for key, value in values.items():
        setattr(settings, key, value)
    market_data_source_reset()


def test_a_version_without_skill_is_held_with_the_reason(settings, small_params):
    # the plain synthetic generator has no learnable effect: the model cannot beat the mean
    _use(settings, MARKET_DATA_SOURCE="synthetic")
    version = _train(small_params)
    metrics = version.validation_metrics
    assert metrics["skill"] <= 0
    assert not version.is_active and model_version_active() is None
    reason = version.policy_decision.reason
    baseline = {"mean": "training-mean", "zero": "zero"}[metrics["skill_vs"]]
    assert f"does not beat the {baseline} baseline: skill \u2212" in reason
    assert "90% CI" in reason
    # an operator can still activate it explicitly, with a reason, and that is audited
    model_version_activate(version=version.version, actor=Actor("ops", "user"), reason="trial")
    assert model_version_active().version == version.version
    event = AuditEvent.objects.filter(action="model.activate").latest("id")
    assert event.details["reason"] == "trial" and event.actor == "ops"


def test_a_version_with_a_real_effect_is_activated(small_params):
    version = _train(small_params)  # the registry fixture's data carry the demo effect
    assert version.is_active
    assert version.validation_metrics["skill"] > 0
    assert "policy if_better: beats the" in version.policy_decision.reason
    assert "no active version" in version.policy_decision.reason


def test_always_and_never_keep_their_meaning(settings, small_params):
    _use(settings, MARKET_DATA_SOURCE="synthetic")
    assert _train(small_params, "always").is_active  # no skill, but policy always
    assert not ModelVersion.objects.get(version=_train(small_params, "never").version).is_active


def test_gate_decision_unit_rules():
    metrics = {"skill": -0.004, "skill_vs": "mean", "skill_ci": [-0.012, 0.011]}
    held = activation_policy_decide(
        policy="if_better", validation_rmse=0.02, validation_metrics=metrics
    )
    assert not held.activate
    assert held.reason == (
        "policy if_better: does not beat the training-mean baseline: "
        "skill \u22120.4%, 90% CI \u22121.2%\u2026+1.1%"
    )
    undefined = activation_policy_decide(
        policy="if_better", validation_rmse=None, validation_metrics={"skill": None}
    )
    assert not undefined.activate
    ok = activation_policy_decide(
        policy="if_better",
        validation_rmse=0.02,
        validation_metrics={"skill": 0.021, "skill_vs": "zero", "skill_ci": [0.008, 0.033]},
    )
    assert ok.activate
    assert ok.reason.startswith(
        "policy if_better: beats the zero baseline: skill +2.1%, 90% CI +0.8%\u2026+3.3%"
    )


def test_outliers_are_quarantined_before_fitting_and_reported(settings, tmp_path: Path):
    write_demo_data(tmp_path, symbols=["AAA", "BBB"], years=3, end_date=DEMO_END_DATE)
    path = tmp_path / "AAA.csv"
    frame = pd.read_csv(path)
    frame.loc[500, ["Open", "High", "Low", "Close"]] *= 100.0  # one 100x row
    frame.to_csv(path, index=False, float_format="%.4f")
    _use(settings, MARKET_DATA_SOURCE="csv", MARKET_DATA_DIR=tmp_path)
    version = _train({"symbols": ["AAA", "BBB"], "lookback": 756, "horizon": 5}, "never")
    split = version.config["split"]
    (entry,) = split["quarantined_rows"]
    assert entry["symbol"] == "AAA" and entry["origin"] == "AAA.csv"
    assert entry["row"] == 501 and entry["date"] == frame.loc[500, "Date"]
    assert "AAA.csv: row 501" in entry["message"]
    # the spike never reached the fit: validation skill is an ordinary number, not -169%
    assert version.validation_metrics["skill"] > -0.5
    assert np.isfinite(version.validation_metrics["model"]["rmse"])


def test_on_the_demo_data_v1_passes_the_gate_with_an_interval_above_zero(settings, tmp_path):
    """Acceptance: the demo as ``make run`` trains it (default settings, all demo symbols)."""
    write_demo_data(tmp_path, end_date=DEMO_END_DATE)
    _use(
        settings,
        MARKET_DATA_SOURCE="csv",
        MARKET_DATA_DIR=tmp_path,
        TRAIN_SYMBOLS=list(DEMO_SYMBOLS),
        TRAIN_LOOKBACK=2520,
        TRAIN_CV_FOLDS=5,
    )
    version = train_model(params={}, actor=Actor.system("bootstrap_demo"))
    metrics = version.validation_metrics
    assert version.is_active and version.version == "v1"
    assert metrics["skill"] > 0 and metrics["skill_ci"][0] > 0
    calibration = metrics["calibration"]
    assert calibration["brier"] < calibration["brier_base_rate"]
    assert calibration["log_loss"] < calibration["log_loss_base_rate"]
    assert len(calibration["reliability"]) == 10
    for signal in ("BUY", "SELL"):
        # a signal's hit rate beats the base rate it is compared with
        hit = metrics["signals"][signal]["hit_rate"]
        bar = calibration["base_rate"] if signal == "BUY" else 1 - calibration["base_rate"]
        assert hit > bar, signal
