"""Artifact availability: verify a version's files against their SHA-256s and record the result.

Availability is a fact about storage, separate from which version is active: a version whose
files go missing or stop matching is flagged (audited) and stays recorded active if it was.
Outside ``registry.services`` because loading a model records what it finds (a load that
cannot verify flags the version) without depending on activation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from audit.services import audit_event_record
from mlplatform.actors import Actor
from registry.models import ModelVersion
from registry.storage import ArtifactStore, artifact_store, sha256_hex


@dataclass(frozen=True)
class ArtifactCheck:
    """The result of verifying one version's artifacts against its recorded SHA-256s."""

    status: str  # ModelVersion.Status value
    detail: str = ""
    file: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == ModelVersion.Status.READY


def model_version_artifacts_check(
    *, row: ModelVersion, store: ArtifactStore | None = None
) -> ArtifactCheck:
    """Read every recorded artifact of ``row`` and compare its SHA-256 (reads, never writes)."""
    store = store or artifact_store()
    if not row.artifact_hashes:
        return ArtifactCheck(
            ModelVersion.Status.MISSING, f"{row.version} has no recorded artifacts"
        )
    for name, expected in sorted(row.artifact_hashes.items()):
        try:
            data = store.read_bytes(store.path(row.version, name))
        except FileNotFoundError:
            return ArtifactCheck(
                ModelVersion.Status.MISSING,
                f"{row.version}/{name} is missing from storage ({store.location.url})",
                name,
            )
        if sha256_hex(data) != expected:
            return ArtifactCheck(
                ModelVersion.Status.CORRUPT,
                f"{row.version}/{name} does not match its recorded SHA-256",
                name,
            )
    return ArtifactCheck(ModelVersion.Status.READY)


def model_version_availability_record(*, row: ModelVersion, check: ArtifactCheck) -> None:
    """Store what a check found: flag missing/corrupt, or restore a flagged version to ready."""
    if check.ok:
        if row.status != ModelVersion.Status.READY:
            restored = ModelVersion.objects.filter(pk=row.pk).exclude(
                status=ModelVersion.Status.READY
            )
            if restored.update(status=ModelVersion.Status.READY, status_detail=""):
                audit_event_record(
                    actor=Actor.system("registry"),
                    action="model.restored",
                    target=row.version,
                    details={"was": row.status},
                )
        return
    model_version_mark_unavailable(version=row.version, status=check.status, detail=check.detail)


def model_version_mark_unavailable(*, version: str, status: str, detail: str) -> None:
    """Flag a version missing/corrupt (audited). An active version stays recorded active.

    Processes that already loaded it (verified at load) keep serving it from memory; a process
    that has to load it answers 503 ``model_unavailable``; readiness and ``/models`` report it.
    """
    with transaction.atomic():
        row = ModelVersion.objects.select_for_update().filter(version=version).first()
        if row is None or (row.status == status and row.status_detail == detail):
            return
        ModelVersion.objects.filter(pk=row.pk).update(status=status, status_detail=detail[:2000])
        audit_event_record(
            actor=Actor.system("registry"),
            action=f"model.{status}",
            target=version,
            outcome="failed",
            details={"detail": detail[:500], "is_active": row.is_active},
        )
