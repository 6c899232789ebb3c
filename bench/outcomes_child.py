"""The outcomes benchmark's child process (a scratch SQLite database, the synthetic source).

1. ``logs`` prediction logs over ``symbols`` symbols and four versions, every log a distinct
   ``(version, symbol, candle)`` (the worst case: each one becomes an outcome), plus a repeat
   share; timed: the first ``outcomes_score`` run. Baseline: reading the same logs once
   (``values_list``), the floor any scorer pays.
2. ``incremental`` more logs; timed: the next run. Baseline: the first run.
3. ``/monitoring/performance`` through Django's test client (whole middleware stack, no
   socket) with every outcome stored: p50 over ``requests`` calls (the report is cached per
   outcomes revision, so this is the steady state between scoring runs); baseline ``/health``.
   Also timed: computing the report without the cache (the first read after a run).

Prints one ``BENCH_RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH_RESULT "
VERSIONS = ("v1", "v2", "v3", "v4")
NEW_VERSION = "v5"


def _insert_logs(rows: list[tuple]) -> None:
    from django.db import connection, transaction

    sql = (
        "INSERT INTO audit_predictionlog (request_id, timestamp, symbol, exchange, "
        "model_version, prediction, confidence, probability_up, expected_return, latency_ms, "
        "inference_latency_ms, features, degraded_input, input_data_status, latest_candle_at, "
        "batch, client, server_request_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', '')"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])


def _log_rows(candles: dict, plan: list[tuple[str, str, int]], stamp, seed: int) -> list[tuple]:
    import numpy as np

    from predictions.scoring import outputs_map

    rng = np.random.default_rng(seed)
    expected = rng.normal(0, 0.01, len(plan))
    rows = []
    for (version, symbol, k), er in zip(plan, expected, strict=True):
        out = outputs_map(expected_return=float(er), residual_std=0.02, degraded=False)
        candle_at = candles[symbol][k]
        rows.append(
            (
                f"bench-{version}-{symbol}-{k}-{len(rows)}",
                stamp,
                symbol,
                "NASDAQ",
                version,
                out.prediction,
                out.confidence,
                out.probability_up,
                out.expected_return,
                1.0,
                0.1,
                "{}",
                False,
                "fresh",
                candle_at,
                False,
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--symbols", type=int, required=True)
    parser.add_argument("--logs", type=int, required=True)
    parser.add_argument("--incremental", type=int, required=True)
    parser.add_argument("--requests", type=int, required=True)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlplatform.settings")
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from audit.models import PredictionLog
    from mlplatform.market_data import market_data_source
    from monitoring.models import Outcome
    from monitoring.outcomes.scoring import outcomes_score
    from registry.models import ModelVersion

    call_command("migrate", verbosity=0, interactive=False)
    for number, version in enumerate((*VERSIONS, NEW_VERSION), start=1):
        ModelVersion.objects.create(
            version=version,
            number=number,
            is_active=version == "v1",
            artifact_path=f"models/{version}",
            feature_schema_hash="0" * 64,
            horizon_days=5,
            residual_std=0.02,
            validation_metrics={"skill": 0.0, "train_mean": 0.0004},
        )
    source = market_data_source()
    symbols = [f"SYM{i:03d}" for i in range(args.symbols)]
    candles = {
        s: [t.to_pydatetime() for t in source.get_candles(s).candles["timestamp"]] for s in symbols
    }
    n_candles = min(len(c) for c in candles.values())
    per_key = args.logs // (len(VERSIONS) * len(symbols))
    per_key = min(per_key, n_candles - 1)
    plan = [
        (version, symbol, n_candles - per_key + k)
        for version in VERSIONS
        for symbol in symbols
        for k in range(per_key)
    ]
    rng = np.random.default_rng(1)
    # the rest of the budget repeats earlier predictions (same key, counted once)
    repeats = args.logs - len(plan)
    extra = [plan[i] for i in rng.integers(0, len(plan), repeats)] if repeats > 0 else []
    stamp = timezone.now() - timezone.timedelta(hours=1)
    rows = _log_rows(candles, plan + extra, stamp, seed=2)
    t0 = time.perf_counter()
    _insert_logs(rows)
    insert_seconds = time.perf_counter() - t0
    del rows

    t0 = time.perf_counter()
    read = 0
    last = 0
    while True:
        chunk = list(
            PredictionLog.objects.filter(id__gt=last)
            .order_by("id")
            .values_list(
                "id",
                "model_version",
                "symbol",
                "exchange",
                "latest_candle_at",
                "expected_return",
                "probability_up",
                "prediction",
                "timestamp",
            )[:50_000]
        )
        if not chunk:
            break
        read += len(chunk)
        last = chunk[-1][0]
    read_seconds = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    first = outcomes_score(settle_seconds=0)
    first_seconds = time.perf_counter() - t0
    first_cpu = time.process_time() - c0

    # a new version's first traffic: distinct keys, so every new log becomes an outcome
    picks = rng.choice(len(symbols) * (n_candles - 10), size=args.incremental, replace=False)
    new_plan = [
        (NEW_VERSION, symbols[int(i) // (n_candles - 10)], int(i) % (n_candles - 10)) for i in picks
    ]
    _insert_logs(_log_rows(candles, new_plan, timezone.now() - timezone.timedelta(minutes=5), 3))
    t0, c0 = time.perf_counter(), time.process_time()
    second = outcomes_score(settle_seconds=0)
    incremental_seconds = time.perf_counter() - t0
    incremental_cpu = time.process_time() - c0

    outcomes = Outcome.objects.count()
    client = Client()
    for path in ("/health", "/monitoring/performance"):
        assert client.get(path).status_code == 200, path

    def p50(path: str) -> tuple[float, list[float]]:
        samples = []
        for _ in range(args.requests):
            t = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        return statistics.median(samples), samples

    from monitoring.outcomes.selectors import performance_report_compute

    active = ModelVersion.objects.get(version="v1")
    cold = []
    for _ in range(5):
        t = time.perf_counter()
        performance_report_compute(row=active, days=None, source="live")
        cold.append((time.perf_counter() - t) * 1000)
    perf_p50, perf_samples = p50("/monitoring/performance")
    health_p50, _ = p50("/health")
    days_p50, _ = p50("/monitoring/performance?days=30")
    body = client.get("/monitoring/performance").json()
    print(
        RESULT_PREFIX
        + json.dumps(
            {
                "logs": args.logs + args.incremental,
                "first_logs": first.logs_read,
                "distinct": len(plan),
                "insert_seconds": insert_seconds,
                "read_seconds": read_seconds,
                "read_rows": read,
                "first_seconds": first_seconds,
                "first_cpu_seconds": first_cpu,
                "incremental_cpu_seconds": incremental_cpu,
                "load_average": os.getloadavg(),
                "first": first.as_dict(),
                "incremental_logs": second.logs_read,
                "incremental_seconds": incremental_seconds,
                "incremental": second.as_dict(),
                "outcomes": outcomes,
                "version_outcomes": body["scored"],
                "perf_p50_ms": perf_p50,
                "perf_p95_ms": float(np.percentile(perf_samples, 95)),
                "perf_days_p50_ms": days_p50,
                "cold_ms": statistics.median(cold),
                "health_p50_ms": health_p50,
                "status": body["status"],
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
