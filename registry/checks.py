"""Readiness checks for the artifact store and the active model."""

from __future__ import annotations

import time
from typing import Any

from mlplatform.errors import AppError
from registry.models import ModelVersion
from registry.storage import artifact_store

#: A successful write probe is reused this long: /ready is polled often, and on GCS every
#: probe is three requests. Failures are never cached.
STORAGE_PROBE_TTL = 10.0
_last_ok: tuple[float, str, dict[str, Any]] | None = None


def check_storage() -> dict[str, Any]:
    """Required: the artifact store answers and accepts a write."""
    global _last_ok
    store = artifact_store()
    now = time.monotonic()
    if (
        _last_ok is not None
        and _last_ok[1] == store.location.url
        and now - _last_ok[0] < STORAGE_PROBE_TTL
    ):
        return {"status": "ok", **_last_ok[2]}
    try:
        detail = store.probe()
    except AppError as exc:
        _last_ok = None
        return {"status": "failed", "error": exc.message}
    _last_ok = (now, store.location.url, detail)
    return {"status": "ok", **detail}


def check_storage_reset() -> None:
    global _last_ok
    _last_ok = None


def check_model() -> dict[str, Any]:
    """Not required: an active version is present and loadable; lists unservable versions."""
    from registry.loading import loaded_model_get

    result: dict[str, Any] = {"status": "ok"}
    try:
        loaded = loaded_model_get()
        result["active_version"] = loaded.version
    except AppError as exc:
        result.update(status="failed", active_version=None, error=exc.code, message=exc.message)
    problems = list(
        ModelVersion.objects.exclude(status=ModelVersion.Status.READY)
        .order_by("number")
        .values("version", "status", "status_detail")
    )
    if problems:
        result["unavailable_versions"] = [
            {"version": p["version"], "status": p["status"], "detail": p["status_detail"]}
            for p in problems
        ]
        if result["status"] == "ok":
            result["status"] = "degraded"
    return result
