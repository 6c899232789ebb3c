"""Entry: outcome scoring and the realized-performance report (issue 16).

Targets: the first scoring run over 1,000,000 prediction logs (100 symbols, every log a distinct
outcome) < 60 s; the incremental run after 10,000 new logs < 2 s; ``/monitoring/performance``
p50 < 50 ms with 1,000,000 outcomes stored. Runs in a child process on a scratch SQLite database
(``bench/outcomes_child.py``); baselines measured in the same run: reading the logs once, the
first run (for the incremental one) and ``/health`` (for the report).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.context import Context
from bench.harness import ROOT, Result, margin_text, progress, ratio

FULL = {"symbols": 100, "logs": 1_000_000, "incremental": 10_000, "requests": 60}
SMOKE = {"symbols": 4, "logs": 4_000, "incremental": 200, "requests": 5}
#: Status error rates on simulated outcomes (bench/outcome_stats.py): repetitions per case.
STATS_FULL = {"reps": 300, "dates": 250, "symbols": 20}
STATS_SMOKE = {"reps": 4, "dates": 60, "symbols": 5}
TARGETS = {"first": 60.0, "incremental": 2.0, "report_ms": 50.0}


def _fmt_rate(r: dict, key: str) -> str:
    lo, hi = r[f"{key}_ci"]
    return f"{r[f'{key}_rate' if key == 'degraded' else key]:.3f} (95% CI {lo:.3f}-{hi:.3f})"


def _status_rates(ctx: Context) -> list[Result]:
    from bench.outcome_stats import rates

    size = STATS_SMOKE if ctx.smoke else STATS_FULL
    progress(f"outcomes: status error rates, {size['reps']} simulated histories per case")
    null = rates(2.0, seed=21, **size)
    harmful = rates(2.6, seed=22, **size)
    shape = f"{size['dates']} dates x {size['symbols']} symbols, {size['reps']} reps"
    return [
        Result(
            name=f"status false 'degraded' at true skill 0 ({shape})",
            value=null["degraded_rate"],
            unit="share",
            target="<= 0.10 (nominal 0.05, one-sided 90% interval)",
            met=null["degraded_ci"][0] <= 0.10,
            spread=_fmt_rate(null, "degraded"),
            notes=[f"90% skill interval coverage {_fmt_rate(null, 'coverage')}"],
        ),
        Result(
            name=f"status power at true skill {harmful['true_skill']:.3f} ({shape})",
            value=harmful["degraded_rate"],
            unit="share",
            target=">= 0.8",
            met=harmful["degraded_ci"][1] >= 0.8,
            spread=_fmt_rate(harmful, "degraded"),
            notes=[f"90% skill interval coverage {_fmt_rate(harmful, 'coverage')}"],
        ),
    ]


def run(ctx: Context) -> list[Result]:
    return _scale(ctx) + _status_rates(ctx)


def _scale(ctx: Context) -> list[Result]:
    sizes = SMOKE if ctx.smoke else FULL
    workdir = ctx.workdir / "outcomes"
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "ENV_FILE": str(workdir / "none.env"),
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MODEL_REGISTRY_DIR": str(workdir / "models"),
        "MARKET_DATA_SOURCE": "synthetic",
        "LOG_LEVEL": "WARNING",
    }
    progress(
        f"outcomes: {sizes['logs']:,} logs x {sizes['symbols']} symbols, then "
        f"{sizes['incremental']:,} more, then the report ({sizes['requests']} requests)"
    )
    command = [sys.executable, "-m", "bench.outcomes_child"]
    for key, value in sizes.items():
        command += [f"--{key}", str(value)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"outcomes child failed: {done.stderr[-2000:]}")
    r = json.loads(lines[-1].removeprefix("BENCH_RESULT "))
    progress(
        f"outcomes: first run {r['first_seconds']:.1f} s, incremental "
        f"{r['incremental_seconds']:.2f} s, report p50 {r['perf_p50_ms']:.1f} ms"
    )
    report_target = TARGETS["report_ms"]
    return [
        Result(
            name=f"outcome scoring ({r['first_logs']:,} logs, {sizes['symbols']} symbols)",
            value=r["first_seconds"],
            unit="s",
            target=f"< {TARGETS['first']:g} s",
            met=r["first_seconds"] < TARGETS["first"],
            margin=margin_text(r["first_seconds"], TARGETS["first"]),
            baseline=r["read_seconds"],
            baseline_label="reading the same logs once (values_list, 50,000 a query)",
            ratio=ratio(r["first_seconds"], r["read_seconds"]),
            notes=[
                f"{r['first']['new_outcomes']:,} outcomes ({r['first']['scored']:,} scored, "
                f"{r['first']['pending']:,} pending); logs inserted in {r['insert_seconds']:.1f} s",
                f"CPU time of the run {r['first_cpu_seconds']:.1f} s (wall time includes waiting "
                f"for the CPU: load average {r['load_average'][0]:.1f} at the end)",
            ],
        ),
        Result(
            name=f"incremental scoring ({r['incremental_logs']:,} new logs)",
            value=r["incremental_seconds"],
            unit="s",
            target=f"< {TARGETS['incremental']:g} s",
            met=r["incremental_seconds"] < TARGETS["incremental"],
            margin=margin_text(r["incremental_seconds"], TARGETS["incremental"]),
            baseline=r["first_seconds"],
            baseline_label="the first run",
            ratio=ratio(r["incremental_seconds"], r["first_seconds"]),
            notes=[f"CPU time {r['incremental_cpu_seconds']:.2f} s"],
        ),
        Result(
            name=f"/monitoring/performance p50 ({r['outcomes']:,} outcomes stored)",
            value=r["perf_p50_ms"],
            unit="ms",
            target=f"< {report_target:g} ms",
            met=r["perf_p50_ms"] < report_target,
            margin=margin_text(r["perf_p50_ms"], report_target),
            spread=f"p95 {r['perf_p95_ms']:.1f} ms; ?days=30 p50 {r['perf_days_p50_ms']:.1f} ms",
            baseline=r["health_p50_ms"],
            baseline_label="/health p50 (same in-process client)",
            ratio=ratio(r["perf_p50_ms"], r["health_p50_ms"]),
            notes=[
                f"the reported version holds {r['version_outcomes']:,} scored outcomes",
                f"uncached (first read after a scoring run): {r['cold_ms']:.1f} ms median of 5",
            ],
        ),
    ]
