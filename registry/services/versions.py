"""Version registration: allocate ``v(max+1)``, write its artifacts, commit its row."""

from __future__ import annotations

import logging
import time

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.errors import AppError
from registry.models import ModelVersion, TrainingRun
from registry.services.artifacts import artifacts_write
from registry.storage import artifact_store
from registry.training import TrainingResult

logger = logging.getLogger(__name__)

ALLOCATION_ATTEMPTS = 20


def model_version_register(
    *,
    result: TrainingResult,
    actor: Actor,
    run: TrainingRun | None = None,
    promotion: dict[str, str] | None = None,
) -> ModelVersion:
    """Allocate ``v(max+1)``, write its artifacts, then commit its row (one transaction).

    The row is inserted *before* the artifacts are written, inside the transaction: on
    PostgreSQL a concurrent insert of the same number blocks on the unique index until we
    commit and then fails, so only the winner of a number ever writes into its folder. The
    loser retries with the next number. A crash mid-way rolls the row back and leaves at
    worst an orphan folder, which reconciliation imports only if its manifest verifies.
    """
    store = artifact_store()
    last_error: Exception | None = None
    for _attempt in range(ALLOCATION_ATTEMPTS):
        try:
            with transaction.atomic():
                db_max = ModelVersion.objects.aggregate(top=Max("number"))["top"] or 0
                number = max(db_max, store.max_version_number()) + 1
                label = f"v{number}"
                created = timezone.now()
                row = ModelVersion.objects.create(
                    version=label,
                    number=number,
                    created_at=created,
                    artifact_path=f"{store.location.url.rstrip('/')}/{label}",
                    artifact_hashes={},
                    feature_names=list(result.feature_names),
                    feature_schema_hash=result.feature_schema_hash,
                    horizon_days=result.params.horizon,
                    residual_std=result.residual_std,
                    training_metrics=result.training_metrics,
                    validation_metrics=result.validation_metrics,
                    cv_metrics=result.cv_metrics,
                    dataset_window=result.dataset_window,
                    config=result.config,
                    drift_reference=result.drift_reference,
                    promotion=promotion or {},
                )
                row.artifact_hashes = artifacts_write(
                    store=store,
                    result=result,
                    version=label,
                    number=number,
                    created_at=created.isoformat(),
                )
                row.save(update_fields=["artifact_hashes"])
                if run is not None:
                    TrainingRun.objects.filter(pk=run.pk).update(
                        model_version=row, promotion=promotion or {}
                    )
                audit_event_record(
                    actor=actor,
                    action="model.register",
                    target=label,
                    details={
                        "validation_rmse": (result.validation_metrics.get("model") or {}).get(
                            "rmse"
                        ),
                        "skill": result.validation_metrics.get("skill"),
                        "run_id": str(run.run_id) if run is not None else None,
                        "promotion": promotion or {},
                    },
                )
            return row
        except (IntegrityError, OperationalError) as exc:
            # IntegrityError: another process took this number. OperationalError: SQLite busy.
            logger.info("version allocation lost a race (%s); retrying", type(exc).__name__)
            last_error = exc
            time.sleep(0.01)
    raise AppError(
        f"could not allocate a model version number: {last_error}",
        code="version_allocation_failed",
        http_status=503,
    )
