"""Registry HTTP API (DESIGN section 5). Thin: parse, call one service/selector, serialize."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform.api.redact import public_redact
from mlplatform.api.schema import ErrorEnvelopeSerializer
from mlplatform.api.views import ControlPlaneApi, PublicApi
from mlplatform.core.symbols import SYMBOL_RE
from registry import selectors, services
from registry.models import Activation, ModelVersion, TrainingRun
from registry.serializers import (
    TRAIN_POLICIES,
    ActivateOutputSerializer,
    AdminActivateOutputSerializer,
    ModelDetailSerializer,
    ModelListSerializer,
    PromotionSerializer,
    ReloadOutputSerializer,
    TrainingParamsSerializer,
    dataset_window_totals,
)

# --- output shapes --------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def model_version_summary(row: ModelVersion) -> dict[str, Any]:
    """One entry of ``GET /models``."""
    return {
        "version": row.version,
        "created_at": _iso(row.created_at),
        "is_active": row.is_active,
        "activated_at": _iso(row.activated_at),
        "status": selectors.model_version_display_status(row),
        "artifact_status": row.status,
        "status_detail": row.status_detail,
        "promotion": row.promotion or None,
        "source": row.source,
        "horizon": row.horizon_days,
        "forecast_horizon": f"{row.horizon_days}d",
        "horizon_days": row.horizon_days,
        "feature_schema_hash": row.feature_schema_hash,
        "residual_std": row.residual_std,
        "training_metrics": row.training_metrics,
        "validation_metrics": row.validation_metrics,
        "cv_summary": {
            key: (row.cv_metrics or {}).get(key)
            for key in ("n_folds", "mean_rmse", "mean_skill", "mean_ic")
        },
        "dataset_window": row.dataset_window,
    }


def _dataset_summary(row: ModelVersion) -> dict[str, Any]:
    totals = dataset_window_totals(row.dataset_window)
    split = (row.config or {}).get("split") or {}
    return {
        "symbols": totals["symbols"],
        "n_symbols": len(totals["symbols"]),
        "rows": totals["rows"],
        "first_date": totals["first_date"],
        "last_date": totals["last_date"],
        "train": split.get("train"),
        "validation": split.get("validation"),
        "embargo_days": split.get("embargo_days"),
        "skipped_symbols": split.get("skipped_symbols") or {},
        "quarantined_rows": split.get("quarantined_rows") or [],
    }


def _lineage(run: TrainingRun | None) -> dict[str, Any] | None:
    """Who started the run that produced a version, from which plane, when, with what."""
    if run is None:
        return None
    return {
        "run_id": str(run.run_id),
        "state": run.state,
        "origin": run.origin,
        "requested_by": run.requested_by,
        "requested_by_type": run.requested_by_type,
        "params": run.params,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.started_at),
        "completed_at": _iso(run.completed_at),
    }


def model_version_detail(row: ModelVersion) -> dict[str, Any]:
    """``GET /models/{version}``: one version in full (the drift reference stays server-side)."""
    return {
        **model_version_summary(row),
        "promotion": row.promotion or None,
        "training_run": _lineage(selectors.training_run_for_version(version=row)),
        "feature_columns": list(row.feature_names),
        "cv_metrics": row.cv_metrics,
        "dataset_summary": _dataset_summary(row),
        "metadata": {
            "number": row.number,
            "artifact_path": row.artifact_path,
            "artifact_hashes": row.artifact_hashes,
            "config": row.config,
            "drift_reference_features": sorted(
                ((row.drift_reference or {}).get("features") or {}).keys()
            ),
        },
    }


def activation_item(activation: Activation) -> dict[str, Any]:
    return {
        "timestamp": _iso(activation.timestamp),
        "from_version": activation.from_version.version if activation.from_version else None,
        "to_version": activation.to_version.version,
        "actor": activation.actor,
        "actor_type": activation.actor_type,
        "reason": activation.reason,
        "kind": activation.kind,
    }


def training_run_payload(run: TrainingRun | None) -> dict[str, Any]:
    """The ``training`` object of ``/admin/train`` and ``/admin/train/status``."""
    newest = selectors.model_version_latest_label()
    if run is None:
        return {
            "run_id": None,
            "state": "idle",
            "origin": None,
            "promotion": None,
            "started_at": None,
            "completed_at": None,
            "latest_version": newest,
            "error": None,
            "progress": {"stage": "idle", "percent": 0},
        }
    return {
        "run_id": str(run.run_id),
        "state": run.state,
        "origin": run.origin,
        "promotion": run.promotion or None,
        "requested_by": run.requested_by,
        "params": run.params,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.started_at),
        "completed_at": _iso(run.completed_at),
        "latest_version": run.model_version.version if run.model_version_id else newest,
        "error": run.error or None,
        "progress": {
            "stage": (run.progress or {}).get("stage", run.state),
            "percent": int((run.progress or {}).get("percent", 0)),
        },
    }


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorEnvelopeSerializer, description=description)


_NOT_FOUND = _error("Unknown or malformed version label (`model_not_found`).")
_NOT_READY = _error(
    "The version's artifacts are missing or fail their SHA-256 (`model_unavailable`); "
    "`details` names the file, and the active version stays."
)


# --- output schemas (what /api/schema/ states; the payload functions above build them) -------


class ActivationItemSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    from_version = serializers.CharField(allow_null=True)
    to_version = serializers.CharField()
    actor = serializers.CharField()
    actor_type = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=tuple(Activation.Kind.values))


class ActivationListSerializer(serializers.Serializer):
    activations = ActivationItemSerializer(many=True)


class TrainingProgressSerializer(serializers.Serializer):
    stage = serializers.CharField()
    percent = serializers.IntegerField(min_value=0, max_value=100)


class TrainingSerializer(serializers.Serializer):
    run_id = serializers.CharField(allow_null=True)
    state = serializers.ChoiceField(choices=("idle", *TrainingRun.State.values))
    origin = serializers.CharField(
        allow_null=True, help_text="api, dashboard, admin, cli, bootstrap or schedule"
    )
    promotion = PromotionSerializer(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    latest_version = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_null=True)
    progress = TrainingProgressSerializer()
    requested_by = serializers.CharField(required=False, help_text="absent while idle")
    params = TrainingParamsSerializer(required=False, help_text="absent while idle")
    created_at = serializers.DateTimeField(required=False, help_text="absent while idle")


class TrainOutputSerializer(serializers.Serializer):
    action = serializers.CharField()
    status = serializers.ChoiceField(choices=("started", "already_running"))
    training = TrainingSerializer()


class TrainStatusOutputSerializer(serializers.Serializer):
    action = serializers.CharField()
    training = TrainingSerializer()


class RollbackOutputSerializer(serializers.Serializer):
    action = serializers.CharField()
    status = serializers.CharField()
    active_version = serializers.CharField()
    previous_version = serializers.CharField(allow_null=True)


# --- input shapes ---------------------------------------------------------------------------


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class TrainRequestSerializer(serializers.Serializer):
    symbols = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, min_length=1, max_length=5000
    )
    lookback = serializers.IntegerField(required=False, min_value=60, max_value=100_000)
    horizon = serializers.IntegerField(required=False, min_value=1, max_value=252)
    policy = serializers.ChoiceField(
        choices=TRAIN_POLICIES, required=False, help_text="activation policy for this run"
    )
    origin = serializers.ChoiceField(
        choices=("api", "dashboard"),
        required=False,
        default="api",
        help_text="which client asked (the dashboard sends `dashboard`)",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("symbols"), str):
            data = {**data, "symbols": [s for s in data["symbols"].split(",") if s.strip()]}
        return super().to_internal_value(data)

    def validate_symbols(self, value: list[str]) -> list[str]:
        cleaned = [symbol.strip().upper() for symbol in value]
        bad = [symbol for symbol in cleaned if not SYMBOL_RE.match(symbol)]
        if bad:
            raise serializers.ValidationError(
                f"invalid symbol(s): {', '.join(bad[:10])}; "
                "symbols match ^[A-Z][A-Z0-9._-]{0,19}$"
            )
        return cleaned


def _body(request: Request) -> dict[str, Any]:
    return request.data if isinstance(request.data, dict) else {}


# --- public ---------------------------------------------------------------------------------


class ModelListApi(PublicApi):
    @extend_schema(
        operation_id="models_list",
        summary="Registered model versions with metrics",
        responses={200: ModelListSerializer},
    )
    def get(self, request: Request) -> Response:
        rows = list(selectors.model_version_list())
        active = next((row for row in rows if row.is_active), None)
        return Response(
            {
                "available_versions": [row.version for row in rows],
                "active_version": active.version if active else None,
                "active_status": active.status if active else None,
                "rollback_target": selectors.model_version_rollback_target(),
                "models": public_redact([model_version_summary(row) for row in rows]),
            }
        )


class ModelDetailApi(PublicApi):
    @extend_schema(
        operation_id="models_detail",
        summary="One model version in full",
        responses={200: ModelDetailSerializer, 404: _NOT_FOUND},
    )
    def get(self, request: Request, version: str) -> Response:
        detail = model_version_detail(selectors.model_version_get(version=version))
        return Response(public_redact(detail))  # public: no artifact location


class ActivationListApi(PublicApi):
    @extend_schema(
        summary="Activation history, newest first", responses={200: ActivationListSerializer}
    )
    def get(self, request: Request) -> Response:
        try:
            limit = int(request.query_params.get("limit", 100))
        except ValueError:
            limit = 100
        return Response(
            {"activations": [activation_item(a) for a in selectors.activation_list(limit=limit)]}
        )


# --- control plane --------------------------------------------------------------------------


class ModelActivateApi(ControlPlaneApi):
    audit_action = "model.activate"

    @extend_schema(
        summary="Activate a model version",
        request=ReasonSerializer,
        responses={200: ActivateOutputSerializer, 404: _NOT_FOUND, 409: _NOT_READY},
    )
    def post(self, request: Request, version: str) -> Response:
        body = ReasonSerializer(data=_body(request))
        body.is_valid(raise_exception=True)
        row = services.model_version_activate(
            version=version,
            actor=self.actor(request),
            reason=body.validated_data["reason"],
            request=request,
        )
        return Response({"status": "ok", "active_version": row.version})


class AdminActivateApi(ModelActivateApi):
    @extend_schema(
        summary="Activate a model version (admin)",
        request=ReasonSerializer,
        responses={200: AdminActivateOutputSerializer, 404: _NOT_FOUND, 409: _NOT_READY},
    )
    def post(self, request: Request, version: str) -> Response:
        response = super().post(request, version)
        return Response({"action": "activate", **response.data})


class AdminRollbackApi(ControlPlaneApi):
    audit_action = "model.rollback"

    @extend_schema(
        summary="Re-activate the most recent earlier available version in the history",
        request=ReasonSerializer,
        responses={
            200: RollbackOutputSerializer,
            409: _error(
                "Nothing active or no earlier version in the activation history "
                "(`nothing_to_rollback`), or every earlier version's artifacts are missing or "
                "corrupt (`model_unavailable`)."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body = ReasonSerializer(data=_body(request))
        body.is_valid(raise_exception=True)
        row, previous = services.model_version_rollback(
            actor=self.actor(request), reason=body.validated_data["reason"], request=request
        )
        return Response(
            {
                "action": "rollback",
                "status": "ok",
                "active_version": row.version,
                "previous_version": previous.version if previous else None,
            }
        )


class AdminTrainApi(ControlPlaneApi):
    audit_action = "model.train"

    @extend_schema(
        summary="Queue a training run",
        request=TrainRequestSerializer,
        responses={202: TrainOutputSerializer, 200: TrainOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        body = TrainRequestSerializer(data=_body(request))
        body.is_valid(raise_exception=True)
        params = dict(body.validated_data)
        origin = params.pop("origin")
        reason = params.pop("reason")
        if "policy" in params:
            params["activation_policy"] = params.pop("policy")
        run, started = services.training_run_request(
            actor=self.actor(request),
            params=params,
            request=request,
            origin=origin,
            reason=reason,
        )
        run = selectors.training_run_get(run_id=str(run.run_id)) or run
        return Response(
            {
                "action": "train",
                "status": "started" if started else "already_running",
                "training": training_run_payload(run),
            },
            status=202 if started else 200,
        )


class AdminTrainStatusApi(ControlPlaneApi):
    audit_action = "model.train_status"

    @extend_schema(
        summary="The latest training run with progress",
        responses={200: TrainStatusOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "action": "train_status",
                "training": training_run_payload(selectors.training_run_latest()),
            }
        )


class AdminReloadApi(ControlPlaneApi):
    audit_action = "registry.reload"

    @extend_schema(
        summary="Drop process caches and reconcile the registry with storage",
        request=None,
        responses={
            200: ReloadOutputSerializer,
            503: _error("The artifact store cannot be read (`artifact_store_unavailable`)."),
        },
    )
    def post(self, request: Request) -> Response:
        report = services.registry_reload(actor=self.actor(request), request=request)
        return Response({"action": "reload", "status": "ok", "reconcile": report})
