"""Django admin for the registry: read-only records, audited actions (like their API twins).

- Model versions: every field readable (metrics as tables, not JSON dumps). "Activate" is an
  action on the one selected version with a confirmation page asking for a reason; "Roll back"
  is a button on the list page whose confirmation names the target ("Roll back v3 -> v2").
  Both verify artifacts first (``model_version_activate`` / ``model_version_rollback``).
- Training runs: every run (API, dashboard, admin, CLI, bootstrap) with origin and decision;
  "Train" (button on the list page) opens an options form and calls ``training_run_request``.
  The actor recorded in every AuditEvent is the admin user.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.admin import ReadOnlyModelAdmin
from mlplatform.admin_display import number_format, readable
from mlplatform.api.auth import is_operator
from mlplatform.errors import AppError
from registry.models import Activation, ModelVersion, TrainingRun
from registry.selectors import (
    model_version_active_label,
    model_version_display_status,
    model_version_rollback_target,
)
from registry.services import model_version_activate, model_version_rollback, training_run_request
from registry.training import SYMBOL_RE

CONFIRM_TEMPLATE = "admin/registry/confirm_with_reason.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Required. Kept in the activation history and the audit log.",
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why.")
        return reason


class TrainForm(forms.Form):
    symbols = forms.CharField(
        required=False, help_text="Comma-separated; empty: TRAIN_SYMBOLS.", max_length=2000
    )
    lookback = forms.IntegerField(
        required=False, min_value=60, max_value=100_000, help_text="Candles per symbol."
    )
    horizon = forms.IntegerField(
        required=False, min_value=1, max_value=252, help_text="Forecast horizon in days."
    )
    policy = forms.ChoiceField(
        required=False,
        choices=[
            ("", "default (TRAIN_ACTIVATION_POLICY)"),
            ("if_better", "if_better"),
            ("always", "always"),
            ("never", "never"),
        ],
        help_text="Activation policy for the new version.",
    )
    reason = forms.CharField(required=False, max_length=1000, help_text="Kept in the audit log.")

    def clean_symbols(self) -> list[str] | None:
        raw = self.cleaned_data.get("symbols") or ""
        symbols = [s.strip().upper() for s in raw.split(",") if s.strip()]
        bad = [s for s in symbols if not SYMBOL_RE.match(s)]
        if bad:
            raise forms.ValidationError(f"invalid symbol(s): {', '.join(bad[:10])}")
        return symbols or None

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {
            "symbols": data.get("symbols"),
            "lookback": data.get("lookback"),
            "horizon": data.get("horizon"),
            "activation_policy": data.get("policy") or None,
        }
        return {key: value for key, value in params.items() if value is not None}


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


def _confirm_page(
    request: HttpRequest,
    admin_obj: admin.ModelAdmin,
    *,
    title: str,
    lines: list[str],
    form: forms.Form,
    hidden: dict[str, Any],
    button: str,
) -> TemplateResponse:
    context = {
        **admin_obj.admin_site.each_context(request),
        "opts": admin_obj.model._meta,
        "title": title,
        "lines": lines,
        "form": form,
        "hidden": hidden,
        "button": button,
    }
    return TemplateResponse(request, CONFIRM_TEMPLATE, context)


_METRIC_COLUMNS = ("rmse", "mae", "r2", "directional_accuracy", "ic")


def _metrics_html(metrics: dict[str, Any]) -> str:
    """Predictors as rows (model and baselines), metrics as columns; then everything else."""
    metrics = metrics or {}
    predictors = {
        key: value
        for key, value in metrics.items()
        if isinstance(value, dict) and any(c in value for c in _METRIC_COLUMNS)
    }
    rest = {key: value for key, value in metrics.items() if key not in predictors}
    return format_html("{}{}", readable(predictors) if predictors else "", readable(rest))


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    change_list_template = "admin/registry/modelversion/change_list.html"
    list_display = (
        "version",
        "is_active",
        "display_status",
        "decision",
        "source",
        "created_at",
        "horizon",
        "validation_rmse",
        "validation_skill",
    )
    list_filter = ("is_active", "status", "source")
    ordering = ("-number",)
    actions = ("activate_version",)
    exclude = ("drift_reference",)
    readonly_fields = (
        "version",
        "number",
        "created_at",
        "display_status",
        "status_detail",
        "promotion_readable",
        "source",
        "is_active",
        "activated_at",
        "horizon",
        "residual_std_readable",
        "training_metrics_readable",
        "validation_metrics_readable",
        "cv_metrics_readable",
        "dataset_window_readable",
        "config_readable",
        "feature_names_readable",
        "feature_schema_hash",
        "artifact_path",
        "artifact_hashes_readable",
        "activations_readable",
    )
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModelVersion]:
        return super().get_queryset(request).defer("drift_reference")

    @admin.display(description="status")
    def display_status(self, obj: ModelVersion) -> str:
        return model_version_display_status(obj)

    @admin.display(description="decision")
    def decision(self, obj: ModelVersion) -> str:
        return (obj.promotion or {}).get("decision") or "—"

    @admin.display(description="horizon", ordering="horizon_days")
    def horizon(self, obj: ModelVersion) -> str:
        return f"{obj.horizon_days} days"

    @admin.display(description="val rmse")
    def validation_rmse(self, obj: ModelVersion) -> str:
        return number_format((obj.validation_metrics.get("model") or {}).get("rmse"))

    @admin.display(description="val skill")
    def validation_skill(self, obj: ModelVersion) -> str:
        skill = obj.validation_metrics.get("skill")
        return f"{skill * 100:.1f}%" if isinstance(skill, int | float) else "—"

    @admin.display(description="promotion decision")
    def promotion_readable(self, obj: ModelVersion) -> str:
        return readable(obj.promotion or None)

    @admin.display(description="residual std (validation)")
    def residual_std_readable(self, obj: ModelVersion) -> str:
        return number_format(obj.residual_std)

    @admin.display(description="training metrics")
    def training_metrics_readable(self, obj: ModelVersion) -> str:
        return _metrics_html(obj.training_metrics)

    @admin.display(description="validation metrics")
    def validation_metrics_readable(self, obj: ModelVersion) -> str:
        return _metrics_html(obj.validation_metrics)

    @admin.display(description="walk-forward CV")
    def cv_metrics_readable(self, obj: ModelVersion) -> str:
        return readable(obj.cv_metrics)

    @admin.display(description="data window per symbol")
    def dataset_window_readable(self, obj: ModelVersion) -> str:
        return readable(obj.dataset_window)

    @admin.display(description="training config")
    def config_readable(self, obj: ModelVersion) -> str:
        return readable(obj.config)

    @admin.display(description="features")
    def feature_names_readable(self, obj: ModelVersion) -> str:
        return readable(list(obj.feature_names))

    @admin.display(description="artifact SHA-256")
    def artifact_hashes_readable(self, obj: ModelVersion) -> str:
        return readable(obj.artifact_hashes)

    @admin.display(description="activation history")
    def activations_readable(self, obj: ModelVersion) -> str:
        rows = (
            Activation.objects.filter(to_version=obj)
            .select_related("from_version")
            .order_by("-timestamp", "-id")[:50]
        )
        return readable(
            [
                {
                    "timestamp": f"{a.timestamp:%Y-%m-%d %H:%M:%S}",
                    "kind": a.kind,
                    "from": a.from_version.version if a.from_version else None,
                    "actor": a.actor,
                    "reason": a.reason,
                }
                for a in rows
            ]
        )

    @admin.action(description="Activate the selected version (asks for a reason; audited)")
    def activate_version(
        self, request: HttpRequest, queryset: QuerySet[ModelVersion]
    ) -> HttpResponse | None:
        rows = list(queryset.defer("drift_reference")[:2])
        if len(rows) != 1:
            messages.error(request, "Select exactly one version to activate.")
            return None
        row = rows[0]
        if not _is_operator(request):
            _deny(request, "model.activate", row.version)
            return None
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                activated = model_version_activate(
                    version=row.version,
                    actor=_actor(request),
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except AppError as exc:
                messages.error(request, f"{exc.code}: {exc.message}")
                return None
            messages.success(request, f"{activated.version} is now the active version.")
            return None
        active = model_version_active_label()
        lines = [
            f"Active now: {active or 'none'}. Activating {row.version} makes it serve every "
            "prediction on every instance within a second.",
            f"{row.version}: status {model_version_display_status(row)}, horizon "
            f"{row.horizon_days} days, promotion decision "
            f"{(row.promotion or {}).get('decision', 'none')}. Its artifacts are verified "
            "before the switch; a missing or corrupt one is refused and the active version "
            "stays.",
        ]
        return _confirm_page(
            request,
            self,
            title=f"Activate {row.version}" + (f" (replacing {active})" if active else ""),
            lines=lines,
            form=form,
            hidden={"action": "activate_version", "_selected_action": row.pk, "confirm": "1"},
            button=f"Activate {row.version}",
        )

    def get_urls(self) -> list:
        extra = [
            path(
                "rollback/",
                self.admin_site.admin_view(self.rollback_view),
                name="registry_modelversion_rollback",
            )
        ]
        return extra + super().get_urls()

    def rollback_view(self, request: HttpRequest) -> HttpResponse:
        changelist = reverse("admin:registry_modelversion_changelist")
        if not _is_operator(request):
            if request.method == "POST":
                _deny(request, "model.rollback", "")
            else:
                messages.error(request, "Only operators may do this.")
            return HttpResponseRedirect(changelist)
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                row, previous = model_version_rollback(
                    actor=_actor(request), reason=form.cleaned_data["reason"], request=request
                )
            except AppError as exc:
                messages.error(request, f"{exc.code}: {exc.message}")
                return HttpResponseRedirect(changelist)
            was = previous.version if previous else "none"
            messages.success(request, f"Rolled back {was} → {row.version}.")
            return HttpResponseRedirect(changelist)
        active = model_version_active_label()
        target = model_version_rollback_target()
        if active is None or target is None:
            title = "Nothing to roll back"
            lines = [
                f"Active now: {active or 'none'}. No earlier version in the activation history "
                "is available."
            ]
        else:
            title = f"Roll back {active} → {target}"
            lines = [
                f"{target} is the most recent earlier version in the activation history whose "
                f"artifacts are recorded available. It replaces {active}.",
                "Artifacts are verified first: if they fail, the rollback walks further back.",
            ]
        return _confirm_page(
            request,
            self,
            title=title,
            lines=lines,
            form=form,
            hidden={},
            button=title if target else "",
        )


@admin.register(TrainingRun)
class TrainingRunAdmin(ReadOnlyAdmin):
    change_list_template = "admin/registry/trainingrun/change_list.html"
    list_display = (
        "run_id",
        "state",
        "origin",
        "stage",
        "requested_by",
        "created_at",
        "completed_at",
        "model_version",
        "decision",
    )
    list_filter = ("state", "origin")
    ordering = ("-created_at",)
    readonly_fields = (
        "run_id",
        "state",
        "origin",
        "requested_by",
        "requested_by_type",
        "params_readable",
        "promotion_readable",
        "stage",
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

    @admin.display(description="decision")
    def decision(self, obj: TrainingRun) -> str:
        promotion = obj.promotion or {}
        if not promotion:
            return "—"
        version = obj.model_version.version if obj.model_version_id else "?"
        activated = promotion.get("decision") == "activated"
        verb = "registered and activated" if activated else "registered, not activated"
        return f"{version} {verb}: {promotion.get('reason', '')}"

    @admin.display(description="parameters")
    def params_readable(self, obj: TrainingRun) -> str:
        return readable(obj.params or None)

    @admin.display(description="promotion decision")
    def promotion_readable(self, obj: TrainingRun) -> str:
        return readable(obj.promotion or None)

    def get_urls(self) -> list:
        extra = [
            path(
                "train-now/",
                self.admin_site.admin_view(self.train_now_view),
                name="registry_trainingrun_train_now",
            )
        ]
        return extra + super().get_urls()

    def train_now_view(self, request: HttpRequest) -> HttpResponse:
        changelist = reverse("admin:registry_trainingrun_changelist")
        if not _is_operator(request):
            if request.method == "POST":
                _deny(request, "model.train", "")
            else:
                messages.error(request, "Only operators may do this.")
            return HttpResponseRedirect(changelist)
        form = TrainForm(request.POST if request.method == "POST" else None)
        if not (form.is_bound and form.is_valid()):
            return _confirm_page(
                request,
                self,
                title="Train a new version",
                lines=[
                    "Queues a training run on the worker. Empty fields use the TRAIN_* "
                    "settings. The activation policy decides whether the new version goes "
                    "live; the decision and its reason appear in this list."
                ],
                form=form,
                hidden={},
                button="Queue training run",
            )
        try:
            run, started = training_run_request(
                actor=_actor(request),
                params=form.params(),
                request=request,
                origin="admin",
                reason=form.cleaned_data.get("reason") or "",
            )
        except AppError as exc:
            messages.error(request, f"{exc.code}: {exc.message}")
            return HttpResponseRedirect(changelist)
        if started:
            run.refresh_from_db()
            decision = self.decision(run)
            suffix = f" {decision}" if decision != "—" else ""
            messages.success(request, f"Training run {run.run_id} {run.state}.{suffix}")
        else:
            messages.warning(request, f"A training run is already {run.state}: {run.run_id}.")
        return HttpResponseRedirect(changelist)


@admin.register(Activation)
class ActivationAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "from_version", "to_version", "actor", "kind", "reason")
    list_filter = ("kind",)
    ordering = ("-timestamp",)
