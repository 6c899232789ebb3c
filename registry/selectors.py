"""Registry reads. Fixed ordering, bounded limits, heavy columns deferred.

Every function here only reads: none reconciles with storage or records anything. A fresh
process imports what storage holds at start-up (``registry.middleware``), not on a read.
"""

from __future__ import annotations

from django.db.models import QuerySet

from registry.errors import ModelNotFound
from registry.models import Activation, ModelVersion, TrainingRun
from registry.storage import VERSION_RE

MAX_ACTIVATIONS = 1000


def version_label_check(version: str) -> str:
    """The label if it looks like ``vN``; else ``ModelNotFound`` (never treated as a path)."""
    if not isinstance(version, str) or not VERSION_RE.fullmatch(version):
        raise ModelNotFound(
            f"model version {str(version)[:40]!r} not found (versions look like v1, v2, ...)",
            details={"version": str(version)[:40]},
        )
    return version


def model_version_active() -> ModelVersion | None:
    """The active version (without its drift reference), or None."""
    return ModelVersion.objects.defer("drift_reference").filter(is_active=True).first()


def model_version_active_label() -> str | None:
    """The active version's label, or None (the one query for it)."""
    return ModelVersion.objects.filter(is_active=True).values_list("version", flat=True).first()


def model_version_get(*, version: str) -> ModelVersion:
    """One version in full; ``ModelNotFound`` (404 ``model_not_found``) for bad/unknown labels."""
    version_label_check(version)
    found = ModelVersion.objects.filter(version=version).first()
    if found is None:
        raise ModelNotFound(f"model version {version} not found", details={"version": version})
    return found


def model_version_list() -> QuerySet[ModelVersion]:
    """Every version, newest first, without the (large) drift reference."""
    return ModelVersion.objects.defer("drift_reference").order_by("-number")


def activation_list(*, limit: int = 100) -> QuerySet[Activation]:
    """Activation history, newest first."""
    limit = max(1, min(int(limit), MAX_ACTIVATIONS))
    return (
        Activation.objects.select_related("from_version", "to_version")
        .only(
            "timestamp",
            "actor",
            "actor_type",
            "reason",
            "kind",
            "from_version__version",
            "to_version__version",
        )
        .order_by("-timestamp", "-id")[:limit]
    )


def training_run_latest() -> TrainingRun | None:
    return (
        TrainingRun.objects.select_related("model_version")
        .defer("model_version__drift_reference")
        .order_by("-created_at", "-id")
        .first()
    )


def training_run_get(*, run_id: str) -> TrainingRun | None:
    return TrainingRun.objects.select_related("model_version").filter(run_id=run_id).first()


def training_run_open() -> TrainingRun | None:
    return TrainingRun.objects.filter(state__in=TrainingRun.OPEN_STATES).first()


def model_version_latest_label() -> str | None:
    """The newest registered version's label."""
    return ModelVersion.objects.order_by("-number").values_list("version", flat=True).first()


def activation_stack(*, current_pk: int | None) -> list[int]:
    """Version ids in activation order, the active one last (what rollback walks back through).

    Replays the history oldest first: an activation pushes its version; a rollback drops
    everything above the most recent earlier entry of its target. So v1, v2, v3 then two
    rollbacks walk v3 -> v2 -> v1 rather than flipping between v3 and v2, and v1, v2, v1 then a
    rollback goes to v2 and the next one to v1.
    """
    stack: list[int] = []
    history = Activation.objects.order_by("timestamp", "id").values_list("kind", "to_version_id")
    for kind, to_pk in history:
        if kind == Activation.Kind.ROLLBACK:
            earlier = [i for i, pk in enumerate(stack[:-1]) if pk == to_pk]
            if earlier:
                del stack[earlier[-1] + 1 :]
                continue
        if not stack or stack[-1] != to_pk:
            stack.append(to_pk)
    if current_pk is not None and (not stack or stack[-1] != current_pk):
        stack.append(current_pk)
    return stack


def rollback_candidates(*, current_pk: int) -> list[int]:
    """Earlier versions a rollback may go to, most recent first (no repeats, never the current)."""
    seen: set[int] = {current_pk}
    ordered: list[int] = []
    for pk in reversed(activation_stack(current_pk=current_pk)[:-1]):
        if pk not in seen:
            seen.add(pk)
            ordered.append(pk)
    return ordered


def model_version_rollback_target() -> str | None:
    """The version a rollback would activate now, judged on recorded availability (no I/O)."""
    rows = {
        row.pk: row for row in ModelVersion.objects.only("id", "version", "is_active", "status")
    }
    current = next((row for row in rows.values() if row.is_active), None)
    if current is None:
        return None
    for pk in rollback_candidates(current_pk=current.pk):
        row = rows.get(pk)
        if row is not None and row.status == ModelVersion.Status.READY:
            return row.version
    return None


def model_version_display_status(row: ModelVersion) -> str:
    """ready / missing / corrupt / held (held: artifacts fine, promotion held, not active)."""
    if row.status != ModelVersion.Status.READY:
        return row.status
    if not row.is_active and (row.promotion or {}).get("decision") == "held":
        return "held"
    return ModelVersion.Status.READY


def training_run_for_version(*, version: ModelVersion) -> TrainingRun | None:
    """The run that produced ``version`` (None for versions imported from storage)."""
    return version.runs.order_by("-created_at", "-id").first()
