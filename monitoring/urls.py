from django.urls import path

from monitoring.apis import DriftApi, DriftHistoryApi, FreshnessApi, LatencyApi, TrainingHistoryApi
from monitoring.performance_apis import AdminScoreApi, OutcomeListApi, PerformanceApi

urlpatterns = [
    path("monitoring/drift", DriftApi.as_view(), name="monitoring-drift"),
    path("monitoring/drift/history", DriftHistoryApi.as_view(), name="monitoring-drift-history"),
    path("monitoring/freshness", FreshnessApi.as_view(), name="monitoring-freshness"),
    path("monitoring/latency", LatencyApi.as_view(), name="monitoring-latency"),
    path("monitoring/history", TrainingHistoryApi.as_view(), name="monitoring-history"),
    path("monitoring/performance", PerformanceApi.as_view(), name="monitoring-performance"),
    path(
        "monitoring/performance/outcomes",
        OutcomeListApi.as_view(),
        name="monitoring-performance-outcomes",
    ),
    path("admin/score", AdminScoreApi.as_view(), name="admin-score"),
]
