"""Loaded models: a process-wide cache keyed by version, artifacts verified on first load.

``loaded_model_get()`` resolves the active version through a process-local label cached for at
most ``ACTIVE_LABEL_TTL`` (0.5 s), so an activation made on any instance is served by every
instance within a second. Loaded models are immutable and cached by version forever (a version's
artifacts never change; if they do, that is corruption and the first load refuses them).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mlplatform.core.calibration import CalibrationMap
from mlplatform.core.features import DEFAULT_VOLATILITY_WINDOW
from mlplatform.core.model import LinearModel
from mlplatform.errors import AppError
from registry.availability import model_version_mark_unavailable
from registry.errors import ModelArtifactCorrupt, ModelArtifactMissing, NoActiveModel
from registry.models import ModelVersion
from registry.selectors import model_version_active_label, model_version_get
from registry.storage import DRIFT_FILE, MANIFEST_FILE, MODEL_FILE, artifact_store, sha256_hex

ACTIVE_LABEL_TTL = 0.5


@dataclass(frozen=True)
class LoadedModel:
    """Everything serving needs from one version, verified and immutable."""

    version: str
    model: LinearModel
    feature_names: tuple[str, ...]
    feature_schema_hash: str
    horizon_days: int
    residual_std: float
    drift_reference: dict[str, Any]
    symbols: tuple[str, ...]
    volatility_window: int
    config: dict[str, Any]
    created_at: datetime
    validation_metrics: dict[str, Any]
    #: ``config["calibration"]`` parsed once at load (``None``: a version without a usable map);
    #: parsing it per served symbol cost 10 us each, 5 ms of a 500-symbol batch.
    calibration: CalibrationMap | None = None

    @property
    def forecast_horizon(self) -> str:
        return f"{self.horizon_days}d"


_lock = threading.Lock()
_models: dict[str, LoadedModel] = {}
_active_label: str | None = None
_active_checked_at = float("-inf")


def _read_verified(row: ModelVersion, filename: str) -> bytes:
    store = artifact_store()
    expected = row.artifact_hashes.get(filename)
    try:
        data = store.read_bytes(store.path(row.version, filename))
    except FileNotFoundError:
        detail = f"{row.version}/{filename} is missing from {store.location.url}"
        model_version_mark_unavailable(
            version=row.version, status=ModelVersion.Status.MISSING, detail=detail
        )
        message = f"model {row.version} cannot be served: {detail}"
        raise ModelArtifactMissing(
            message,
            details={
                "detail": message,
                "version": row.version,
                "status": "missing",
                "file": filename,
            },
        ) from None
    actual = sha256_hex(data)
    if expected is None or actual != expected:
        detail = (
            f"{row.version}/{filename} SHA-256 {actual[:16]}... does not match the recorded "
            f"{(expected or 'none')[:16]}..."
        )
        model_version_mark_unavailable(
            version=row.version, status=ModelVersion.Status.CORRUPT, detail=detail
        )
        message = f"model {row.version} cannot be served: its artifact is corrupt ({detail})"
        raise ModelArtifactCorrupt(
            message,
            details={
                "detail": message,
                "version": row.version,
                "status": "corrupt",
                "file": filename,
                "sha256": actual,
            },
        )
    return data


def _load(row: ModelVersion) -> LoadedModel:
    if row.status in (ModelVersion.Status.CORRUPT, ModelVersion.Status.MISSING):
        error = (
            ModelArtifactCorrupt
            if row.status == ModelVersion.Status.CORRUPT
            else ModelArtifactMissing
        )
        message = (
            f"model {row.version} cannot be served: it is {row.status} "
            f"({row.status_detail or 'artifacts cannot be verified'})"
        )
        raise error(
            message,
            details={
                "detail": message,
                "version": row.version,
                "status": row.status,
                "active": row.is_active,
            },
        )
    model_payload = json.loads(_read_verified(row, MODEL_FILE))
    drift_reference = json.loads(_read_verified(row, DRIFT_FILE))
    if MANIFEST_FILE in row.artifact_hashes:
        _read_verified(row, MANIFEST_FILE)
    try:
        model = LinearModel.from_dict(model_payload)
    except AppError as exc:
        raise ModelArtifactCorrupt(
            f"model {row.version} cannot be served: {exc.message}",
            details={"version": row.version},
        ) from exc
    config = dict(row.config or {})
    return LoadedModel(
        version=row.version,
        model=model,
        feature_names=tuple(row.feature_names),
        feature_schema_hash=row.feature_schema_hash,
        horizon_days=int(row.horizon_days),
        residual_std=float(row.residual_std),
        drift_reference=drift_reference,
        symbols=tuple(config.get("symbols") or ()),
        volatility_window=int(config.get("volatility_window") or DEFAULT_VOLATILITY_WINDOW),
        config=config,
        created_at=row.created_at,
        validation_metrics=dict(row.validation_metrics or {}),
        calibration=CalibrationMap.from_dict(config.get("calibration")),
    )


def _active_label_resolve() -> str:
    global _active_label, _active_checked_at
    now = time.monotonic()
    if now - _active_checked_at < ACTIVE_LABEL_TTL:
        label = _active_label
    else:
        label = model_version_active_label()
        with _lock:
            _active_label, _active_checked_at = label, now
    if label is None:
        raise NoActiveModel(
            "no model version is active: train one (POST /admin/train or manage.py train) "
            "or activate one (POST /admin/activate/<version>)"
        )
    return label


def loaded_model_get(*, version: str | None = None) -> LoadedModel:
    """The loaded model for ``version`` (the active one when None).

    Raises ``ModelNotFound`` (404) for unknown/malformed labels, ``NoActiveModel`` (404) when
    nothing is active, ``ModelUnavailable`` (503 ``model_unavailable``) when the artifacts
    cannot be verified (the version is then flagged in the database, stays active if it was,
    and is not served by this process). A version already loaded here was verified at load and
    keeps being served from memory even if its files disappear later.

    Reads only, apart from flagging a version whose files fail verification; it never
    reconciles with storage (that happens at process start-up, ``registry.services.reconcile``).
    """
    label = _active_label_resolve() if version is None else version
    cached = _models.get(label)
    if cached is not None:
        return cached
    row = model_version_get(version=label)
    loaded = _load(row)
    with _lock:
        _models.setdefault(label, loaded)
        return _models[label]


def active_label_invalidate() -> None:
    """Forget the cached active label (this process sees a local activation at once)."""
    global _active_checked_at
    with _lock:
        _active_checked_at = float("-inf")


def loaded_model_evict(version: str) -> None:
    """Drop one version from this process's cache."""
    with _lock:
        _models.pop(version, None)


def loaded_models_reset() -> None:
    global _active_label, _active_checked_at
    with _lock:
        _models.clear()
        _active_label = None
        _active_checked_at = float("-inf")


def loaded_model_versions() -> list[str]:
    """Versions currently held in this process's cache."""
    return sorted(_models, key=lambda label: int(label[1:]))
