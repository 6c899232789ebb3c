"""Realized performance routes: ``/monitoring/performance``, ``/monitoring/performance/outcomes``
and the control-plane ``POST /admin/score``. Thin: parse, call one selector or service, serialize.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform.api.schema import ErrorEnvelopeSerializer
from mlplatform.api.views import ControlPlaneApi, PublicApi
from monitoring.models import Outcome
from monitoring.outcomes.selectors import (
    MAX_DAYS,
    OUTCOME_LIST_DEFAULT_LIMIT,
    OUTCOME_LIST_MAX_LIMIT,
    outcome_list,
    performance_report_json,
)
from monitoring.outcomes.services import outcomes_score_run
from predictions.services.inference import symbol_normalize
from registry.serializers import MetricSetSerializer, ReliabilityBinSerializer

_NOT_FOUND = OpenApiResponse(
    ErrorEnvelopeSerializer,
    description="Unknown `version` (`model_not_found`), or no active version (`no_active_model`).",
)
_NULLABLE_FLOAT = {"allow_null": True, "required": False}


# --- output shapes --------------------------------------------------------------------------


class IntervalField(serializers.ListField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            child=serializers.FloatField(), min_length=2, max_length=2, allow_null=True, **kwargs
        )


class SignalStatsSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    share = serializers.FloatField()
    hit_rate = serializers.FloatField(**_NULLABLE_FLOAT)


class SignalsSerializer(serializers.Serializer):
    BUY = SignalStatsSerializer(required=False)
    SELL = SignalStatsSerializer(required=False)
    HOLD = SignalStatsSerializer(required=False)


class LiveMetricsSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text="Scored outcomes in the window.")
    dates = serializers.IntegerField(help_text="Distinct candle dates in the window.")
    first_date = serializers.CharField(allow_null=True)
    last_date = serializers.CharField(allow_null=True)
    hit_rate = serializers.FloatField(allow_null=True, help_text="sign(expected) == sign(realized)")
    hit_rate_ci = IntervalField(help_text="90% date-block bootstrap interval.")
    base_rate = serializers.FloatField(allow_null=True, help_text="Share of up moves.")
    majority_rate = serializers.FloatField(allow_null=True)
    ic = serializers.FloatField(allow_null=True, help_text="Spearman, expected vs realized.")
    ic_n = serializers.IntegerField(required=False)
    rmse = serializers.FloatField(allow_null=True)
    rmse_zero = serializers.FloatField(allow_null=True)
    rmse_mean = serializers.FloatField(allow_null=True)
    skill = serializers.FloatField(allow_null=True, help_text="1 - rmse / best baseline rmse")
    skill_vs = serializers.CharField(allow_null=True)
    skill_zero = serializers.FloatField(allow_null=True)
    skill_mean = serializers.FloatField(allow_null=True)
    skill_ci = IntervalField(help_text="90% date-block bootstrap interval of skill.")
    brier = serializers.FloatField(allow_null=True)
    brier_base_rate = serializers.FloatField(allow_null=True)
    base_rate_reference = serializers.FloatField(**_NULLABLE_FLOAT)
    reliability = ReliabilityBinSerializer(many=True)
    signals = SignalsSerializer()


class RollingMetricsSerializer(LiveMetricsSerializer):
    target_outcomes = serializers.IntegerField()


class SeriesPointSerializer(serializers.Serializer):
    date = serializers.CharField()
    n = serializers.IntegerField()
    hit_rate = serializers.FloatField(allow_null=True)
    skill = serializers.FloatField(allow_null=True)
    rolling_n = serializers.IntegerField()
    rolling_hit_rate = serializers.FloatField(allow_null=True)
    rolling_hit_rate_ci = IntervalField()
    rolling_skill = serializers.FloatField(allow_null=True)
    rolling_skill_ci = IntervalField()


class PerformanceSerializer(serializers.Serializer):
    version = serializers.CharField()
    source = serializers.ChoiceField(choices=Outcome.Source.choices)
    is_active = serializers.BooleanField()
    horizon_days = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["ok", "degraded", "insufficient_data"])
    status_reason = serializers.CharField()
    min_outcomes = serializers.IntegerField()
    window_days = serializers.IntegerField(allow_null=True)
    scored = serializers.IntegerField()
    pending = serializers.IntegerField()
    unscorable = serializers.IntegerField()
    validation = MetricSetSerializer(help_text="The version's stored validation metrics.")
    live = LiveMetricsSerializer()
    rolling = RollingMetricsSerializer()
    series = SeriesPointSerializer(many=True)


class OutcomeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = [
            "model_version",
            "symbol",
            "exchange",
            "candle_at",
            "expected_return",
            "probability_up",
            "prediction",
            "realized_return",
            "hit",
            "scored_at",
            "source",
            "predicted_at",
            "horizon_days",
        ]


class OutcomeListSerializer(serializers.Serializer):
    outcomes = OutcomeOutputSerializer(many=True)


class ScoreResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["score"])
    status = serializers.ChoiceField(choices=["ok"])
    scored = serializers.IntegerField(help_text="Outcomes scored by this run.")
    pending = serializers.IntegerField(help_text="Outcomes still waiting for their horizon.")
    unscorable = serializers.IntegerField(help_text="Outcomes found unscorable by this run.")
    logs_read = serializers.IntegerField()
    new_outcomes = serializers.IntegerField()
    repeats = serializers.IntegerField()
    retry_later = serializers.IntegerField()
    without_candle = serializers.IntegerField()
    last_log_id = serializers.IntegerField()
    reasons = serializers.DictField(child=serializers.IntegerField())


# --- routes ---------------------------------------------------------------------------------

_VERSION = {"required": False, "max_length": 24}


class PerformanceApi(PublicApi):
    """``GET /monitoring/performance``: realized performance of one version's predictions."""

    class FilterSerializer(serializers.Serializer):
        version = serializers.CharField(**_VERSION)
        days = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DAYS)
        source = serializers.ChoiceField(
            choices=Outcome.Source.choices, required=False, default=Outcome.Source.LIVE
        )

    @extend_schema(
        summary="Realized performance of served predictions",
        parameters=[FilterSerializer],
        responses={200: PerformanceSerializer, 404: _NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        # The report is typed by PerformanceSerializer in the schema and served as the JSON the
        # selector cached: serializing it field by field would cost ~20 us per field for every
        # series point (hundreds of ms for ten years of dates), on every read.
        body = performance_report_json(**params.validated_data)
        return HttpResponse(body, content_type="application/json")


class OutcomeListApi(PublicApi):
    """``GET /monitoring/performance/outcomes``: scored predictions, newest candle first."""

    class FilterSerializer(serializers.Serializer):
        version = serializers.CharField(**_VERSION)
        symbol = serializers.CharField(required=False, max_length=40)
        source = serializers.ChoiceField(choices=Outcome.Source.choices, required=False)
        limit = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=OUTCOME_LIST_MAX_LIMIT,
            default=OUTCOME_LIST_DEFAULT_LIMIT,
        )

    @extend_schema(
        summary="Scored predictions with their realized returns",
        parameters=[FilterSerializer],
        responses={200: OutcomeListSerializer, 404: _NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        if "symbol" in data:
            data["symbol"] = symbol_normalize(data["symbol"])
        rows = outcome_list(**data)
        return Response({"outcomes": OutcomeOutputSerializer(rows, many=True).data})


class AdminScoreApi(ControlPlaneApi):
    """``POST /admin/score``: score matured predictions now (audited ``outcomes.score``)."""

    audit_action = "outcomes.score"

    @extend_schema(
        summary="Score matured predictions now",
        request=None,
        responses={200: ScoreResultSerializer},
    )
    def post(self, request: Request) -> Response:
        summary = outcomes_score_run(actor=self.actor(request), origin="api", request=request)
        return Response(
            ScoreResultSerializer({"action": "score", "status": "ok", **summary.as_dict()}).data
        )
