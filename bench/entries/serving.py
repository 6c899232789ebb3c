"""Entry 3: serving under gunicorn on 127.0.0.1, with SQLite and with PostgreSQL.

Per database: a scratch database is migrated and a model trained on the synthetic source and
activated (``bench.train_child``), then gunicorn serves ``mlplatform.wsgi`` (2 workers x 4
threads, as ``make run`` and the Dockerfile). ``wrk`` loads ``/health`` and a warm
``/predict?symbol=AAPL`` at concurrency 1 and 16; ``/predict/batch`` with 500 symbols is timed
against a single warm ``/predict`` over one keep-alive connection.

Targets (issue 5): predict p50 <= 2x health p50 (concurrency 1); predict req/s >= 0.5x health
req/s (concurrency 16); batch of 500 < 20x one warm predict. "Warm" means the model is loaded
and the symbols' candles are in the market-data cache; the cache TTL is raised to 300 s so no
timed window straddles an expiry. Throttling is lifted (``RATE_LIMIT_REQUESTS=100000000``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from bench.context import Context
from bench.entries.training import child_env, train_in_child
from bench.harness import Result, Timing, fmt_number, margin_text, progress, ratio
from bench.loadgen import LoadResult, run_python, run_wrk, wrk_path
from mlplatform.launcher import Web
from mlplatform.scratch_db import (
    DEFAULT_PG_SERVER,
    postgres_unreachable_reason,
    scratch_database,
)

WORKERS = 2
THREADS = 4
P50_FACTOR = 2.0
THROUGHPUT_SHARE = 0.5
BATCH_FACTOR = 20.0


@contextlib.contextmanager
def _gunicorn(env: dict[str, str], workdir: Path, workers: int) -> Iterator[int]:
    """gunicorn through the one launcher (production's config, ``workers`` x THREADS); yields its
    port once /health answers 200, then stops it."""
    web = Web(env, workers=workers, threads=THREADS, log_path=workdir / "gunicorn.log")
    with web:
        yield web.port


class _Client:
    """One keep-alive connection (so every request lands on the same, warmed worker)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, body: object | None = None) -> tuple[float, dict]:
        """``(seconds, json body)``; one retry on a fresh connection if the server closed it."""
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                elapsed = time.perf_counter() - started
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                # gunicorn drops idle keep-alive connections after a few seconds
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        if response.status != 200:
            raise RuntimeError(f"{method} {path} -> {response.status}: {raw[:500]!r}")
        return elapsed, json.loads(raw)

    def close(self) -> None:
        self.conn.close()


def _load(ctx: Context, url: str, connections: int) -> LoadResult:
    if wrk_path() is not None:
        return run_wrk(
            url, connections=connections, seconds=ctx.sizes.serving_seconds, workdir=ctx.workdir
        )
    return run_python(url, connections=connections, seconds=ctx.sizes.serving_seconds)


def _median_round(results: list[LoadResult]) -> LoadResult:
    """The round with the median throughput, its percentiles kept together.

    Rounds alternate /health and /predict, so both see the same drift of a shared machine.
    (Without ``--reuse-port`` the workers share one listening socket and one of them could
    take all 16 connections, halving a round's req/s; with it the kernel spreads them.)
    """
    ordered = sorted(results, key=lambda r: r.rps)
    median = ordered[len(ordered) // 2]
    return dataclasses.replace(median, rounds=tuple(r.rps for r in results))


def _pg_server_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG_SERVER)


def _pg_unreachable_reason() -> str | None:
    return postgres_unreachable_reason(_pg_server_url())


def _serve_env(workdir: Path, database_url: str) -> dict[str, str]:
    env = child_env(workdir)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(
        RATE_LIMIT_REQUESTS="100000000",
        BATCH_RATE_LIMIT_SYMBOLS="100000000",  # timed 500-symbol batches, not the budget
        MARKET_DATA_CACHE_SECONDS="300",
        MAX_BATCH_SYMBOLS="500",
    )
    return env


def _measure(ctx: Context, label: str, workdir: Path, database_url: str) -> list[Result]:
    sizes = ctx.sizes
    env = _serve_env(workdir, database_url)
    train_symbols = 3 if ctx.smoke else 20
    progress(f"serving[{label}]: migrate + train an active model ({train_symbols} symbols)")
    trained = train_in_child(workdir, symbols=train_symbols, lookback=sizes.candles, env=env)
    workers = 1 if ctx.smoke else WORKERS
    progress(f"serving[{label}]: starting gunicorn ({workers} workers x {THREADS} threads)")
    with _gunicorn(env, workdir, workers) as port:
        base = f"http://127.0.0.1:{port}"
        batch_symbols = ["AAPL", *ctx.symbols(sizes.batch_symbols - 1, prefix="B")]
        progress(f"serving[{label}]: warming every worker (model, AAPL, {len(batch_symbols)} sym)")
        # new connection each time: the kernel spreads them over the workers
        for _ in range(4 * workers):
            _Client(port).call("GET", "/predict?symbol=AAPL")
            warm = _Client(port)
            _, body = warm.call("POST", "/predict/batch", {"symbols": batch_symbols})
            warm.close()
        failed = [item for item in body["items"] if item.get("error")]
        if len(failed) == len(body["items"]):
            raise RuntimeError(f"every batch item failed, e.g. {failed[0]}")

        loads: dict[tuple[str, int], LoadResult] = {}
        for connections in (1, 16):
            rounds: dict[str, list[LoadResult]] = {"/health": [], "/predict": []}
            for round_ in range(1, sizes.serving_rounds + 1):
                for path in ("/health", "/predict?symbol=AAPL"):
                    result = _load(ctx, base + path, connections)
                    progress(
                        f"serving[{label}]: {path} c={connections} round {round_}: "
                        f"{result.describe()}, errors {result.errors}"
                    )
                    rounds[path.split("?")[0]].append(result)
            for path, results in rounds.items():
                loads[(path, connections)] = _median_round(results)

        progress(f"serving[{label}]: /predict/batch {len(batch_symbols)} vs single /predict")
        client = _Client(port)
        for _ in range(2):
            client.call("POST", "/predict/batch", {"symbols": batch_symbols})
            client.call("GET", "/predict?symbol=AAPL")
        batch = Timing(
            tuple(
                client.call("POST", "/predict/batch", {"symbols": batch_symbols})[0]
                for _ in range(sizes.batch_repeats)
            )
        )
        single = Timing(
            tuple(
                client.call("GET", "/predict?symbol=AAPL")[0]
                for _ in range(sizes.batch_repeats * 3)
            )
        )
        client.close()
    progress(
        f"serving[{label}]: batch {batch.median * 1000:.1f} ms, "
        f"single {single.median * 1000:.2f} ms"
    )
    return _rows(label, loads, batch, single, len(batch_symbols), len(failed), trained)


def _rows(
    label: str,
    loads: dict[tuple[str, int], LoadResult],
    batch: Timing,
    single: Timing,
    n_batch: int,
    batch_failed: int,
    trained: dict,
) -> list[Result]:
    h1, p1 = loads[("/health", 1)], loads[("/predict", 1)]
    h16, p16 = loads[("/health", 16)], loads[("/predict", 16)]
    tool = h1.tool

    def errors_note(*results: LoadResult) -> list[str]:
        bad = [f"{r.errors} errors at c={r.connections}" for r in results if r.errors]
        return [f"non-2xx/socket: {', '.join(bad)}"] if bad else []

    def rounds_note(r: LoadResult) -> list[str]:
        if len(r.rounds) < 2:
            return []
        each = " / ".join(f"{rps:,.0f}" for rps in r.rounds)
        return [f"median of {len(r.rounds)} rounds of {r.seconds:.0f} s (req/s {each})"]

    def latency_spread(r: LoadResult) -> str:
        return f"p95 {fmt_number(r.p95_ms)} / p99 {fmt_number(r.p99_ms)} ms"

    def full(r: LoadResult) -> str:
        return f"p50 {fmt_number(r.p50_ms)} / p95 {fmt_number(r.p95_ms)} / p99 " + (
            f"{fmt_number(r.p99_ms)} ms"
        )

    return [
        Result(
            name=f"[{label}] /health c=1 p50",
            value=h1.p50_ms,
            unit="ms",
            target="-",
            met=None,
            spread=latency_spread(h1),
            notes=[f"{h1.rps:,.0f} req/s ({tool})", *rounds_note(h1), *errors_note(h1)],
        ),
        Result(
            name=f"[{label}] /predict c=1 p50",
            value=p1.p50_ms,
            unit="ms",
            target=f"<= {P50_FACTOR:g}x /health p50",
            met=p1.p50_ms <= P50_FACTOR * h1.p50_ms and not p1.errors,
            margin=margin_text(p1.p50_ms, P50_FACTOR * h1.p50_ms),
            spread=latency_spread(p1),
            baseline=h1.p50_ms,
            baseline_label="/health p50 at c=1, same server",
            ratio=ratio(p1.p50_ms, h1.p50_ms),
            notes=[f"{p1.rps:,.0f} req/s ({tool})", *rounds_note(p1), *errors_note(p1)],
        ),
        Result(
            name=f"[{label}] /health c=16 throughput",
            value=h16.rps,
            unit="req/s",
            target="-",
            met=None,
            spread=full(h16),
            notes=[*rounds_note(h16), *errors_note(h16)],
        ),
        Result(
            name=f"[{label}] /predict c=16 throughput",
            value=p16.rps,
            unit="req/s",
            target=f">= {THROUGHPUT_SHARE:g}x /health req/s",
            met=p16.rps >= THROUGHPUT_SHARE * h16.rps and not p16.errors,
            margin=margin_text(p16.rps, THROUGHPUT_SHARE * h16.rps, higher_is_better=True),
            spread=full(p16),
            baseline=h16.rps,
            baseline_label="/health req/s at c=16, same server",
            ratio=ratio(p16.rps, h16.rps),
            notes=[
                f"p50 at c=16 is {ratio(p16.p50_ms, h16.p50_ms) or 0:.2f}x /health's",
                *rounds_note(p16),
                *errors_note(h16, p16),
            ],
        ),
        Result(
            name=f"[{label}] /predict/batch {n_batch} symbols",
            value=batch.median * 1000,
            unit="ms",
            target=f"< {BATCH_FACTOR:g}x one warm /predict",
            met=batch.median < BATCH_FACTOR * single.median and batch_failed == 0,
            margin=margin_text(batch.median, BATCH_FACTOR * single.median),
            spread=batch.spread(1000, "ms"),
            baseline=single.median * 1000,
            baseline_label="one warm GET /predict, same keep-alive connection",
            ratio=ratio(batch.median, single.median),
            notes=[
                f"single spread {single.spread(1000, 'ms')}",
                f"model {trained['version']} trained on the synthetic source",
                *([f"{batch_failed} batch items failed"] if batch_failed else []),
            ],
        ),
    ]


def run(ctx: Context) -> list[Result]:
    results: list[Result] = []
    if wrk_path() is None:
        reason = (
            "wrk not found (apt-get install wrk) or BENCH_LOADGEN=python: Python load generator"
        )
        progress(f"serving: {reason}")
    results += _measure(ctx, "sqlite", ctx.workdir / "serve-sqlite", "")
    if ctx.smoke:
        reason = "smoke mode runs the SQLite server only"
    else:
        reason = _pg_unreachable_reason()
    if reason:
        progress(f"serving: PostgreSQL skipped: {reason}")
        results.append(
            Result(
                name="[postgres] serving",
                value=None,
                unit="",
                target="same as SQLite",
                met=None,
                skipped=reason,
            )
        )
        return results
    with scratch_database(
        "postgresql", ctx.workdir, server_url=_pg_server_url(), prefix="bench"
    ) as db:
        url = db.url
        progress(f"serving: PostgreSQL database {db.name}")
        results += _measure(ctx, "postgres", ctx.workdir / "serve-postgres", url)
    return results
