"""Activation and rollback: the writes that decide what is served.

- Activation verifies the target's artifacts (presence and SHA-256, through the artifact store)
  *before* switching; a version that fails is flagged, the switch is refused with 409
  ``model_unavailable`` naming the file, and the active version keeps serving.
- Losing the active version's artifact later flags it missing/corrupt but keeps it recorded
  active: which version is active is a decision, availability (``registry.availability``) is
  a fact about storage.
- Rollback walks the activation history (``selectors.rollback_candidates``) back to the most
  recent earlier version whose artifacts verify; repeated rollbacks walk further back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from audit.services import audit_event_record
from mlplatform.actors import Actor
from registry.availability import (
    ArtifactCheck,
    model_version_artifacts_check,
    model_version_availability_record,
)
from registry.errors import ActiveVersionChanged, ModelNotFound, ModelNotReady, NothingToRollback
from registry.loading import active_label_invalidate
from registry.models import Activation, ModelVersion
from registry.selectors import model_version_active_label, rollback_candidates, version_label_check
from registry.storage import artifact_store

logger = logging.getLogger(__name__)

RETRY_ATTEMPTS = 20


# --- switching ------------------------------------------------------------------------------


def active_pointer_mirror() -> None:
    """Write the DB's active version to ``ACTIVE.json`` (after commit; failures only logged)."""
    try:
        label = model_version_active_label()
        artifact_store().write_active_pointer(label, updated_at=timezone.now().isoformat())
    except Exception:
        logger.exception("could not mirror the active pointer to storage")


def _with_retries(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in a transaction, retrying when the database reports a lost race/deadlock."""
    for attempt in range(RETRY_ATTEMPTS):
        try:
            with transaction.atomic():
                return fn()
        except (IntegrityError, OperationalError):
            if attempt == RETRY_ATTEMPTS - 1 or transaction.get_connection().in_atomic_block:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _refused(target: ModelVersion, check: ArtifactCheck, active: str | None) -> ModelNotReady:
    keeps = f"; {active} stays active" if active else ""
    message = f"{target.version} cannot be activated: {check.detail}{keeps}"
    return ModelNotReady(
        message,
        details={
            "detail": message,
            "version": target.version,
            "status": check.status,
            "file": check.file,
            "active_version": active,
        },
    )


def _switch_locked(
    *,
    target_pk: int,
    expected_current_pk: int | bool | None,
    actor: Actor,
    reason: str,
    kind: str,
    request: Any,
) -> tuple[ModelVersion, ModelVersion | None]:
    """Lock every version row (fixed order) and switch the active flag to ``target_pk``.

    ``expected_current_pk`` (False: any) guards rollbacks, whose target depends on which
    version was active when it was picked.
    """
    rows = list(
        ModelVersion.objects.select_for_update()
        .order_by("number")
        .only("id", "version", "number", "is_active", "status", "status_detail")
    )
    current = next((row for row in rows if row.is_active), None)
    target = next(row for row in rows if row.pk == target_pk)
    if expected_current_pk is not False and (current.pk if current else None) != (
        expected_current_pk
    ):
        raise ActiveVersionChanged(
            "the active version changed while the rollback target was chosen; retry",
            details={"active_version": current.version if current else None},
        )
    if target.status != ModelVersion.Status.READY:  # flagged by another process meanwhile
        check = ArtifactCheck(target.status, target.status_detail or f"{target.version} is flagged")
        raise _refused(target, check, current.version if current else None)
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
    transaction.on_commit(active_pointer_mirror)
    transaction.on_commit(active_label_invalidate)
    return target, current


def _refusal_audit(*, actor: Actor, action: str, error: ModelNotReady, request: Any) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        target=str((error.details or {}).get("version") or ""),
        outcome="failed",
        details={"error": error.code, "message": error.message[:500]},
        request=request,
    )


def model_version_activate(
    *,
    version: str,
    actor: Actor,
    reason: str = "",
    kind: str = Activation.Kind.ACTIVATE,
    request: Any = None,
) -> ModelVersion:
    """Verify ``version``'s artifacts, then make it the one active version (audited).

    Refused with ``ModelNotReady`` (409 ``model_unavailable``) when an artifact is missing or
    fails its SHA-256; the version is flagged and the active version stays.
    """
    version_label_check(version)
    row = ModelVersion.objects.defer("drift_reference").filter(version=version).first()
    if row is None:
        raise ModelNotFound(f"model version {version} not found", details={"version": version})
    check = model_version_artifacts_check(row=row)
    model_version_availability_record(row=row, check=check)
    action = "model.rollback" if kind == Activation.Kind.ROLLBACK else "model.activate"
    if not check.ok:
        error = _refused(row, check, model_version_active_label())
        _refusal_audit(actor=actor, action=action, error=error, request=request)
        raise error
    try:
        _with_retries(
            lambda: _switch_locked(
                target_pk=row.pk,
                expected_current_pk=False,
                actor=actor,
                reason=reason,
                kind=kind,
                request=request,
            )
        )
    except ModelNotReady as error:
        _refusal_audit(actor=actor, action=action, error=error, request=request)
        raise
    return ModelVersion.objects.defer("drift_reference").get(pk=row.pk)


def model_version_rollback(
    *, actor: Actor, reason: str = "", request: Any = None
) -> tuple[ModelVersion, ModelVersion | None]:
    """Re-activate the most recent earlier version in the activation history that verifies.

    Returns (now active, previously active). Versions on the way back whose artifacts are
    missing or corrupt are flagged and skipped; when none is left, 409 ``model_unavailable``
    (some exist but none verifies) or ``nothing_to_rollback`` (the history has none).
    """
    versions = {row.pk: row for row in ModelVersion.objects.defer("drift_reference")}
    current = next((row for row in versions.values() if row.is_active), None)
    if current is None:
        raise NothingToRollback("no version is active, so there is nothing to roll back")
    candidates = [
        versions[pk] for pk in rollback_candidates(current_pk=current.pk) if pk in versions
    ]
    if not candidates:
        raise NothingToRollback(
            f"{current.version} has no earlier version in the activation history",
            details={"active_version": current.version},
        )
    store = artifact_store()
    passed: list[str] = []
    for row in candidates:
        check = model_version_artifacts_check(row=row, store=store)
        model_version_availability_record(row=row, check=check)
        if not check.ok:
            passed.append(check.detail)
            continue
        try:
            target, previous = _with_retries(
                lambda row=row: _switch_locked(
                    target_pk=row.pk,
                    expected_current_pk=current.pk,
                    actor=actor,
                    reason=reason,
                    kind=Activation.Kind.ROLLBACK,
                    request=request,
                )
            )
        except ModelNotReady as error:
            passed.append(error.message)
            continue
        refreshed = ModelVersion.objects.defer("drift_reference").get(pk=target.pk)
        return refreshed, previous
    message = (
        f"no earlier version of {current.version} can be rolled back to: "
        + "; ".join(passed)
        + f"; {current.version} stays active"
    )
    error = ModelNotReady(
        message,
        details={
            "detail": message,
            "active_version": current.version,
            "unavailable": [row.version for row in candidates],
            "reasons": passed,
        },
    )
    _refusal_audit(actor=actor, action="model.rollback", error=error, request=request)
    raise error
