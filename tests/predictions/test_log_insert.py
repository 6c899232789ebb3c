"""The lean PredictionLog insert writes exactly what the ORM would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import PredictionLog
from predictions.services import prediction_logs_insert


def _row(i: int, now, features) -> dict:  # type: ignore[no-untyped-def]
    return {
        "request_id": f"req-{i}",
        "timestamp": now,
        "symbol": f"SYM{i}",
        "exchange": "NSE",
        "model_version": "v3",
        "prediction": "SELL",
        "confidence": 0.25 + i,
        "probability_up": 0.375,
        "expected_return": -0.0125 * i,
        "latency_ms": 1.5,
        "inference_latency_ms": 0.25,
        "features": features,
        "degraded_input": i % 2 == 1,
        "input_data_status": "stale" if i % 2 else "fresh",
        "latest_candle_at": now - timedelta(days=i),
    }


def test_rows_round_trip(db) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    shared = {"timestamp": now.isoformat(), "close": 10.5, "rsi_14": 55.25}
    prediction_logs_insert([_row(0, now, shared)])
    prediction_logs_insert([_row(i, now, shared) for i in (1, 2)])  # the memo is reused
    other = {"close": 11.0}
    prediction_logs_insert([_row(3, now + timedelta(seconds=1), other)])
    logs = {log.request_id: log for log in PredictionLog.objects.all()}
    assert set(logs) == {"req-0", "req-1", "req-2", "req-3"}
    for i in range(3):
        log = logs[f"req-{i}"]
        assert log.timestamp == now
        assert log.latest_candle_at == now - timedelta(days=i)
        assert log.features == shared
        assert log.confidence == 0.25 + i and log.expected_return == -0.0125 * i
        assert log.degraded_input is (i % 2 == 1)
        assert log.batch is False  # omitted fields take their default
    assert logs["req-3"].features == other
    assert logs["req-3"].timestamp == now + timedelta(seconds=1)


def test_many_rows_are_chunked_in_one_transaction(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(type(connection.features), "max_query_params", 40)  # 2 rows/statement
    now = timezone.now()
    prediction_logs_insert([{**_row(i, now, {"i": i}), "batch": True} for i in range(5)])
    logs = PredictionLog.objects.order_by("request_id")
    assert [log.features for log in logs] == [{"i": i} for i in range(5)]
    assert all(log.batch for log in logs)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_single_row_outside_a_transaction_is_one_statement_and_leaves_the_session_alone(
    settings, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """In autocommit (how requests run) one row is one statement; synchronous_commit is
    switched off for that statement's own transaction only."""
    now = timezone.now()
    for synchronous in (False, True):
        settings.PREDICTION_LOG_SYNCHRONOUS_COMMIT = synchronous
        with django_assert_num_queries(1):
            prediction_logs_insert([_row(7, now, {"close": 1.25})])
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    rows = list(PredictionLog.objects.filter(request_id="req-7"))
    assert len(rows) == 2
    assert all(
        r.features == {"close": 1.25} and r.latest_candle_at == now - timedelta(days=7)
        for r in rows
    )
    assert all(r.degraded_input and r.input_data_status == "stale" for r in rows)
