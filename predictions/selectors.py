"""Prediction reads: recent prediction logs, newest first, bounded."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import PredictionLog

MAX_RECENT = 1000


def prediction_log_recent(*, limit: int, symbol: str | None = None) -> QuerySet[PredictionLog]:
    """The ``limit`` (1..1000) newest prediction logs, optionally of one symbol only."""
    limit = max(1, min(int(limit), MAX_RECENT))
    logs = PredictionLog.objects.only(
        "request_id",
        "timestamp",
        "symbol",
        "model_version",
        "prediction",
        "probability_up",
        "expected_return",
        "latency_ms",
        "features",
    )
    if symbol:
        logs = logs.filter(symbol=symbol)
    return logs.order_by("-timestamp", "-id")[:limit]
