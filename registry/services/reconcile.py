"""Reconciliation: bring the database in line with artifact storage.

It writes (imports rows, flags or restores availability, re-activates from ``ACTIVE.json``),
so it runs only where writing is expected: at process start-up (``registry.middleware``, the
worker, CLI commands), ``POST /admin/reload``, ``manage.py reconcile_registry`` and
``manage.py bootstrap_demo``. Reads (selectors, ``loaded_model_get``) never call it.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.errors import AppError
from mlplatform.process_state import reset_process_state
from registry.errors import ModelNotReady
from registry.models import ModelVersion
from registry.selectors import model_version_active_label
from registry.services.activation import (
    active_pointer_mirror,
    model_version_activate,
    model_version_artifacts_check,
    model_version_availability_record,
)
from registry.storage import (
    ACTIVE_POINTER,
    DRIFT_FILE,
    MANIFEST_FILE,
    PAYLOAD_FILES,
    ArtifactStore,
    artifact_store,
    sha256_hex,
)

logger = logging.getLogger(__name__)


def _verify_folder(store: ArtifactStore, version: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Read and verify a folder's manifest; returns (manifest, file hashes) or raises ValueError."""
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


def _import_version(store: ArtifactStore, version: str) -> ModelVersion:
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
    - database versions are re-checked against storage: missing/corrupt ones are flagged (an
      active one stays recorded active, reported unavailable), previously flagged ones whose
      bytes verify again become ready;
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
            check = model_version_artifacts_check(row=row, store=store)
            model_version_availability_record(row=row, check=check)
            if not check.ok:
                report["flagged"][version] = {"status": check.status, "detail": check.detail}
            elif row.status != ModelVersion.Status.READY:
                report["restored"].append(version)
    active = model_version_active_label()
    pointer = store.read_active_pointer()
    if active is None and pointer is not None:
        ready = ModelVersion.objects.filter(
            version=pointer, status=ModelVersion.Status.READY
        ).exists()
        try:  # activation verifies the artifacts again; a refusal leaves nothing active
            if not ready:
                raise ModelNotReady(f"{pointer} is not ready")
            model_version_activate(
                version=pointer,
                actor=Actor.system("registry"),
                reason="restored from the active pointer in storage",
            )
        except ModelNotReady:
            report["skipped"][ACTIVE_POINTER] = f"points at {pointer}, which is not ready"
        else:
            report["activated"] = pointer
            active = pointer
    elif active is not None and pointer != active:
        active_pointer_mirror()
    report["active_version"] = active
    return report


_reconciled = threading.Event()
_reconcile_lock = threading.Lock()


def registry_reconcile_once() -> dict[str, Any] | None:
    """Reconcile once per process, at start-up: the first request (``registry.middleware``),
    the worker and the CLI commands that read the registry. Never in ``AppConfig.ready`` (no
    database there) and never from a read. Returns the report the first time, None after.

    Failures are logged and retried on the next call; callers keep working on the database.
    """
    if _reconciled.is_set():
        return None
    with _reconcile_lock:
        if _reconciled.is_set():
            return None
        try:
            report = registry_reconcile()
        except (AppError, OSError, DatabaseError) as exc:
            logger.warning("registry reconciliation failed: %s", exc)
            return None
        _reconciled.set()
        return report


def registry_reconciled() -> bool:
    """Whether this process has reconciled (at start-up or through a reload)."""
    return _reconciled.is_set()


def registry_reconcile_reset() -> None:
    _reconciled.clear()


def registry_reload(*, actor: Actor | None = None, request: Any = None) -> dict[str, Any]:
    """``POST /admin/reload``: drop every process cache, then reconcile with storage (audited)."""
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
