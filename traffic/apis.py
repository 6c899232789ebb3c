"""``GET /monitoring/requests``: request and error rates by route and status."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform.api.views import PublicApi
from traffic.selectors import request_traffic_summary

MAX_MINUTES = 24 * 60


class _RatesMixin(serializers.Serializer):
    requests = serializers.IntegerField()
    client_errors = serializers.IntegerField(help_text="4xx answers")
    server_errors = serializers.IntegerField(help_text="5xx answers")
    error_rate = serializers.FloatField(
        allow_null=True, help_text="(4xx + 5xx) / requests; null without requests"
    )
    avg_ms = serializers.FloatField(allow_null=True, help_text="mean time in the server, ms")


class RequestStatusCountSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    requests = serializers.IntegerField()


class RequestMinuteSerializer(_RatesMixin):
    minute = serializers.DateTimeField(help_text="start of the minute (UTC)")


class RequestRouteSerializer(_RatesMixin):
    route = serializers.CharField(help_text='URL pattern without the API prefix; "(unmatched)"')
    method = serializers.CharField()
    statuses = RequestStatusCountSerializer(many=True)


class RequestTrafficSerializer(_RatesMixin):
    minutes = serializers.IntegerField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    flush_seconds = serializers.FloatField(
        help_text="each process persists its counts this often: the newest seconds may be missing"
    )
    series = RequestMinuteSerializer(many=True)
    routes = RequestRouteSerializer(many=True)
    statuses = RequestStatusCountSerializer(many=True)


class RequestTrafficApi(PublicApi):
    class FilterSerializer(serializers.Serializer):
        minutes = serializers.IntegerField(
            required=False, default=60, min_value=1, max_value=MAX_MINUTES
        )

    @extend_schema(
        summary="Request and error rates by route and status (persisted per minute)",
        parameters=[FilterSerializer],
        responses={200: RequestTrafficSerializer},
    )
    def get(self, request: Request) -> Response:
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        summary = request_traffic_summary(minutes=params.validated_data["minutes"])
        summary["flush_seconds"] = settings.REQUEST_STATS_FLUSH_SECONDS
        return Response(RequestTrafficSerializer(summary).data)
