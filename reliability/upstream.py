"""Upstream faults: the fake market-data service (schema 1.1) misbehaves under live traffic.

gunicorn reads market data over HTTP from ``tests.fakes.upstream_server`` with the snapshot
cache off (every request reaches the upstream), a 0.3 s timeout and one retry. Symbols are
first served once without faults (so the client holds last-good candles for them), then each
phase injects a fault while ``/predict`` and ``/predict/batch`` keep coming, for warm symbols
and for symbols never fetched before. Every answer must be a prediction (degraded when it
came from the last-good cache) or the documented error: 503 ``EXCHANGE_UNAVAILABLE`` or 502
``upstream_schema_mismatch`` (per item inside a batch). Never a 500; the ledger must balance.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reliability.harness import Database, Gunicorn, Outcome, platform_env, progress
from reliability.loadgen import Call, CallResult, ledger_check, predict_plan, run_load

WARM = ("AAPL", "MSFT", "GOOGL", "AMZN", "NVDA")
#: Symbols first requested during a phase (no last-good candles yet), new for every phase.
COLD_PER_PHASE = 8
TIMEOUT_SECONDS = 0.3
DOCUMENTED = {503: {"EXCHANGE_UNAVAILABLE"}, 502: {"upstream_schema_mismatch"}}
ITEM_ERRORS = {"EXCHANGE_UNAVAILABLE", "upstream_schema_mismatch"}


@dataclass
class Phase:
    name: str
    apply: Callable[[object], None]  # gets the UpstreamServer; schedules the fault
    mid_run: Callable[[object], None] | None = None  # applied halfway through the phase


def _phases() -> list[Phase]:
    return [
        Phase("30% HTTP 503", lambda up: up.faults.probability("503", 0.3, seed=11)),
        Phase(
            "30% slow (1 s > 0.3 s timeout)",
            lambda up: up.faults.probability("slow", 0.3, seed=12, delay=1.0),
        ),
        Phase(
            "schema drift mid-run (schema 1.0, candles without volume)",
            lambda up: None,
            mid_run=lambda up: (
                up.faults.probability("schema_version", 0.5, seed=13, path="/historical"),
                up.faults.probability("missing_field", 1.0, path="/historical"),
            ),
        ),
        Phase("total outage", lambda up: up.faults.outage()),
    ]


def _problem(result: CallResult) -> str | None:
    """Why this answer is not allowed under upstream faults, or None."""
    if result.status is None:
        return f"no answer ({result.error})"
    if result.status == 200:
        if result.error:
            return result.error
        bad = [code for code in result.error_codes if code not in ITEM_ERRORS]
        return f"batch item errors {bad}" if bad else None
    allowed = DOCUMENTED.get(result.status)
    if allowed is None:
        return f"status {result.status} ({', '.join(result.error_codes) or result.error})"
    if not set(result.error_codes) <= allowed:
        return f"{result.status} with {result.error_codes}"
    return None


@contextlib.contextmanager
def upstream_server() -> Iterator[object]:
    from tests.fakes.upstream_server import start_upstream_server

    server = start_upstream_server(seed=7)
    try:
        yield server
    finally:
        server.stop()


def run_upstream_faults(
    db: Database, models_dir: Path, workdir: Path, *, per_phase: int, concurrency: int
) -> Outcome:
    """Run every fault phase against one gunicorn; one outcome for the whole scenario."""
    with upstream_server() as upstream:
        env = platform_env(
            db,
            models_dir,
            MARKET_DATA_SOURCE="http",
            MARKET_DATA_BASE_URL=upstream.url,  # type: ignore[attr-defined]
            MARKET_DATA_TIMEOUT_SECONDS=str(TIMEOUT_SECONDS),
            MARKET_DATA_RETRY_ATTEMPTS="1",
            MARKET_DATA_CACHE_SECONDS="0",
            MARKET_DATA_EXCHANGE="NASDAQ",
        )
        with Gunicorn(env, workdir, workers=2, threads=4) as server:
            warm = [Call("GET", f"/predict?symbol={s}") for s in WARM for _ in range(4)]
            all_results = run_load(server.url, warm, concurrency=4, tag="up-warm")
            per_phase_lines: list[str] = []
            problems: list[str] = []
            statuses: Counter[str] = Counter()
            for number, phase in enumerate(_phases()):
                upstream.faults.clear()  # type: ignore[attr-defined]
                phase.apply(upstream)
                tag = f"up-{number}"
                cold = tuple(f"COLD{number}X{i}" for i in range(COLD_PER_PHASE))
                plan = predict_plan(
                    per_phase, symbols=WARM + cold, batch_share=0.2, batch_size=6, seed=number
                )
                progress(f"upstream faults: {phase.name} ({per_phase} requests)")
                if phase.mid_run is None:
                    results = run_load(server.url, plan, concurrency=concurrency, tag=tag)
                else:
                    half = len(plan) // 2
                    results = run_load(server.url, plan[:half], concurrency=concurrency, tag=tag)
                    phase.mid_run(upstream)
                    results += run_load(
                        server.url, plan[half:], concurrency=concurrency, tag=tag + "b"
                    )
                all_results += results
                phase_statuses = Counter(str(r.status) for r in results)
                statuses.update(phase_statuses)
                degraded = sum(r.degraded for r in results)
                wrong = [p for p in (_problem(r) for r in results) if p]
                problems += [f"{phase.name}: {p}" for p in wrong[:10]]
                per_phase_lines.append(
                    f"{phase.name}: {dict(sorted(phase_statuses.items()))}, "
                    f"{degraded} degraded predictions, {len(wrong)} not allowed, "
                    f"injected {dict(upstream.faults.injected)}"  # type: ignore[attr-defined]
                )
                upstream.reset_counts()  # type: ignore[attr-defined]
            upstream.faults.clear()  # type: ignore[attr-defined]
            time.sleep(0.1)
    tags = {r.request_id.rsplit("-", 1)[0] for r in all_results}
    violations = 0
    stored = expected = 0
    for tag in sorted(tags):
        subset = [r for r in all_results if r.request_id.rsplit("-", 1)[0] == tag]
        ledger = ledger_check(db, subset, tag)
        violations += ledger.violations
        stored += ledger.stored_rows
        expected += ledger.expected_rows
    five_hundreds = sum(c for s, c in statuses.items() if s == "500")
    ok = not problems and violations == 0 and five_hundreds == 0
    return Outcome(
        scenario="Upstream faults (fake market-data service)",
        load=f"4 phases x {per_phase} requests at concurrency {concurrency}: 30% 503, 30% slow "
        "past the timeout, schema drift mid-run, total outage",
        result=f"answers {dict(sorted(statuses.items()))}; 0 x 500; every answer a prediction "
        f"or documented 502/503; {stored} log rows for {expected} predictions"
        if ok
        else f"{len(problems)} answers not allowed, {five_hundreds} x 500",
        data_lost=violations,
        ok=ok,
        details=per_phase_lines + problems[:30],
    )
