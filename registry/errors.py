"""Registry errors (all ``AppError`` subclasses, rendered by the one envelope handler)."""

from __future__ import annotations

from mlplatform.errors import Conflict, NotFound, ServiceUnavailable


class ModelNotFound(NotFound):
    code = "model_not_found"


class NoActiveModel(NotFound):
    code = "no_active_model"


class ModelArtifactCorrupt(ServiceUnavailable):
    """An artifact's bytes no longer match the SHA-256 recorded when it was registered."""

    code = "model_artifact_corrupt"


class ModelArtifactMissing(ServiceUnavailable):
    code = "model_artifact_missing"


class ModelNotReady(Conflict):
    """Activation of a version whose artifacts are missing or corrupt."""

    code = "model_not_ready"


class NothingToRollback(Conflict):
    code = "nothing_to_rollback"


class TrainingRunNotFound(NotFound):
    code = "training_run_not_found"
