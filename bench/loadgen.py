"""Load generators for the serving entry: wrk (the real one) and a small Python fallback.

Both return a :class:`LoadResult` with latency percentiles in milliseconds and requests/s.
wrk's ``--latency`` table has no p95, so a Lua ``done()`` hook prints the percentiles we need.
The Python fallback (threads with keep-alive ``http.client`` connections) exists so the
harness runs where wrk is not installed; it is GIL-bound and only meant for smoke runs.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_WRK requests=%d duration_us=%d p50=%.1f p95=%.1f p99=%.1f max=%.1f "
    .. "non2xx=%d socket_errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
"""
_WRK_LINE = re.compile(r"BENCH_WRK (.*)")


@dataclass(frozen=True)
class LoadResult:
    tool: str
    connections: int
    seconds: float
    requests: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    #: req/s of every round when this result is the median of several
    rounds: tuple[float, ...] = ()

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        return (
            f"p50 {self.p50_ms:.2f} / p95 {self.p95_ms:.2f} / p99 {self.p99_ms:.2f} ms, "
            f"{self.rps:,.0f} req/s"
        )


def wrk_path() -> str | None:
    """wrk's path, or None when absent or when ``BENCH_LOADGEN=python`` forces the fallback."""
    if os.environ.get("BENCH_LOADGEN", "").lower() == "python":
        return None
    return shutil.which("wrk")


def run_wrk(url: str, *, connections: int, seconds: int, workdir: Path) -> LoadResult:
    """``wrk -c N -t min(N, 2) -d Ns --latency -s percentiles.lua URL``."""
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed")
    script = workdir / "percentiles.lua"
    if not script.exists():
        script.write_text(WRK_SCRIPT)
    threads = min(connections, 2)
    command = [wrk, f"-c{connections}", f"-t{threads}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["--latency", "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    match = _WRK_LINE.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    fields = dict(item.split("=", 1) for item in match.group(1).split())
    return LoadResult(
        tool="wrk",
        connections=connections,
        seconds=int(fields["duration_us"]) / 1e6,
        requests=int(fields["requests"]),
        p50_ms=float(fields["p50"]) / 1000,
        p95_ms=float(fields["p95"]) / 1000,
        p99_ms=float(fields["p99"]) / 1000,
        max_ms=float(fields["max"]) / 1000,
        errors=int(fields["non2xx"]) + int(fields["socket_errors"]),
    )


def run_python(url: str, *, connections: int, seconds: float) -> LoadResult:
    """Closed-loop load from ``connections`` threads, each with one keep-alive connection."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", target)
                response = conn.getresponse()
                response.read()
                ok = 200 <= response.status < 400
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            latencies[index].append(time.perf_counter() - started)
            errors[index] += not ok
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    samples = np.array([x for per in latencies for x in per]) * 1000
    if samples.size == 0:
        raise RuntimeError(f"no request completed against {url}")
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    return LoadResult(
        tool="python",
        connections=connections,
        seconds=elapsed,
        requests=int(samples.size),
        p50_ms=float(p50),
        p95_ms=float(p95),
        p99_ms=float(p99),
        max_ms=float(samples.max()),
        errors=sum(errors),
    )
