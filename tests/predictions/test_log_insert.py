"""The lean PredictionLog insert writes exactly what the ORM would, and concurrent callers
share statements without returning before their own rows are committed."""

from __future__ import annotations

import copy
import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, connections
from django.utils import timezone

from audit.models import PredictionLog
from predictions.services import prediction_logs_insert
from predictions.services.logs import _GroupCommit
from tests.conftest import psycopg_connect


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


# --- group commit -------------------------------------------------------------------------------


class _GatedWrites:
    """A write function whose first call blocks until released, recording every batch."""

    def __init__(self) -> None:
        self.batches: list[list[dict]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.fail_with: Exception | None = None

    def __call__(self, rows: list[dict]) -> None:
        self.batches.append(list(rows))
        if len(self.batches) == 1:
            self.started.set()
            assert self.release.wait(10)
        if self.fail_with is not None:
            raise copy.copy(self.fail_with)  # a new exception per write, as a driver raises


def _submit_all(group: _GroupCommit, rows: list[dict], gate: _GatedWrites):  # type: ignore[no-untyped-def]
    """Submit rows[0] (blocks in the first write), then the rest while it is in flight."""
    outcomes: dict[int, object] = {}

    def submit(index: int) -> None:
        try:
            group.submit([rows[index]])
            outcomes[index] = "ok"
        except Exception as exc:
            outcomes[index] = exc

    first = threading.Thread(target=submit, args=(0,))
    first.start()
    assert gate.started.wait(10)
    others = [threading.Thread(target=submit, args=(i,)) for i in range(1, len(rows))]
    for thread in others:
        thread.start()
    # every follower is queued before the first write finishes
    deadline = time.monotonic() + 10
    while len(group._queue) < len(others) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert not outcomes  # nobody returned while the write they wait for is in flight
    gate.release.set()
    for thread in [first, *others]:
        thread.join(10)
    return outcomes


def test_rows_that_arrive_during_a_write_share_the_next_statement() -> None:
    gate = _GatedWrites()
    group = _GroupCommit(gate)
    rows = [{"n": i} for i in range(5)]
    outcomes = _submit_all(group, rows, gate)
    assert outcomes == {i: "ok" for i in range(5)}
    assert gate.batches[0] == [rows[0]]
    assert sorted(r["n"] for r in gate.batches[1]) == [1, 2, 3, 4]  # one write for the four
    assert len(gate.batches) == 2 and group.rounds == 2


def test_a_failed_write_fails_every_caller_in_it_and_the_next_round_still_runs() -> None:
    gate = _GatedWrites()
    gate.fail_with = OperationalError("server closed the connection")
    group = _GroupCommit(gate)
    outcomes = _submit_all(group, [{"n": i} for i in range(4)], gate)
    errors = list(outcomes.values())
    assert all(isinstance(e, OperationalError) for e in errors)
    assert len({id(e) for e in errors}) == 4  # each thread raised its own exception object
    gate.fail_with = None
    group.submit([{"n": 9}])  # the group is not stuck after a failure
    assert gate.batches[-1] == [{"n": 9}]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_each_return_after_their_own_row_is_committed() -> None:
    now = timezone.now()
    failures: list[str] = []

    def serve(i: int) -> None:
        try:
            for k in range(5):
                request_id = f"req-{i}-{k}"
                prediction_logs_insert([{**_row(i, now, {"i": i}), "request_id": request_id}])
                # visible to another connection the moment the call returns
                with psycopg_connect() as other:
                    found = other.execute(
                        "SELECT count(*) FROM audit_predictionlog WHERE request_id = %s",
                        [request_id],
                    ).fetchone()[0]
                if found != 1:
                    failures.append(f"{request_id}: {found} rows")
        finally:
            connections["default"].close()

    rounds_before = prediction_logs_insert.group.rounds
    threads = [threading.Thread(target=serve, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert PredictionLog.objects.count() == 30
    assert prediction_logs_insert.group.rounds - rounds_before <= 30
