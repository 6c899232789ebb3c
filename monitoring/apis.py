"""Public monitoring routes: drift, drift history, freshness, latency, training history."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform.api.schema import ErrorEnvelopeSerializer
from mlplatform.api.views import PublicApi
from monitoring.drift_schema import DRIFT_STATUSES, DriftReportSerializer
from monitoring.models import DriftSnapshot
from monitoring.selectors import (
    SNAPSHOT_LIST_DEFAULT_LIMIT,
    SNAPSHOT_LIST_MAX_LIMIT,
    drift_market_report,
    drift_snapshot_list,
    freshness_report,
    latency_summary,
    training_history,
)
from monitoring.serializers import (
    FreshnessOutputSerializer,
    LatencyOutputSerializer,
    TrainingHistoryOutputSerializer,
)
from monitoring.services import drift_live_report

VERSION_FIELD_KWARGS = {"required": False, "max_length": 24}


class DriftApi(PublicApi):
    """``GET /monitoring/drift``: live drift of the served version, or the latest market check."""

    class FilterSerializer(serializers.Serializer):
        source = serializers.ChoiceField(
            required=False, choices=DriftSnapshot.Source.choices, default="live"
        )
        version = serializers.CharField(**VERSION_FIELD_KWARGS)

    @extend_schema(
        summary="Feature drift report",
        parameters=[FilterSerializer],
        responses={
            200: DriftReportSerializer,
            404: OpenApiResponse(ErrorEnvelopeSerializer, description="Unknown `version`."),
        },
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        version = params.validated_data.get("version")
        if params.validated_data["source"] == DriftSnapshot.Source.MARKET:
            return Response(drift_market_report(version=version))
        return Response(drift_live_report(version=version))


class DriftSnapshotOutputSerializer(serializers.ModelSerializer):
    timestamp = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=DRIFT_STATUSES)
    samples = serializers.IntegerField()
    drift_share = serializers.FloatField(allow_null=True)

    class Meta:
        model = DriftSnapshot
        fields = ["timestamp", "version", "source", "status", "drift_share", "samples"]


class DriftHistoryApi(PublicApi):
    """``GET /monitoring/drift/history``: stored drift snapshots, newest first."""

    class FilterSerializer(serializers.Serializer):
        source = serializers.ChoiceField(required=False, choices=DriftSnapshot.Source.choices)
        version = serializers.CharField(**VERSION_FIELD_KWARGS)
        limit = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=SNAPSHOT_LIST_MAX_LIMIT,
            default=SNAPSHOT_LIST_DEFAULT_LIMIT,
        )

    @extend_schema(
        summary="Drift snapshots over time",
        parameters=[FilterSerializer],
        responses={
            200: inline_serializer(
                "DriftHistory", fields={"snapshots": DriftSnapshotOutputSerializer(many=True)}
            )
        },
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        snapshots = drift_snapshot_list(**params.validated_data)
        return Response({"snapshots": DriftSnapshotOutputSerializer(snapshots, many=True).data})


class FreshnessApi(PublicApi):
    """``GET /monitoring/freshness``: ages of upstream data, model and predictions."""

    @extend_schema(
        summary="Data, model and prediction freshness", responses={200: FreshnessOutputSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(
            freshness_report(
                max_candle_age_hours=settings.FRESHNESS_MAX_CANDLE_AGE_HOURS,
                max_model_age_days=settings.FRESHNESS_MAX_MODEL_AGE_DAYS,
            )
        )


class LatencyApi(PublicApi):
    """``GET /monitoring/latency``: serving latency over the last ``LATENCY_WINDOW`` logs."""

    class FilterSerializer(serializers.Serializer):
        series = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        summary="Serving latency percentiles",
        parameters=[FilterSerializer],
        responses={200: LatencyOutputSerializer},
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(
            latency_summary(window=settings.LATENCY_WINDOW, series=params.validated_data["series"])
        )


class TrainingHistoryApi(PublicApi):
    """``GET /monitoring/history``: every model version's metrics, oldest first."""

    @extend_schema(
        summary="Training runs over time", responses={200: TrainingHistoryOutputSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response({"runs": training_history()})
