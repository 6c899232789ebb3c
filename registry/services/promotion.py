"""The promotion gate and the foreground training that applies it.

``train_model`` trains, registers and (per the activation policy) activates; the decision is a
value (``PolicyDecision``, ``TrainingOutcome``), stored on the version and its run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlplatform.actors import Actor
from mlplatform.core import features as core_features
from mlplatform.core.model import LinearModel
from mlplatform.errors import AppError
from mlplatform.market_data import market_data_source
from registry.errors import ModelNotReady
from registry.loading import loaded_model_get
from registry.models import Activation, ModelVersion, TrainingRun
from registry.selectors import model_version_active
from registry.services.activation import model_version_activate
from registry.services.versions import model_version_register
from registry.training import TrainingParams, training_params_resolve, training_run_pipeline

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int], None]


@dataclass(frozen=True)
class PolicyDecision:
    activate: bool
    reason: str


def _fmt(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.6g}"


MINUS = "\u2212"


def _pct(value: float | None) -> str:
    """``+2.1%`` / ``-0.4%`` with a true minus sign (U+2212), as the dashboard prints it."""
    if value is None:
        return "undefined"
    return f"{value * 100:+.1f}%".replace("-", MINUS)


_BASELINE_NAMES = {"mean": "training-mean baseline", "zero": "zero baseline"}


def skill_summary(metrics: dict[str, Any]) -> str:
    """``skill +2.1%, 90% CI +0.8%…+3.3%`` from validation metrics (CI left out if absent)."""
    text = f"skill {_pct(metrics.get('skill'))}"
    ci = metrics.get("skill_ci")
    if isinstance(ci, (list, tuple)) and len(ci) == 2:
        text += f", 90% CI {_pct(ci[0])}…{_pct(ci[1])}"
    return text


def activation_policy_decide(
    *,
    policy: str,
    validation_rmse: float | None,
    champion: dict[str, Any] | None = None,
    validation_metrics: dict[str, Any] | None = None,
) -> PolicyDecision:
    """``always`` | ``never`` | ``if_better`` (DESIGN section 3).

    ``if_better`` activates only when the validation ``skill`` against the best baseline (zero
    or training mean, on the same rows) is positive and, when a version is active, the new
    version's validation rmse beats the active one's. With ``champion`` (the active version
    scored on the new run's own validation rows, see ``training_run_pipeline``) the two models
    are compared on identical data; without it (another feature layout or horizon, or its
    artifact cannot be loaded) the rmse stored with the active version is used and the reason
    says so. The reason names the baseline and the skill's 90% interval, e.g. "does not beat
    the training-mean baseline: skill -0.4%, 90% CI -1.2%...+1.1%" (printed with true minus
    signs and an ellipsis character).
    ``validation_metrics`` missing (a caller that predates the gate) skips the baseline check.
    """
    if policy == "always":
        return PolicyDecision(True, "policy always")
    if policy == "never":
        return PolicyDecision(False, "policy never")
    baseline_note = ""
    if validation_metrics is not None:
        skill = validation_metrics.get("skill")
        baseline = _BASELINE_NAMES.get(validation_metrics.get("skill_vs") or "", "best baseline")
        summary = skill_summary(validation_metrics)
        if skill is None or not skill > 0:
            return PolicyDecision(
                False, f"policy if_better: does not beat the {baseline}: {summary}"
            )
        baseline_note = f"beats the {baseline}: {summary}; "
    active = model_version_active()
    if active is None:
        return PolicyDecision(True, f"policy if_better: {baseline_note}no active version")
    if validation_rmse is None:
        return PolicyDecision(False, "policy if_better: new validation rmse undefined")
    if champion is not None and champion["version"] == active.version:
        active_rmse = champion["rmse"]
        basis = f"on the same {champion['rows']:,} validation rows"
    else:
        active_rmse = (active.validation_metrics.get("model") or {}).get("rmse")
        basis = "(its stored rmse, measured on its own validation data)"
    better = active_rmse is None or validation_rmse < active_rmse
    return PolicyDecision(
        better,
        f"policy if_better: {baseline_note}validation rmse {_fmt(validation_rmse)} "
        f"{'<' if better else '>='} {active.version}'s {_fmt(active_rmse)} {basis}",
    )


def _champion(params: TrainingParams) -> tuple[str, LinearModel] | None:
    """The active version's model when it reads the same features and predicts the same
    horizon as a run with ``params`` (so it can be scored on that run's validation rows)."""
    active = model_version_active()
    if active is None:
        return None
    try:
        loaded = loaded_model_get(version=active.version)
    except AppError:
        logger.warning("if_better: cannot load %s to score it; using its stored rmse", active)
        return None
    comparable = (
        loaded.feature_names == tuple(core_features.FEATURE_NAMES)
        and loaded.feature_schema_hash
        == core_features.feature_schema_hash(params.volatility_window)
        and loaded.horizon_days == params.horizon
    )
    return (loaded.version, loaded.model) if comparable else None


@dataclass(frozen=True)
class TrainingOutcome:
    """What a training produced: the registered version and its promotion decision."""

    version: ModelVersion
    #: {"decision": "activated"|"held", "reason": str, "policy": str}
    promotion: dict[str, str]

    @property
    def activated(self) -> bool:
        return self.promotion.get("decision") == "activated"

    def summary(self) -> str:
        """One line for people: "v5 registered and activated: ..." / "v5 registered, not
        activated: ..." (the same words the dashboard and the admin show)."""
        verb = "registered and activated" if self.activated else "registered, not activated"
        return f"{self.version.version} {verb}: {self.promotion.get('reason', '')}"


def train_model(
    *,
    params: dict[str, Any] | None,
    actor: Actor,
    progress_callback: ProgressCallback | None = None,
    run: TrainingRun | None = None,
) -> TrainingOutcome:
    """Train, register and (per the activation policy) activate a new version, in the foreground.

    The promotion decision is stored on the version (and on ``run``) and returned.
    """
    progress = progress_callback or (lambda stage, percent: None)
    resolved = training_params_resolve(params)
    champion = _champion(resolved) if resolved.activation_policy == "if_better" else None
    result = training_run_pipeline(
        params=resolved, source=market_data_source(), progress=progress, champion=champion
    )
    decision = activation_policy_decide(
        policy=resolved.activation_policy,
        validation_rmse=(result.validation_metrics.get("model") or {}).get("rmse"),
        champion=result.champion_validation,
        validation_metrics=result.validation_metrics,
    )
    promotion = {
        "decision": "activated" if decision.activate else "held",
        "reason": decision.reason,
        "policy": resolved.activation_policy,
    }
    progress("registering", 92)
    version = model_version_register(result=result, actor=actor, run=run, promotion=promotion)
    if decision.activate:
        progress("activating", 97)
        try:
            model_version_activate(
                version=version.version,
                actor=actor,
                reason=decision.reason,
                kind=Activation.Kind.POLICY,
            )
        except ModelNotReady as exc:
            promotion = {**promotion, "decision": "held", "reason": exc.message}
            ModelVersion.objects.filter(pk=version.pk).update(promotion=promotion)
            if run is not None:
                TrainingRun.objects.filter(pk=run.pk).update(promotion=promotion)
    progress("done", 100)
    version = ModelVersion.objects.defer("drift_reference").get(pk=version.pk)
    return TrainingOutcome(version=version, promotion=promotion)
