"""Readiness checks for the artifact store and the active model."""

from __future__ import annotations

from typing import Any

from mlplatform.errors import AppError
from registry.models import ModelVersion
from registry.storage import artifact_store


def check_storage() -> dict[str, Any]:
    """Required: the artifact store answers and accepts a write."""
    try:
        detail = artifact_store().probe()
    except AppError as exc:
        return {"status": "failed", "error": exc.message}
    return {"status": "ok", **detail}


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
