from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

VERSION_PATTERN = r"^v[0-9]+$"


class ModelVersion(models.Model):
    """One registered model version. Artifacts live in storage; their SHA-256s live here."""

    class Status(models.TextChoices):
        READY = "ready"  # artifacts present and verified
        CORRUPT = "corrupt"  # an artifact's bytes no longer match its SHA-256
        MISSING = "missing"  # an artifact is gone from storage

    class Source(models.TextChoices):
        TRAINED = "trained"
        IMPORTED = "imported"  # found in storage by reconciliation

    version = models.CharField(max_length=24, unique=True)
    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READY)
    status_detail = models.TextField(blank=True, default="")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.TRAINED)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)

    artifact_path = models.CharField(max_length=512)
    artifact_hashes = models.JSONField(default=dict)  # file name -> sha256 hex

    feature_names = models.JSONField(default=list)
    feature_schema_hash = models.CharField(max_length=64)
    horizon_days = models.PositiveIntegerField()
    residual_std = models.FloatField()
    training_metrics = models.JSONField(default=dict)
    validation_metrics = models.JSONField(default=dict)
    cv_metrics = models.JSONField(default=dict, blank=True)
    dataset_window = models.JSONField(default=dict)  # symbol -> {rows, first_date, last_date}
    config = models.JSONField(default=dict)
    #: The promotion decision at registration: {"decision": "activated"|"held", "reason": ...}.
    promotion = models.JSONField(default=dict, blank=True)
    #: Per feature: mean, std, quantile bin edges and proportions, bounded sample (DESIGN 3).
    #: Large; list selectors defer it.
    drift_reference = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_model_version"
            ),
            models.CheckConstraint(
                condition=Q(version__regex=VERSION_PATTERN), name="model_version_label_format"
            ),
        ]

    def __str__(self) -> str:
        return self.version


class TrainingRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    OPEN_STATES = (State.QUEUED, State.RUNNING)

    run_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    #: Runs share one lane; the partial unique index allows one open run per lane.
    lane = models.CharField(max_length=32, default="default")
    requested_by = models.CharField(max_length=150)
    requested_by_type = models.CharField(max_length=16, default="system")
    #: Which plane started the run: api, dashboard, admin, cli, bootstrap or schedule.
    origin = models.CharField(max_length=16, default="api")
    params = models.JSONField(default=dict)
    progress = models.JSONField(default=dict)  # {"stage": str, "percent": int}
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    model_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    error = models.TextField(blank=True, default="")
    #: The promotion decision for the version this run registered (same shape as the version's).
    promotion = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True, default="")
    #: Liveness of the worker executing the run: a run whose worker is gone is marked failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker_host = models.CharField(max_length=128, blank=True, default="")
    worker_pid = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lane"],
                condition=Q(state__in=["queued", "running"]),
                name="one_open_training_run_per_lane",
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id} {self.state}"


class Activation(models.Model):
    """Activation history: who switched the active version, from which, to which, and why."""

    class Kind(models.TextChoices):
        ACTIVATE = "activate"
        ROLLBACK = "rollback"
        POLICY = "policy"  # activated by the training activation policy

    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    from_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(max_length=150)
    actor_type = models.CharField(max_length=16)
    reason = models.TextField(blank=True, default="")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ACTIVATE)

    class Meta:
        ordering = ["-timestamp", "-id"]

    def __str__(self) -> str:
        return f"{self.from_version or '-'} -> {self.to_version}"
