"""Django admin for the registry: read-only records, audited actions (like their API twins).

- Model versions: metrics and metadata are read-only; the "Activate" action calls
  ``model_version_activate`` and the "Roll back" action ``model_version_rollback``.
- Training runs: read-only; "Train now" (button on the list page) calls
  ``training_run_request``. The actor recorded in every AuditEvent is the admin user.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.admin import ReadOnlyModelAdmin
from mlplatform.api.auth import is_operator
from mlplatform.errors import AppError
from registry.models import Activation, ModelVersion, TrainingRun
from registry.services import model_version_activate, model_version_rollback, training_run_request


def _actor(request: HttpRequest) -> Actor:
    return Actor(name=request.user.get_username(), type="user")


def _is_operator(request: HttpRequest) -> bool:
    return is_operator(request.user)  # the one definition, shared with the API


def _deny(request: HttpRequest, action: str, target: str) -> None:
    audit_event_record(
        actor=_actor(request),
        action=action,
        target=target,
        outcome="denied",
        details={"reason": "admin user is not an operator", "via": "admin"},
        request=request,
    )
    messages.error(request, "Only operators may do this.")


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """Every staff user may look; nobody may edit (changes go through audited actions)."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


def _pretty(value: Any) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True))


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "version",
        "is_active",
        "status",
        "source",
        "created_at",
        "validation_rmse",
        "validation_skill",
        "horizon_days",
    )
    list_filter = ("is_active", "status", "source")
    ordering = ("-number",)
    actions = ("activate_version", "rollback_active_version")
    exclude = ("drift_reference",)
    readonly_fields = (
        "version",
        "number",
        "created_at",
        "status",
        "status_detail",
        "source",
        "is_active",
        "activated_at",
        "artifact_path",
        "horizon_days",
        "residual_std",
        "feature_schema_hash",
        "feature_names_pretty",
        "training_metrics_pretty",
        "validation_metrics_pretty",
        "cv_metrics_pretty",
        "dataset_window_pretty",
        "config_pretty",
        "artifact_hashes_pretty",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModelVersion]:
        return super().get_queryset(request).defer("drift_reference")

    @admin.display(description="val rmse")
    def validation_rmse(self, obj: ModelVersion) -> Any:
        return (obj.validation_metrics.get("model") or {}).get("rmse")

    @admin.display(description="val skill")
    def validation_skill(self, obj: ModelVersion) -> Any:
        return obj.validation_metrics.get("skill")

    @admin.display(description="feature names")
    def feature_names_pretty(self, obj: ModelVersion) -> str:
        return _pretty(obj.feature_names)

    @admin.display(description="training metrics")
    def training_metrics_pretty(self, obj: ModelVersion) -> str:
        return _pretty(obj.training_metrics)

    @admin.display(description="validation metrics")
    def validation_metrics_pretty(self, obj: ModelVersion) -> str:
        return _pretty(obj.validation_metrics)

    @admin.display(description="walk-forward CV")
    def cv_metrics_pretty(self, obj: ModelVersion) -> str:
        return _pretty(obj.cv_metrics)

    @admin.display(description="dataset window")
    def dataset_window_pretty(self, obj: ModelVersion) -> str:
        return _pretty(obj.dataset_window)

    @admin.display(description="config")
    def config_pretty(self, obj: ModelVersion) -> str:
        return _pretty(obj.config)

    @admin.display(description="artifact SHA-256")
    def artifact_hashes_pretty(self, obj: ModelVersion) -> str:
        return _pretty(obj.artifact_hashes)

    @admin.action(description="Activate the selected version (audited)")
    def activate_version(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        labels = list(queryset.values_list("version", flat=True))
        if len(labels) != 1:
            messages.error(request, "Select exactly one version to activate.")
            return
        if not _is_operator(request):
            _deny(request, "model.activate", labels[0])
            return
        try:
            row = model_version_activate(
                version=labels[0], actor=_actor(request), reason="Django admin", request=request
            )
        except AppError as exc:
            messages.error(request, f"{exc.code}: {exc.message}")
            return
        messages.success(request, f"{row.version} is now the active version.")

    @admin.action(description="Roll back to the previously active version (audited)")
    def rollback_active_version(
        self, request: HttpRequest, queryset: QuerySet[ModelVersion]
    ) -> None:
        if not _is_operator(request):
            _deny(request, "model.rollback", "")
            return
        try:
            row, previous = model_version_rollback(
                actor=_actor(request), reason="Django admin", request=request
            )
        except AppError as exc:
            messages.error(request, f"{exc.code}: {exc.message}")
            return
        was = previous.version if previous else "none"
        messages.success(request, f"Rolled back: {row.version} is active (was {was}).")


@admin.register(TrainingRun)
class TrainingRunAdmin(ReadOnlyAdmin):
    change_list_template = "admin/registry/trainingrun/change_list.html"
    list_display = (
        "run_id",
        "state",
        "stage",
        "requested_by",
        "created_at",
        "started_at",
        "completed_at",
        "model_version",
    )
    list_filter = ("state",)
    ordering = ("-created_at",)
    readonly_fields = (
        "run_id",
        "state",
        "requested_by",
        "requested_by_type",
        "params",
        "progress",
        "created_at",
        "started_at",
        "completed_at",
        "heartbeat_at",
        "worker_host",
        "worker_pid",
        "model_version",
        "error",
        "task_id",
    )
    fields = readonly_fields

    @admin.display(description="progress")
    def stage(self, obj: TrainingRun) -> str:
        progress = obj.progress or {}
        return f"{progress.get('stage', '-')} {progress.get('percent', 0)}%"

    def get_urls(self) -> list:
        extra = [
            path(
                "train-now/",
                self.admin_site.admin_view(self.train_now_view),
                name="registry_trainingrun_train_now",
            )
        ]
        return extra + super().get_urls()

    def train_now_view(self, request: HttpRequest) -> HttpResponseRedirect:
        changelist = reverse("admin:registry_trainingrun_changelist")
        if request.method != "POST":
            return HttpResponseRedirect(changelist)
        if not _is_operator(request):
            _deny(request, "model.train", "")
            return HttpResponseRedirect(changelist)
        try:
            run, started = training_run_request(actor=_actor(request), params={}, request=request)
        except AppError as exc:
            messages.error(request, f"{exc.code}: {exc.message}")
            return HttpResponseRedirect(changelist)
        if started:
            messages.success(request, f"Training run {run.run_id} queued.")
        else:
            messages.warning(request, f"A training run is already {run.state}: {run.run_id}.")
        return HttpResponseRedirect(changelist)


@admin.register(Activation)
class ActivationAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "from_version", "to_version", "actor", "kind", "reason")
    list_filter = ("kind",)
    ordering = ("-timestamp",)
