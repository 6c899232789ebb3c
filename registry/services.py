"""Registry writes: version registration, activation, rollback, training runs, reconciliation.

Invariants live in the database (unique version label and number, at most one active version,
only a ready version may be active, one open training run per lane); these functions lean on
them instead of re-checking in Python, and retry where PostgreSQL reports a lost race.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.core import features as core_features
from mlplatform.core.model import LinearModel
from mlplatform.errors import AppError, ValidationFailed
from mlplatform.market_data import market_data_source
from registry.errors import ModelNotFound, ModelNotReady, NothingToRollback
from registry.loading import loaded_model_get
from registry.models import Activation, ModelVersion, TrainingRun
from registry.selectors import model_version_active, version_label_check
from registry.storage import (
    ACTIVE_POINTER,
    DRIFT_FILE,
    MANIFEST_FILE,
    MODEL_FILE,
    PAYLOAD_FILES,
    ArtifactStore,
    artifact_store,
    sha256_hex,
)
from registry.training import (
    TrainingParams,
    TrainingResult,
    training_params_resolve,
    training_run_pipeline,
)

logger = logging.getLogger(__name__)

MANIFEST_FORMAT = 1
ALLOCATION_ATTEMPTS = 20
ProgressCallback = Callable[[str, int], None]


# --- artifacts ------------------------------------------------------------------------------


def manifest_build(
    *, result: TrainingResult, version: str, number: int, created_at: str, files: dict[str, str]
) -> dict[str, Any]:
    """The self-describing manifest of one version (DESIGN section 3 metadata)."""
    model = result.model.to_dict()
    return {
        "format": MANIFEST_FORMAT,
        "version": version,
        "number": number,
        "created_at": created_at,
        "model_type": model["model_type"],
        "coefficients": model["coefficients"],
        "intercept": model["intercept"],
        "feature_names": list(result.feature_names),
        "scaler": {"means": model["means"], "stds": model["stds"]},
        "alpha": model["alpha"],
        "n_samples": model["n_samples"],
        "residual_std": result.residual_std,
        "feature_schema_hash": result.feature_schema_hash,
        "horizon_days": result.params.horizon,
        "forecast_horizon": f"{result.params.horizon}d",
        "config": result.config,
        "dataset_window": result.dataset_window,
        "training_metrics": result.training_metrics,
        "validation_metrics": result.validation_metrics,
        "cv_metrics": result.cv_metrics,
        "files": files,
    }


def artifacts_write(
    *, store: ArtifactStore, result: TrainingResult, version: str, number: int, created_at: str
) -> dict[str, str]:
    """Write model, drift reference and (last) the manifest; returns file name -> SHA-256."""
    files = {
        MODEL_FILE: store.write_json(store.path(version, MODEL_FILE), result.model.to_dict()),
        DRIFT_FILE: store.write_json(store.path(version, DRIFT_FILE), result.drift_reference),
    }
    manifest = manifest_build(
        result=result, version=version, number=number, created_at=created_at, files=files
    )
    # The manifest goes last: a folder without one is an incomplete write, never imported.
    files[MANIFEST_FILE] = store.write_json(store.path(version, MANIFEST_FILE), manifest)
    return files


def model_version_register(
    *, result: TrainingResult, actor: Actor, run: TrainingRun | None = None
) -> ModelVersion:
    """Allocate ``v(max+1)``, write its artifacts, then commit its row (one transaction).

    The row is inserted *before* the artifacts are written, inside the transaction: on
    PostgreSQL a concurrent insert of the same number blocks on the unique index until we
    commit and then fails, so only the winner of a number ever writes into its folder. The
    loser retries with the next number. A crash mid-way rolls the row back and leaves at
    worst an orphan folder, which reconciliation imports only if its manifest verifies.
    """
    store = artifact_store()
    last_error: Exception | None = None
    for _attempt in range(ALLOCATION_ATTEMPTS):
        try:
            with transaction.atomic():
                db_max = ModelVersion.objects.aggregate(top=Max("number"))["top"] or 0
                number = max(db_max, store.max_version_number()) + 1
                label = f"v{number}"
                created = timezone.now()
                row = ModelVersion.objects.create(
                    version=label,
                    number=number,
                    created_at=created,
                    artifact_path=f"{store.location.url.rstrip('/')}/{label}",
                    artifact_hashes={},
                    feature_names=list(result.feature_names),
                    feature_schema_hash=result.feature_schema_hash,
                    horizon_days=result.params.horizon,
                    residual_std=result.residual_std,
                    training_metrics=result.training_metrics,
                    validation_metrics=result.validation_metrics,
                    cv_metrics=result.cv_metrics,
                    dataset_window=result.dataset_window,
                    config=result.config,
                    drift_reference=result.drift_reference,
                )
                row.artifact_hashes = artifacts_write(
                    store=store,
                    result=result,
                    version=label,
                    number=number,
                    created_at=created.isoformat(),
                )
                row.save(update_fields=["artifact_hashes"])
                if run is not None:
                    TrainingRun.objects.filter(pk=run.pk).update(model_version=row)
                audit_event_record(
                    actor=actor,
                    action="model.register",
                    target=label,
                    details={
                        "validation_rmse": (result.validation_metrics.get("model") or {}).get(
                            "rmse"
                        ),
                        "skill": result.validation_metrics.get("skill"),
                        "run_id": str(run.run_id) if run is not None else None,
                    },
                )
            return row
        except (IntegrityError, OperationalError) as exc:
            # IntegrityError: another process took this number. OperationalError: SQLite busy.
            logger.info("version allocation lost a race (%s); retrying", type(exc).__name__)
            last_error = exc
            time.sleep(0.01)
    raise AppError(
        f"could not allocate a model version number: {last_error}",
        code="version_allocation_failed",
        http_status=503,
    )


# --- activation -----------------------------------------------------------------------------


def _active_pointer_mirror() -> None:
    """Write the DB's active version to ``ACTIVE.json`` (after commit; failures only logged)."""
    try:
        label = ModelVersion.objects.filter(is_active=True).values_list("version", flat=True)
        artifact_store().write_active_pointer(label.first(), updated_at=timezone.now().isoformat())
    except Exception:
        logger.exception("could not mirror the active pointer to storage")


def _active_cache_invalidate() -> None:
    from registry.loading import active_label_invalidate

    active_label_invalidate()


def _loaded_model_evict(version: str) -> None:
    from registry.loading import active_label_invalidate, loaded_model_evict

    loaded_model_evict(version)
    active_label_invalidate()


def _activate_locked(
    *,
    resolve_target: Callable[[list[ModelVersion], ModelVersion | None], ModelVersion],
    actor: Actor,
    reason: str,
    kind: str,
    request: Any,
) -> tuple[ModelVersion, ModelVersion | None]:
    """Lock every version row (fixed order), pick the target, switch the active flag."""
    rows = list(
        ModelVersion.objects.select_for_update()
        .order_by("number")
        .only("id", "version", "number", "is_active", "status")
    )
    current = next((row for row in rows if row.is_active), None)
    target = resolve_target(rows, current)
    if target.status != ModelVersion.Status.READY:
        raise ModelNotReady(
            f"model version {target.version} is {target.status} and cannot be activated",
            details={"version": target.version, "status": target.status},
        )
    action = "model.rollback" if kind == Activation.Kind.ROLLBACK else "model.activate"
    details = {
        "from_version": current.version if current else None,
        "to_version": target.version,
        "reason": reason,
        "kind": kind,
    }
    if current is not None and current.pk == target.pk:
        audit_event_record(
            actor=actor,
            action=action,
            target=target.version,
            details={**details, "noop": True},
            request=request,
        )
        return target, current
    now = timezone.now()
    if current is not None:
        ModelVersion.objects.filter(pk=current.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=target.pk).update(is_active=True, activated_at=now)
    Activation.objects.create(
        timestamp=now,
        from_version=current,
        to_version=target,
        actor=actor.name[:150],
        actor_type=actor.type,
        reason=reason,
        kind=kind,
    )
    audit_event_record(
        actor=actor, action=action, target=target.version, details=details, request=request
    )
    transaction.on_commit(_active_pointer_mirror)
    transaction.on_commit(_active_cache_invalidate)
    return target, current


def _with_retries(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a transaction, retrying when the database reports a lost race/deadlock."""
    for attempt in range(ALLOCATION_ATTEMPTS):
        try:
            with transaction.atomic():
                return fn()
        except (IntegrityError, OperationalError):
            if attempt == ALLOCATION_ATTEMPTS - 1 or transaction.get_connection().in_atomic_block:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def model_version_activate(
    *,
    version: str,
    actor: Actor,
    reason: str = "",
    kind: str = Activation.Kind.ACTIVATE,
    request: Any = None,
) -> ModelVersion:
    """Make ``version`` the one active version: one audited transaction + Activation row."""
    version_label_check(version)

    def pick(rows: list[ModelVersion], current: ModelVersion | None) -> ModelVersion:
        for row in rows:
            if row.version == version:
                return row
        raise ModelNotFound(f"model version {version} not found", details={"version": version})

    _with_retries(
        lambda: _activate_locked(
            resolve_target=pick, actor=actor, reason=reason, kind=kind, request=request
        )
    )
    return ModelVersion.objects.defer("drift_reference").get(version=version)


def model_version_rollback(
    *, actor: Actor, reason: str = "", request: Any = None
) -> tuple[ModelVersion, ModelVersion | None]:
    """Re-activate the version that was active before the current one; (new, previous)."""

    def pick(rows: list[ModelVersion], current: ModelVersion | None) -> ModelVersion:
        if current is None:
            raise NothingToRollback("no version is active, so there is nothing to roll back")
        last = (
            Activation.objects.filter(to_version_id=current.pk, from_version__isnull=False)
            .exclude(from_version_id=current.pk)
            .order_by("-timestamp", "-id")
            .values_list("from_version_id", flat=True)
            .first()
        )
        previous = next((row for row in rows if row.pk == last), None)
        if previous is None:
            raise NothingToRollback(
                f"{current.version} has no previously active version to roll back to",
                details={"active_version": current.version},
            )
        return previous

    target, current = _with_retries(
        lambda: _activate_locked(
            resolve_target=pick,
            actor=actor,
            reason=reason,
            kind=Activation.Kind.ROLLBACK,
            request=request,
        )
    )
    refreshed = ModelVersion.objects.defer("drift_reference").get(pk=target.pk)
    return refreshed, current


def model_version_mark_unavailable(*, version: str, status: str, detail: str) -> None:
    """Flag a version CORRUPT/MISSING (deactivating it: only ready versions may be active)."""
    with transaction.atomic():
        row = ModelVersion.objects.select_for_update().filter(version=version).first()
        if row is None or (row.status == status and row.status_detail == detail):
            return
        was_active = row.is_active
        ModelVersion.objects.filter(pk=row.pk).update(
            status=status, status_detail=detail[:2000], is_active=False
        )
        audit_event_record(
            actor=Actor.system("registry"),
            action=f"model.{status}",
            target=version,
            outcome="failed",
            details={"detail": detail[:500], "was_active": was_active},
        )
        transaction.on_commit(lambda: _loaded_model_evict(version))


# --- training -------------------------------------------------------------------------------


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


def train_model(
    *,
    params: dict[str, Any] | None,
    actor: Actor,
    progress_callback: ProgressCallback | None = None,
    run: TrainingRun | None = None,
) -> ModelVersion:
    """Train, register and (per the activation policy) activate a new version, in the foreground."""
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
    progress("registering", 92)
    version = model_version_register(result=result, actor=actor, run=run)
    if decision.activate:
        progress("activating", 97)
        model_version_activate(
            version=version.version,
            actor=actor,
            reason=decision.reason,
            kind=Activation.Kind.POLICY,
        )
    progress("done", 100)
    version = ModelVersion.objects.defer("drift_reference").get(pk=version.pk)
    version.policy_decision = decision  # type: ignore[attr-defined]
    return version


# --- training runs (background) -------------------------------------------------------------


def _host() -> str:
    return socket.gethostname()[:128]


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _task_finished(task_id: str) -> bool | None:
    """Whether the task backend says the task already finished (None when it cannot tell)."""
    if not task_id:
        return None
    try:
        from django.tasks import default_task_backend

        result = default_task_backend.get_result(task_id)
    except Exception:
        return None
    return bool(result.is_finished)


def training_run_recover(*, at_worker_start: bool = False) -> list[str]:
    """Mark runs whose worker is gone as failed; returns their run ids.

    A ``running`` run is dead when its worker process on this host no longer exists, when
    its heartbeat is older than ``TRAIN_RUN_STALE_SECONDS``, or when the task backend says the
    task finished. A ``queued`` run is dead when its task finished without running it, or it
    was never enqueued. A version registered before the crash stays (it is complete: the row
    commits with its artifacts); nothing half-registered can exist.
    """
    now = timezone.now()
    stale = timedelta(seconds=getattr(settings, "TRAIN_RUN_STALE_SECONDS", 600))
    host = _host()
    failed: list[str] = []
    for run in TrainingRun.objects.filter(state__in=TrainingRun.OPEN_STATES):
        reason = ""
        if run.state == TrainingRun.State.RUNNING:
            same_host = run.worker_host == host
            if same_host and not _pid_alive(run.worker_pid):
                reason = f"worker pid {run.worker_pid} on {host} is no longer running"
            elif run.heartbeat_at is None or now - run.heartbeat_at > stale:
                reason = f"no heartbeat since {run.heartbeat_at or run.started_at}"
            elif _task_finished(run.task_id):
                reason = "the task ended without finishing the run"
        else:
            if _task_finished(run.task_id):
                reason = "the task ended before the run started"
            elif not run.task_id and now - run.created_at > timedelta(seconds=60):
                reason = "the run was never handed to the task queue"
            elif at_worker_start is False and now - run.created_at > stale * 6:
                reason = "queued for too long"
        if not reason:
            continue
        updated = TrainingRun.objects.filter(pk=run.pk, state=run.state).update(
            state=TrainingRun.State.FAILED,
            completed_at=now,
            error=f"interrupted: {reason}",
        )
        if updated:
            failed.append(str(run.run_id))
            audit_event_record(
                actor=Actor.system("registry"),
                action="model.train",
                target=str(run.run_id),
                outcome="failed",
                details={"reason": reason, "at_worker_start": at_worker_start},
            )
    return failed


def training_run_request(
    *, actor: Actor, params: dict[str, Any] | None = None, request: Any = None
) -> tuple[TrainingRun, bool]:
    """Queue a background training run; (run, started). ``started`` is False when one is open."""
    clean = {key: value for key, value in (params or {}).items() if value is not None}
    training_params_resolve(clean)  # validate now (422) rather than fail in the worker
    training_run_recover()
    try:
        with transaction.atomic():
            run = TrainingRun.objects.create(
                requested_by=actor.name[:150],
                requested_by_type=actor.type,
                params=clean,
                progress={"stage": "queued", "percent": 0},
            )
            audit_event_record(
                actor=actor,
                action="model.train",
                target=str(run.run_id),
                details={"params": clean, "status": "started"},
                request=request,
            )
    except IntegrityError:
        existing = TrainingRun.objects.filter(state__in=TrainingRun.OPEN_STATES).first()
        if existing is None:  # the open run finished between our insert and this read
            return training_run_request(actor=actor, params=params, request=request)
        audit_event_record(
            actor=actor,
            action="model.train",
            target=str(existing.run_id),
            details={"params": clean, "status": "already_running"},
            request=request,
        )
        return existing, False

    from registry.tasks import training_run_task

    try:
        result = training_run_task.enqueue(run_id=str(run.run_id))
    except Exception as exc:
        TrainingRun.objects.filter(pk=run.pk, state=TrainingRun.State.QUEUED).update(
            state=TrainingRun.State.FAILED,
            completed_at=timezone.now(),
            error=f"could not enqueue: {exc}",
        )
        raise
    TrainingRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run, True


class _Progress:
    """Saves stage/percent and a heartbeat, at most every 0.5 s unless the stage changes."""

    def __init__(self, run: TrainingRun) -> None:
        self.run_pk = run.pk
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: str, percent: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.5:
            return
        self.stage, self.last = stage, now
        TrainingRun.objects.filter(pk=self.run_pk).update(
            progress={"stage": stage, "percent": int(max(0, min(100, percent)))},
            heartbeat_at=timezone.now(),
        )


def training_run_execute(*, run_id: str) -> str:
    """The worker body: claim the queued run, train, record the outcome. Returns the state."""
    training_run_recover(at_worker_start=False)
    with transaction.atomic():
        run = TrainingRun.objects.select_for_update().filter(run_id=run_id).first()
        if run is None:
            logger.warning("training run %s does not exist", run_id)
            return "missing"
        if run.state != TrainingRun.State.QUEUED:
            return run.state
        now = timezone.now()
        run.state = TrainingRun.State.RUNNING
        run.started_at = now
        run.heartbeat_at = now
        run.worker_host = _host()
        run.worker_pid = os.getpid()
        run.progress = {"stage": "starting", "percent": 1}
        run.save(
            update_fields=[
                "state",
                "started_at",
                "heartbeat_at",
                "worker_host",
                "worker_pid",
                "progress",
            ]
        )
    actor = Actor(name=run.requested_by, type=run.requested_by_type)  # type: ignore[arg-type]
    try:
        version = train_model(
            params=run.params, actor=actor, progress_callback=_Progress(run), run=run
        )
    except Exception as exc:
        message = f"{exc.code}: {exc.message}" if isinstance(exc, AppError) else repr(exc)
        logger.exception("training run %s failed", run_id)
        TrainingRun.objects.filter(pk=run.pk).update(
            state=TrainingRun.State.FAILED,
            completed_at=timezone.now(),
            error=message[:4000],
            heartbeat_at=timezone.now(),
        )
        audit_event_record(
            actor=actor,
            action="model.train",
            target=str(run.run_id),
            outcome="failed",
            details={"error": message[:500]},
        )
        return TrainingRun.State.FAILED
    TrainingRun.objects.filter(pk=run.pk).update(
        state=TrainingRun.State.SUCCEEDED,
        completed_at=timezone.now(),
        model_version=version,
        progress={"stage": "done", "percent": 100},
        heartbeat_at=timezone.now(),
    )
    return TrainingRun.State.SUCCEEDED


# --- reconciliation -------------------------------------------------------------------------


def _verify_folder(store: ArtifactStore, version: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Read and verify a folder's manifest; returns (manifest, file hashes) or raises ValueError."""
    import json

    raw = store.read_bytes(store.path(version, MANIFEST_FILE))
    manifest = json.loads(raw)
    if not isinstance(manifest, dict) or manifest.get("version") != version:
        raise ValueError("manifest.json does not describe this folder")
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != set(PAYLOAD_FILES):
        raise ValueError("manifest.json lists no complete file set")
    hashes = {}
    for name in PAYLOAD_FILES:
        data = store.read_bytes(store.path(version, name))
        digest = sha256_hex(data)
        if digest != files[name]:
            raise ValueError(f"{name} does not match the SHA-256 in manifest.json")
        hashes[name] = digest
    hashes[MANIFEST_FILE] = sha256_hex(raw)
    return manifest, hashes


def _version_check(store: ArtifactStore, row: ModelVersion) -> tuple[str, str]:
    """(status, detail) of a registered version's artifacts against its stored hashes."""
    for name, expected in sorted(row.artifact_hashes.items()):
        try:
            data = store.read_bytes(store.path(row.version, name))
        except FileNotFoundError:
            return ModelVersion.Status.MISSING, f"{row.version}/{name} is missing from storage"
        if sha256_hex(data) != expected:
            return (
                ModelVersion.Status.CORRUPT,
                f"{row.version}/{name} does not match its recorded SHA-256",
            )
    if not row.artifact_hashes:
        return ModelVersion.Status.MISSING, f"{row.version} has no recorded artifacts"
    return ModelVersion.Status.READY, ""


def _import_version(store: ArtifactStore, version: str) -> ModelVersion:
    import json

    manifest, hashes = _verify_folder(store, version)
    drift = json.loads(store.read_bytes(store.path(version, DRIFT_FILE)))
    created = manifest.get("created_at")
    created_at = timezone.datetime.fromisoformat(created) if created else timezone.now()
    with transaction.atomic():
        row = ModelVersion.objects.create(
            version=version,
            number=int(version[1:]),
            created_at=created_at,
            source=ModelVersion.Source.IMPORTED,
            artifact_path=f"{store.location.url.rstrip('/')}/{version}",
            artifact_hashes=hashes,
            feature_names=list(manifest["feature_names"]),
            feature_schema_hash=manifest["feature_schema_hash"],
            horizon_days=int(manifest["horizon_days"]),
            residual_std=float(manifest["residual_std"]),
            training_metrics=manifest.get("training_metrics") or {},
            validation_metrics=manifest.get("validation_metrics") or {},
            cv_metrics=manifest.get("cv_metrics") or {},
            dataset_window=manifest.get("dataset_window") or {},
            config=manifest.get("config") or {},
            drift_reference=drift,
        )
        audit_event_record(
            actor=Actor.system("registry"),
            action="model.import",
            target=version,
            details={"location": row.artifact_path},
        )
    return row


def registry_reconcile(*, verify_existing: bool = True) -> dict[str, Any]:
    """Bring the database in line with storage; returns a report.

    - folders in storage but not in the database are imported when their manifest is complete
      and every hash verifies (label and number kept); others are reported as ``skipped``;
    - database versions are re-checked against storage: missing/corrupt ones are flagged (and
      deactivated), previously flagged ones whose bytes verify again become ready;
    - when the database has no active version, the pointer mirrored in storage is honoured if
      that version is ready; when it has one, the pointer is re-mirrored if it differs.
    """
    store = artifact_store()
    folders = store.version_folders()
    rows = {row.version: row for row in ModelVersion.objects.defer("drift_reference")}
    report: dict[str, Any] = {
        "location": store.location.url,
        "storage_versions": folders,
        "imported": [],
        "skipped": {},
        "flagged": {},
        "restored": [],
        "activated": None,
    }
    for version in folders:
        if version in rows:
            continue
        try:
            rows[version] = _import_version(store, version)
            report["imported"].append(version)
        except (FileNotFoundError, ValueError, KeyError, TypeError) as exc:
            report["skipped"][version] = f"{type(exc).__name__}: {exc}"
        except IntegrityError as exc:  # imported concurrently by another instance
            report["skipped"][version] = f"already imported: {exc}"
    if verify_existing:
        for version, row in sorted(rows.items(), key=lambda item: item[1].number):
            if version in report["imported"]:
                continue
            status, detail = _version_check(store, row)
            if status != ModelVersion.Status.READY:
                if row.status != status or row.status_detail != detail:
                    model_version_mark_unavailable(version=version, status=status, detail=detail)
                report["flagged"][version] = {"status": status, "detail": detail}
            elif row.status != ModelVersion.Status.READY:
                ModelVersion.objects.filter(pk=row.pk).update(
                    status=ModelVersion.Status.READY, status_detail=""
                )
                report["restored"].append(version)
    active = ModelVersion.objects.filter(is_active=True).values_list("version", flat=True).first()
    pointer = store.read_active_pointer()
    if active is None and pointer is not None:
        ready = ModelVersion.objects.filter(
            version=pointer, status=ModelVersion.Status.READY
        ).exists()
        if ready:
            model_version_activate(
                version=pointer,
                actor=Actor.system("registry"),
                reason="restored from the active pointer in storage",
            )
            report["activated"] = pointer
            active = pointer
        else:
            report["skipped"][ACTIVE_POINTER] = f"points at {pointer}, which is not ready"
    elif active is not None and pointer != active:
        _active_pointer_mirror()
    report["active_version"] = active
    return report


_reconciled = threading.Event()
_reconcile_lock = threading.Lock()


def registry_reconcile_once() -> dict[str, Any] | None:
    """Reconcile the first time this process needs the registry (never in ``AppConfig.ready``).

    Failures are logged and retried on the next call; callers keep working on the database.
    """
    if _reconciled.is_set():
        return None
    with _reconcile_lock:
        if _reconciled.is_set():
            return None
        try:
            report = registry_reconcile()
        except (AppError, OSError) as exc:
            logger.warning("registry reconciliation failed: %s", exc)
            return None
        _reconciled.set()
        return report


def registry_reconcile_reset() -> None:
    _reconciled.clear()


def registry_reload(*, actor: Actor | None = None, request: Any = None) -> dict[str, Any]:
    """``POST /admin/reload``: drop every process cache, then reconcile with storage (audited)."""
    from mlplatform.process_state import reset_process_state

    reset_process_state()
    report = registry_reconcile()
    _reconciled.set()
    audit_event_record(
        actor=actor or Actor.system("registry"),
        action="registry.reload",
        target=report["location"],
        details={
            key: report[key] for key in ("imported", "skipped", "flagged", "restored", "activated")
        },
        request=request,
    )
    return report


def artifact_bytes_for(*, version: str, filename: str) -> bytes:
    """Raw bytes of one artifact (used by loading; kept here so storage access has one home)."""
    if filename not in (*PAYLOAD_FILES, MANIFEST_FILE):
        raise ValidationFailed(f"unknown artifact {filename!r}")
    return artifact_store().read_bytes(ArtifactStore.path(version, filename))
