"""Builders for monitoring tests: model versions with real drift references, prediction logs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.utils import timezone

from audit.models import PredictionLog
from mlplatform.core.drift import build_reference
from mlplatform.core.features import FEATURE_NAMES
from registry.models import ModelVersion

NAMES: list[str] = list(FEATURE_NAMES)


def reference_matrix(seed: int = 1, rows: int = 3000) -> np.ndarray:
    """Training-like features: independent standard normals, one column per feature."""
    return np.random.default_rng(seed).normal(size=(rows, len(NAMES)))


def model_version_create(
    *,
    number: int = 1,
    active: bool = True,
    reference: np.ndarray | None = None,
    created_at: datetime | None = None,
    dataset_window: dict | None = None,
    feature_names: Sequence[str] = NAMES,
) -> ModelVersion:
    """A ready ModelVersion row straight through the ORM (no artifacts needed here)."""
    matrix = reference_matrix() if reference is None else reference
    return ModelVersion.objects.create(
        version=f"v{number}",
        number=number,
        created_at=created_at or timezone.now(),
        is_active=active,
        activated_at=timezone.now() if active else None,
        artifact_path=f"models/v{number}",
        artifact_hashes={},
        feature_names=list(feature_names),
        feature_schema_hash="0" * 64,
        horizon_days=5,
        residual_std=0.01,
        training_metrics={"rmse": 0.02 + number / 1000},
        validation_metrics={"rmse": 0.03 + number / 1000},
        dataset_window=dataset_window
        or {"AAPL": {"rows": 100, "first_date": "2020-01-01", "last_date": "2020-06-01"}},
        drift_reference=build_reference(matrix, list(feature_names), sample_size=1000, seed=7),
    )


def prediction_logs_create(
    *,
    version: str,
    features: np.ndarray | None = None,
    latencies: Sequence[float] | None = None,
    timestamps: Sequence[datetime] | None = None,
    symbol: str = "AAPL",
) -> list[PredictionLog]:
    """Bulk-insert logs; row ``i`` gets ``timestamps[i]`` (default: one second apart, the
    last row newest and a minute before now)."""
    count = len(features) if features is not None else len(latencies or [])
    if timestamps is None:
        end = timezone.now() - timedelta(minutes=1)
        timestamps = [end - timedelta(seconds=count - 1 - i) for i in range(count)]
    rows = []
    for i in range(count):
        vector = (
            {
                name: float(value) if np.isfinite(value) else None
                for name, value in zip(NAMES, features[i], strict=True)
            }
            if features is not None
            else {}
        )
        rows.append(
            PredictionLog(
                request_id=uuid.uuid4().hex,
                timestamp=timestamps[i],
                symbol=symbol,
                model_version=version,
                prediction="HOLD",
                confidence=0.5,
                probability_up=0.5,
                expected_return=0.0,
                latency_ms=float(latencies[i]) if latencies is not None else 5.0,
                features=vector,
            )
        )
    return PredictionLog.objects.bulk_create(rows, batch_size=1000)


@pytest.fixture
def drift_settings(settings):  # type: ignore[no-untyped-def]
    """Pin the drift settings to the DESIGN defaults whatever the environment says."""
    settings.DRIFT_THRESHOLD = 0.05
    settings.DRIFT_SHARE = 0.5
    settings.DRIFT_WINDOW = 500
    settings.DRIFT_MIN_SAMPLES = 30
    return settings
