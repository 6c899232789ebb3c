"""Readiness checks for the artifact store and the active model."""

from __future__ import annotations

import threading
import time
from typing import Any

from mlplatform.errors import AppError
from registry.models import ModelVersion
from registry.storage import ArtifactStore, artifact_store

#: A successful write probe is reused this long: /ready is polled often, and on GCS every
#: probe is three requests. Failures are never cached.
STORAGE_PROBE_TTL = 10.0
#: /ready answers within this even when the store hangs: the GCS client retries a dead
#: endpoint for up to 120 s, far past any readiness probe's timeout.
STORAGE_PROBE_TIMEOUT = 5.0
_last_ok: tuple[float, str, dict[str, Any]] | None = None
_probe_lock = threading.Lock()
#: The probe still running in the background (at most one per process), with its start time.
_in_flight: tuple[threading.Thread, float, dict[str, Any]] | None = None


def _probe_in_background(store: ArtifactStore) -> tuple[threading.Thread, float, dict[str, Any]]:
    """Start one probe thread (or join the one already running); its result lands in a dict."""
    global _in_flight
    with _probe_lock:
        if _in_flight is not None and _in_flight[0].is_alive():
            return _in_flight
        result: dict[str, Any] = {}

        def probe() -> None:
            try:
                result["detail"] = store.probe()
            except AppError as exc:
                result["error"] = exc.message
            except Exception as exc:  # a readiness probe reports, it never raises
                result["error"] = f"{type(exc).__name__}: {exc}"

        thread = threading.Thread(target=probe, name="storage-probe", daemon=True)
        _in_flight = (thread, time.monotonic(), result)
        thread.start()
        return _in_flight


def check_storage() -> dict[str, Any]:
    """Required: the artifact store answers and accepts a write, within the probe timeout."""
    global _last_ok
    store = artifact_store()
    now = time.monotonic()
    if (
        _last_ok is not None
        and _last_ok[1] == store.location.url
        and now - _last_ok[0] < STORAGE_PROBE_TTL
    ):
        return {"status": "ok", **_last_ok[2]}
    thread, started, result = _probe_in_background(store)
    thread.join(max(0.0, STORAGE_PROBE_TIMEOUT - (now - started)))
    if thread.is_alive():
        _last_ok = None
        waited = time.monotonic() - started
        return {
            "status": "failed",
            "error": f"{store.location.url} did not answer within {waited:.1f} s",
        }
    if "error" in result:
        _last_ok = None
        return {"status": "failed", "error": result["error"]}
    _last_ok = (time.monotonic(), store.location.url, result["detail"])
    return {"status": "ok", **result["detail"]}


def check_storage_reset() -> None:
    global _last_ok
    _last_ok = None


def check_model() -> dict[str, Any]:
    """Not required: the active version's artifacts are available and this process can serve it.

    An active version flagged missing/corrupt stays recorded active and is reported here as
    ``failed`` (``active_status`` says why), even when this process still serves it from memory
    (``served_from_memory``): a restart or a new instance could not load it.
    """
    from registry.loading import loaded_model_get, loaded_model_versions

    result: dict[str, Any] = {"status": "ok"}
    try:
        loaded = loaded_model_get()
        result["active_version"] = loaded.version
    except AppError as exc:
        result.update(status="failed", active_version=None, error=exc.code, message=exc.message)
        if isinstance(exc.details, dict) and exc.details.get("version"):
            result["active_version"] = exc.details["version"]
    active = (
        ModelVersion.objects.filter(is_active=True)
        .values("version", "status", "status_detail")
        .first()
    )
    if active is not None:
        result["active_version"] = active["version"]
        result["active_status"] = active["status"]
        if active["status"] != ModelVersion.Status.READY:
            result.update(
                status="failed",
                error="model_unavailable",
                message=(
                    f"active version {active['version']} is {active['status']}: "
                    f"{active['status_detail']}"
                ),
                served_from_memory=active["version"] in loaded_model_versions(),
            )
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
