"""Typed output shapes of the monitoring routes built as dicts by ``monitoring.selectors``."""

from __future__ import annotations

from rest_framework import serializers

from registry.serializers import MetricSetSerializer


class SymbolFreshnessSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    exchange = serializers.CharField()
    source = serializers.CharField()
    latest_candle_at = serializers.DateTimeField(allow_null=True)
    age_seconds = serializers.FloatField(allow_null=True)
    last_seen_at = serializers.DateTimeField()
    degraded = serializers.BooleanField()
    stale = serializers.BooleanField()


class FreshnessLimitsSerializer(serializers.Serializer):
    max_candle_age_hours = serializers.FloatField()
    max_model_age_days = serializers.FloatField()


class FreshnessOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=("fresh", "stale", "unknown"))
    checked_at = serializers.DateTimeField()
    upstream_last_seen = serializers.DateTimeField(allow_null=True)
    upstream_age_seconds = serializers.FloatField(allow_null=True)
    model_last_trained = serializers.DateTimeField(allow_null=True)
    model_age_seconds = serializers.FloatField(allow_null=True)
    last_prediction_time = serializers.DateTimeField(allow_null=True)
    last_prediction_age_seconds = serializers.FloatField(allow_null=True)
    symbols = SymbolFreshnessSerializer(many=True)
    limits = FreshnessLimitsSerializer()
    reasons = serializers.ListField(child=serializers.CharField())


class LatencyPointSerializer(serializers.Serializer):
    minute = serializers.DateTimeField(help_text="UTC minute start")
    count = serializers.IntegerField()
    avg_ms = serializers.FloatField()
    p50_ms = serializers.FloatField()
    p95_ms = serializers.FloatField()
    p99_ms = serializers.FloatField()


class LatencyOutputSerializer(serializers.Serializer):
    avg_latency_ms = serializers.FloatField(allow_null=True)
    recent_calls = serializers.IntegerField()
    p50_ms = serializers.FloatField(allow_null=True)
    p95_ms = serializers.FloatField(allow_null=True)
    p99_ms = serializers.FloatField(allow_null=True)
    max_ms = serializers.FloatField(allow_null=True)
    window = serializers.IntegerField(help_text="LATENCY_WINDOW: the newest logs considered")
    window_start = serializers.DateTimeField(required=False, help_text="absent with no logs")
    window_end = serializers.DateTimeField(required=False, help_text="absent with no logs")
    series = LatencyPointSerializer(many=True, required=False, help_text="with ?series=true")


class DatasetRangeSerializer(serializers.Serializer):
    start = serializers.CharField(allow_null=True)
    end = serializers.CharField(allow_null=True)
    symbols = serializers.ListField(child=serializers.CharField())
    rows = serializers.IntegerField()


class TrainingHistoryRunSerializer(serializers.Serializer):
    version = serializers.CharField()
    timestamp = serializers.DateTimeField()
    training_metrics = MetricSetSerializer()
    validation_metrics = MetricSetSerializer()
    dataset_range = DatasetRangeSerializer()


class TrainingHistoryOutputSerializer(serializers.Serializer):
    runs = TrainingHistoryRunSerializer(many=True)
