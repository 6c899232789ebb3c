"""Version artifacts: the manifest and the files written into a version's folder."""

from __future__ import annotations

from typing import Any

from registry.storage import DRIFT_FILE, MANIFEST_FILE, MODEL_FILE, ArtifactStore
from registry.training import TrainingResult

MANIFEST_FORMAT = 1


def manifest_build(
    *, result: TrainingResult, version: str, number: int, created_at: str, files: dict[str, str]
) -> dict[str, Any]:
    """The self-describing manifest of one version (DESIGN section 3 metadata)."""
    model = result.model.to_dict()
    return {
        "format": MANIFEST_FORMAT,
        "version": version,
        "number": number,
        "created_at": created_at,
        "model_type": model["model_type"],
        "coefficients": model["coefficients"],
        "intercept": model["intercept"],
        "feature_names": list(result.feature_names),
        "scaler": {"means": model["means"], "stds": model["stds"]},
        "alpha": model["alpha"],
        "n_samples": model["n_samples"],
        "residual_std": result.residual_std,
        "feature_schema_hash": result.feature_schema_hash,
        "horizon_days": result.params.horizon,
        "forecast_horizon": f"{result.params.horizon}d",
        "config": result.config,
        "dataset_window": result.dataset_window,
        "training_metrics": result.training_metrics,
        "validation_metrics": result.validation_metrics,
        "cv_metrics": result.cv_metrics,
        "files": files,
    }


def artifacts_write(
    *, store: ArtifactStore, result: TrainingResult, version: str, number: int, created_at: str
) -> dict[str, str]:
    """Write model, drift reference and (last) the manifest; returns file name -> SHA-256."""
    files = {
        MODEL_FILE: store.write_json(store.path(version, MODEL_FILE), result.model.to_dict()),
        DRIFT_FILE: store.write_json(store.path(version, DRIFT_FILE), result.drift_reference),
    }
    manifest = manifest_build(
        result=result, version=version, number=number, created_at=created_at, files=files
    )
    # The manifest goes last: a folder without one is an incomplete write, never imported.
    files[MANIFEST_FILE] = store.write_json(store.path(version, MANIFEST_FILE), manifest)
    return files
