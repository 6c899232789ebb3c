"""Registry errors (all ``AppError`` subclasses, rendered by the one envelope handler)."""

from __future__ import annotations

from mlplatform.errors import Conflict, NotFound, ServiceUnavailable


class ModelNotFound(NotFound):
    code = "model_not_found"


class NoActiveModel(NotFound):
    code = "no_active_model"


class ModelUnavailable(ServiceUnavailable):
    """The version to serve cannot be loaded: an artifact is missing or fails its SHA-256.

    Serving answers 503; the version stays recorded (and, if it was, active) and is reported
    unavailable until its artifacts verify again.
    """

    code = "model_unavailable"


class ModelArtifactCorrupt(ModelUnavailable):
    """An artifact's bytes no longer match the SHA-256 recorded when it was registered."""


class ModelArtifactMissing(ModelUnavailable):
    """An artifact is gone from storage."""


class ModelNotReady(Conflict):
    """Activation (or rollback) refused: the target's artifacts are missing or corrupt.

    Same code as the serving error: it is the same fact about the version; 409 because the
    request conflicts with the registry's state, and the active version keeps serving.
    """

    code = "model_unavailable"


class NothingToRollback(Conflict):
    code = "nothing_to_rollback"


class ActiveVersionChanged(Conflict):
    """Another activation committed while a rollback picked its target; retry."""

    code = "active_version_changed"
