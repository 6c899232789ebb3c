"""Entry 5: what Cloud Run needs to know: the cost of /metrics and the memory of a worker.

**Metrics overhead.** Two gunicorn servers on one trained SQLite database (2 workers x 4
threads, ``mlplatform/gunicorn_conf.py`` as in production), one with ``METRICS_ENABLED=true``
and one with ``false``. Rounds of warm ``/predict?symbol=AAPL`` at concurrency 16 alternate
between them (on, off, on, off, ...) so both see the same drift of a shared machine; each
side's median round is compared. Target (issue 20): throughput with metrics >= 95% of without.

**Memory.** The metrics-on server then gets batches of distinct symbols over fresh
connections (both workers take some) until each worker's market-data snapshot cache is full
(``MARKET_DATA_CACHE_MAX_BYTES``, default 64 MiB, plus the same again in symbols so every
entry has been evicted and refilled once), and the resident set (``VmRSS``) of the master and
of each worker is read from /proc. docs/cloud-run.md derives ``--memory`` from these numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.context import Context
from bench.entries.serving import THREADS, _Client, _gunicorn, _load, _median_round, _serve_env
from bench.entries.training import train_in_child
from bench.harness import Result, fmt_number, margin_text, progress
from bench.loadgen import LoadResult

WORKERS = 2
OVERHEAD_MAX = 0.05
CACHE_BYTES = 64 * 1024 * 1024
#: Measured snapshot charge of one /predict symbol (604 candles): ~45 KB.
ENTRY_BYTES = 45_000


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _server_pids(port: int) -> tuple[int, list[int]]:
    """(master, workers) of the gunicorn bound to 127.0.0.1:port (same command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"gunicorn" in b" ".join(cmdline) and f"127.0.0.1:{port}".encode() in cmdline:
            found.append((int(entry.name), ppid))
    pids = {pid for pid, _ in found}
    master = next(pid for pid, ppid in found if ppid not in pids)
    return master, [pid for pid, ppid in found if ppid == master]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (/proc/PID/stat, clock ticks)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def _warm(port: int, workers: int) -> None:
    for _ in range(4 * workers):
        _Client(port).call("GET", "/predict?symbol=AAPL")


def _overhead(ctx: Context, workdir: Path, env: dict[str, str]) -> list[Result]:
    rounds = 1 if ctx.smoke else max(5, ctx.sizes.serving_rounds * 2)
    workers = 1 if ctx.smoke else WORKERS
    results: dict[bool, list[LoadResult]] = {True: [], False: []}
    # CPU per request is what metrics add; unlike req/s it does not move with the load
    # other processes put on a shared machine.
    cpu: dict[bool, float] = {True: 0.0, False: 0.0}
    served: dict[bool, int] = {True: 0, False: 0}
    on_env = {**env, "METRICS_ENABLED": "true"}
    off_env = {**env, "METRICS_ENABLED": "false"}
    with (
        _gunicorn(on_env, workdir / "on", workers) as on,
        _gunicorn(off_env, workdir / "off", workers) as off,
    ):
        _warm(on, workers)
        _warm(off, workers)
        pids = {True: _server_pids(on)[1], False: _server_pids(off)[1]}
        for round_ in range(1, rounds + 1):
            for enabled, port in ((True, on), (False, off)):
                before = _cpu_seconds(pids[enabled])
                result = _load(ctx, f"http://127.0.0.1:{port}/predict?symbol=AAPL", 16)
                cpu[enabled] += _cpu_seconds(pids[enabled]) - before
                served[enabled] += result.requests
                label = "on" if enabled else "off"
                progress(f"deploy: metrics {label} round {round_}: {result.describe()}")
                results[enabled].append(result)
    with_metrics = _median_round(results[True])
    without = _median_round(results[False])
    share = with_metrics.rps / without.rps if without.rps else 0.0
    each = " / ".join(f"{r.rps:,.0f}" for r in results[True])
    each_off = " / ".join(f"{r.rps:,.0f}" for r in results[False])
    cpu_on = cpu[True] / max(1, served[True]) * 1000
    cpu_off = cpu[False] / max(1, served[False]) * 1000
    return [
        Result(
            name="/predict c=16 worker CPU per request, metrics on",
            value=cpu_on,
            unit="ms",
            target=f"<= {1 + OVERHEAD_MAX:.2f}x metrics off",
            met=cpu_on <= (1 + OVERHEAD_MAX) * cpu_off,
            baseline=cpu_off,
            baseline_label="metrics off (same rounds)",
            ratio=cpu_on / cpu_off if cpu_off else None,
            notes=[
                f"gunicorn workers' user+system CPU over all rounds / requests served "
                f"({served[True]:,} on, {served[False]:,} off)"
            ],
        ),
        Result(
            name="/predict c=16 req/s, metrics on",
            value=with_metrics.rps,
            unit="req/s",
            target=f">= {1 - OVERHEAD_MAX:.0%} of metrics off",
            met=share >= 1 - OVERHEAD_MAX and not with_metrics.errors and not without.errors,
            baseline=without.rps,
            baseline_label="metrics off (same run, alternating rounds)",
            ratio=share,
            margin=margin_text(1 - OVERHEAD_MAX, share),
            spread=f"p50 {fmt_number(with_metrics.p50_ms)} ms on vs "
            f"{fmt_number(without.p50_ms)} ms off",
            notes=[
                f"median of {len(results[True])} rounds each; on {each}; off {each_off} req/s",
                f"overhead {(1 - share) * 100:.1f}% of throughput",
            ],
        ),
    ]


def _memory(ctx: Context, workdir: Path, env: dict[str, str]) -> list[Result]:
    workers = 1 if ctx.smoke else WORKERS
    budget = 2 * 1024 * 1024 if ctx.smoke else CACHE_BYTES
    env = {**env, "METRICS_ENABLED": "true", "MARKET_DATA_CACHE_MAX_BYTES": str(budget)}
    symbols = ctx.symbols(2 * budget // ENTRY_BYTES, prefix="M")
    per_batch = min(500, len(symbols))
    with _gunicorn(env, workdir / "memory", workers) as port:
        _warm(port, workers)
        master, worker_pids = _server_pids(port)
        before = {pid: _rss_kib(pid) for pid in worker_pids}
        # every worker sees every symbol: send each batch once per worker, fresh connections
        for start in range(0, len(symbols), per_batch):
            chunk = symbols[start : start + per_batch]
            for _ in range(3 * workers):
                client = _Client(port)
                client.call("POST", "/predict/batch", {"symbols": chunk})
                client.close()
        progress(f"deploy: {len(symbols)} symbols sent to each worker ({budget >> 20} MiB cache)")
        for _ in range(20):
            _Client(port).call("GET", "/predict?symbol=AAPL")
        after = {pid: _rss_kib(pid) for pid in worker_pids}
        master_kib = _rss_kib(master)
    peak = max(after.values()) / 1024
    first = max(before.values()) / 1024
    return [
        Result(
            name="RSS per gunicorn worker, caches full",
            value=peak,
            unit="MiB",
            target="-",
            met=None,
            baseline=first,
            baseline_label="same worker after warm-up (one model, one symbol)",
            ratio=peak / first if first else None,
            spread=", ".join(f"{kib / 1024:.0f}" for kib in after.values()) + " MiB per worker",
            notes=[
                f"{workers} workers x {THREADS} threads; master {master_kib / 1024:.0f} MiB",
                f"snapshot cache {budget >> 20} MiB filled by {len(symbols)} symbols "
                f"(batches of {per_batch})",
            ],
        )
    ]


def run(ctx: Context) -> list[Result]:
    workdir = ctx.workdir / "deploy"
    workdir.mkdir(parents=True, exist_ok=True)
    for sub in ("on", "off", "memory"):
        (workdir / sub).mkdir(exist_ok=True)
    env = _serve_env(workdir, "")
    symbols = 3 if ctx.smoke else 20
    progress(f"deploy: migrate + train an active model ({symbols} symbols)")
    train_in_child(workdir, symbols=symbols, lookback=ctx.sizes.candles, env=env)
    env["MAX_BATCH_SYMBOLS"] = "500"
    return [*_overhead(ctx, workdir, env), *_memory(ctx, workdir, env)]
