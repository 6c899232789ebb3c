"""Load: ``/predict`` and ``/predict/batch`` at high concurrency against gunicorn, then the ledger.

Pass: every answer is a 200 with a valid body (throttling is lifted for the run, see
``harness.platform_env``; with it on, 429 is the only other documented answer), and the
``PredictionLog`` rows match the successful predictions one for one (batch: one row per
successful item), with no request id stored twice.
"""

from __future__ import annotations

import time

from reliability.harness import Database, Outcome, progress
from reliability.loadgen import ledger_check, predict_plan, run_load, summarize

LOAD_SYMBOLS = ("AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA", "NFLX", "ORCL", "IBM")


def run_load_scenario(
    base_url: str,
    db: Database,
    *,
    total: int,
    concurrency: int,
    batch_share: float = 0.2,
    batch_size: int = 10,
    tag: str = "load",
) -> Outcome:
    """Send ``total`` requests at ``concurrency`` and check answers and stored rows."""
    plan = predict_plan(total, symbols=LOAD_SYMBOLS, batch_share=batch_share, batch_size=batch_size)
    step = max(1, total // 10)

    def report(done: int) -> None:
        if done % step == 0:
            progress(f"load: {done}/{total}")

    started = time.monotonic()
    results = run_load(base_url, plan, concurrency=concurrency, tag=tag, on_done=report)
    summary = summarize(results, time.monotonic() - started)
    ledger = ledger_check(db, results, tag)
    errors = summary.requests - summary.statuses.get(200, 0)
    failed_items = summary.items_failed
    ok = errors == 0 and not summary.invalid and failed_items == 0 and ledger.violations == 0
    batches = sum(1 for c in plan if c.kind == "batch")
    return Outcome(
        scenario=f"Load on {db.vendor} (gunicorn)",
        load=f"{total:,} requests ({total - batches:,} /predict, {batches:,} /predict/batch "
        f"x{batch_size}) at concurrency {concurrency}",
        result=f"{summary.statuses.get(200, 0):,} x 200, {errors} errors, "
        f"{summary.throughput:.0f} req/s; {ledger.text()}",
        data_lost=ledger.violations,
        ok=ok,
        details=[f"statuses: {summary.status_text()}", *summary.invalid[:10]],
    )
