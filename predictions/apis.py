"""Public inference routes: /predict, /predict/batch, /predictions/recent, /features."""

from __future__ import annotations

import time

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform.api.schema import ErrorEnvelopeSerializer, FeatureRowMapField
from mlplatform.api.throttles import batch_symbols_charge
from mlplatform.api.views import PublicApi, ThrottledPublicApi
from mlplatform.core.features import FEATURE_NAMES
from predictions.selectors import MAX_RECENT, prediction_log_recent
from predictions.services import (
    EXCHANGES,
    feature_window_get,
    prediction_batch,
    prediction_make,
    symbol_normalize,
)

SIGNALS = ["BUY", "HOLD", "SELL"]
#: The documented form of ``symbol`` (the service upper-cases it, then applies SYMBOL_RE).
SYMBOL_PARAMETER = OpenApiParameter(
    "symbol",
    str,
    required=True,
    pattern=r"^[A-Za-z][A-Za-z0-9._-]{0,19}$",
    description="Ticker, any case; upper-cased, then it must match ^[A-Z][A-Z0-9._-]{0,19}$.",
)
RECENT_DEFAULT_LIMIT = 50
FEATURES_DEFAULT_LOOKBACK = 30


def _errors(*statuses: int) -> dict[int, OpenApiResponse]:
    described = {
        400: "Malformed JSON body.",
        404: "Unknown symbol (`unknown_symbol`), unknown version (`model_not_found`) or no "
        "active model (`no_active_model`).",
        422: "Invalid input (`validation_error`, `stale_input`, `insufficient_history`).",
        429: "Rate limited (`throttled`, or the upstream's `RATE_LIMITED`).",
        502: "The upstream answered with another schema (`upstream_schema_mismatch`).",
        503: "Upstream unavailable without cached data, the model's artifacts missing or "
        "failing their SHA-256 in this process (`model_unavailable`; the version stays "
        "recorded active), or `feature_schema_mismatch`.",
    }
    return {
        status: OpenApiResponse(ErrorEnvelopeSerializer, description=described[status])
        for status in statuses
    }


def _feature_row_serializer(name: str, *, nullable: bool) -> type[serializers.Serializer]:
    fields: dict[str, serializers.Field] = {
        "timestamp": serializers.DateTimeField(),
        "close": serializers.FloatField(allow_null=nullable),
    }
    for feature in FEATURE_NAMES:
        fields[feature] = serializers.FloatField(allow_null=nullable)
    return type(name, (serializers.Serializer,), fields)


PredictionFeaturesSerializer = _feature_row_serializer("PredictionFeatures", nullable=False)
FeatureWindowRowSerializer = _feature_row_serializer("FeatureWindowRow", nullable=True)


# --- /predict --------------------------------------------------------------------------------


class PredictionOutputSerializer(serializers.Serializer):
    exchange = serializers.CharField()
    symbol = serializers.CharField()
    prediction = serializers.ChoiceField(choices=SIGNALS)
    confidence = serializers.FloatField(min_value=0.0, max_value=1.0)
    probability_up = serializers.FloatField(min_value=0.0, max_value=1.0)
    probability_down = serializers.FloatField(min_value=0.0, max_value=1.0)
    base_rate = serializers.FloatField(
        min_value=0.0,
        max_value=1.0,
        allow_null=True,
        help_text=(
            "Share of up moves in the version's training targets: probability_up's edge is "
            "its distance from this. Null for versions trained before calibration maps, whose "
            "probability_up is still Phi(expected_return / residual_std)."
        ),
    )
    risk_score = serializers.FloatField(min_value=0.0, max_value=1.0)
    expected_return = serializers.FloatField()
    forecast_horizon = serializers.CharField(help_text='e.g. "5d"')
    model_version = serializers.CharField()
    degraded_input = serializers.BooleanField()
    input_data_status = serializers.ChoiceField(choices=["fresh", "stale", "degraded"])
    inference_latency_ms = serializers.FloatField(help_text="Feature row + model time.")
    timestamp = serializers.DateTimeField()
    request_id = serializers.CharField()
    features = PredictionFeaturesSerializer(help_text="The feature row the model used.")
    latency_ms = serializers.FloatField(help_text="Whole request, including the log write.")


class PredictApi(ThrottledPublicApi):
    """``GET /predict?symbol=&exchange=&version=``: one prediction from the active version."""

    class InputSerializer(serializers.Serializer):
        """Documents the query (``prediction_make`` enforces the same rules)."""

        symbol = serializers.CharField(max_length=64, help_text="^[A-Z][A-Z0-9._-]{0,19}$")
        exchange = serializers.CharField(
            required=False, allow_blank=True, max_length=16, help_text=" | ".join(EXCHANGES)
        )
        version = serializers.CharField(
            required=False, allow_blank=True, max_length=40, help_text="vN; default: active"
        )

    @extend_schema(
        summary="Predict one symbol",
        parameters=[InputSerializer, SYMBOL_PARAMETER],
        responses={200: PredictionOutputSerializer, **_errors(404, 422, 429, 502, 503)},
    )
    def get(self, request: Request) -> Response:
        # The service validates symbol, exchange and version with the documented rules (the
        # serializer above documents them); a serializer pass here would double the parse
        # cost of the hottest route.
        started = time.perf_counter()
        params = request.query_params
        body = prediction_make(
            symbol=params.get("symbol"),
            exchange=params.get("exchange") or None,
            version=params.get("version") or None,
            started=started,
        )
        return Response(body)


# --- /predict/batch --------------------------------------------------------------------------


class BatchItemErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class BatchItemSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    prediction = serializers.ChoiceField(choices=SIGNALS, allow_null=True)
    confidence = serializers.FloatField(allow_null=True)
    probability_up = serializers.FloatField(allow_null=True)
    expected_return = serializers.FloatField(allow_null=True)
    version = serializers.CharField(allow_null=True)
    degraded_input = serializers.BooleanField(
        allow_null=True, help_text="as on /predict: true unless input_data_status is fresh"
    )
    input_data_status = serializers.CharField(allow_null=True, help_text="as on /predict")
    error = BatchItemErrorSerializer(allow_null=True)


class BatchOutputSerializer(serializers.Serializer):
    items = BatchItemSerializer(many=True)


class PredictBatchInputSerializer(serializers.Serializer):
    symbols = serializers.ListField(
        child=serializers.CharField(max_length=64, allow_blank=True),
        allow_empty=False,
        help_text="1..MAX_BATCH_SYMBOLS symbols; duplicates are answered once.",
    )
    exchange = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=16
    )

    def validate_symbols(self, value: list[str]) -> list[str]:
        if len(value) > settings.MAX_BATCH_SYMBOLS:
            raise serializers.ValidationError(
                f"at most {settings.MAX_BATCH_SYMBOLS} symbols per request, got {len(value)}"
            )
        return value


class PredictBatchApi(ThrottledPublicApi):
    """``POST /predict/batch``: one item per unique symbol (first-seen order), per-item errors."""

    @extend_schema(
        summary="Predict many symbols in one vectorized pass",
        request=PredictBatchInputSerializer,
        responses={200: BatchOutputSerializer, **_errors(400, 404, 422, 429, 503)},
    )
    def post(self, request: Request) -> Response:
        started = time.perf_counter()
        data = PredictBatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # a batch costs its symbols, not one request (BATCH_RATE_LIMIT_SYMBOLS)
        batch_symbols_charge(request, len(data.validated_data["symbols"]))
        items = prediction_batch(
            symbols=data.validated_data["symbols"],
            exchange=data.validated_data.get("exchange") or None,
            started=started,
        )
        return Response({"items": items})


# --- /predictions/recent ---------------------------------------------------------------------


class RecentEntrySerializer(serializers.Serializer):
    request_id = serializers.CharField()
    timestamp = serializers.DateTimeField()
    symbol = serializers.CharField()
    model_version = serializers.CharField()
    prediction = serializers.ChoiceField(choices=SIGNALS)
    probability_up = serializers.FloatField()
    expected_return = serializers.FloatField()
    latency_ms = serializers.FloatField()
    features = FeatureRowMapField(allow_null=True, help_text="The feature row the model used.")


class RecentOutputSerializer(serializers.Serializer):
    entries = RecentEntrySerializer(many=True)


class PredictionsRecentApi(PublicApi):
    """``GET /predictions/recent?limit=&symbol=``: the newest prediction logs first."""

    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_RECENT, default=RECENT_DEFAULT_LIMIT
        )
        symbol = serializers.CharField(required=False, allow_blank=True, max_length=64)

        def validate_symbol(self, value: str) -> str:
            return symbol_normalize(value) if value else value

    @extend_schema(
        summary="Recent predictions (newest first)",
        parameters=[FilterSerializer],
        responses={200: RecentOutputSerializer, **_errors(422)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        logs = prediction_log_recent(
            limit=filters.validated_data["limit"],
            symbol=filters.validated_data.get("symbol") or None,
        )
        return Response({"entries": RecentEntrySerializer(logs, many=True).data})


# --- /features -------------------------------------------------------------------------------


class FeatureWindowOutputSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    window_used = serializers.IntegerField()
    upstream_latest_timestamp = serializers.DateTimeField(allow_null=True)
    degraded_input = serializers.BooleanField()
    features = FeatureWindowRowSerializer(many=True)


class FeaturesApi(ThrottledPublicApi):
    """``GET /features?symbol=&lookback=&exchange=``: the latest feature rows of a symbol."""

    class InputSerializer(serializers.Serializer):
        symbol = serializers.CharField(max_length=64)
        lookback = serializers.IntegerField(
            required=False, min_value=1, help_text="1..MAX_LOOKBACK (default 30)"
        )
        exchange = serializers.CharField(required=False, allow_blank=True, max_length=16)

        def validate_lookback(self, value: int) -> int:
            if value > settings.MAX_LOOKBACK:
                raise serializers.ValidationError(
                    f"Ensure this value is less than or equal to {settings.MAX_LOOKBACK}."
                )
            return value

    @extend_schema(
        summary="Feature rows of one symbol",
        parameters=[InputSerializer, SYMBOL_PARAMETER],
        responses={200: FeatureWindowOutputSerializer, **_errors(404, 422, 429, 502, 503)},
    )
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        body = feature_window_get(
            symbol=values["symbol"],
            lookback=values.get("lookback")
            or min(FEATURES_DEFAULT_LOOKBACK, settings.MAX_LOOKBACK),
            exchange=values.get("exchange") or None,
        )
        return Response(body)
