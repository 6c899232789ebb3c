from django.urls import path

from monitoring.apis import DriftApi, DriftHistoryApi, FreshnessApi, LatencyApi, TrainingHistoryApi

urlpatterns = [
    path("monitoring/drift", DriftApi.as_view(), name="monitoring-drift"),
    path("monitoring/drift/history", DriftHistoryApi.as_view(), name="monitoring-drift-history"),
    path("monitoring/freshness", FreshnessApi.as_view(), name="monitoring-freshness"),
    path("monitoring/latency", LatencyApi.as_view(), name="monitoring-latency"),
    path("monitoring/history", TrainingHistoryApi.as_view(), name="monitoring-history"),
]
