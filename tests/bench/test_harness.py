"""The benchmark harness at tiny sizes: it runs, measures, and reports honestly.

Speed targets are checked by ``make bench``, never here; these tests only prove the harness
works (the serving entry's smoke run is part of ``make test`` through ``python -m bench --smoke``).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.harness import Result, Timing, fmt_number, ratio, time_repeated
from bench.loadgen import run_python, run_wrk, wrk_path
from bench.report import markdown_table, text_table

ROOT = Path(__file__).resolve().parents[2]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        status = 500 if self.path.startswith("/fail") else 200
        body = b'{"ok": true}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def http_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_smoke_run_of_the_in_process_and_training_entries(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    only = "features,drift,training"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--only", only, "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "benchmark" in done.stdout and "targets missed" in done.stdout

    payload = json.loads(output.read_text())
    assert payload["mode"] == "smoke"
    machine = payload["machine"]
    assert machine["cores"] >= 1 and machine["cpu_model"] and machine["python"]
    assert machine["numpy"] and machine["pandas"]
    rows = {row["name"].split(" (")[0]: row for row in payload["results"]}
    assert {
        "features",
        "drift report",
        "training end to end",
        "training peak RSS",
        "fit step",
    } <= set(rows)
    for row in payload["results"]:
        assert not row["skipped"], row
        assert row["value"] is not None and math.isfinite(row["value"])
        # a rate (the drift entry's false-alarm shares) may honestly be 0%
        assert row["value"] > 0 or row["unit"] == "%", row
    # peak RSS is a real process measurement: a Python with NumPy and Django is tens of MB
    assert 30 < rows["training peak RSS"]["value"] < 4096
    # the fit-step baseline is scikit-learn on the same matrix, and the coefficients agree
    assert rows["fit step"]["baseline"] > 0
    diff_note = next(n for n in rows["fit step"]["notes"] if "coefficient difference" in n)
    assert float(diff_note.rsplit(" ", 1)[1]) < 1e-8


def test_unknown_entry_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--smoke", "--only", "nonsense"])
    assert exited.value.code == 2


def test_python_load_generator_counts_requests_and_errors(http_server: str) -> None:
    ok = run_python(f"{http_server}/health", connections=2, seconds=0.3)
    assert ok.requests > 5 and ok.errors == 0
    assert 0 < ok.p50_ms <= ok.p95_ms <= ok.p99_ms <= ok.max_ms
    assert ok.rps == pytest.approx(ok.requests / ok.seconds)

    failing = run_python(f"{http_server}/fail", connections=1, seconds=0.2)
    assert failing.requests > 0 and failing.errors == failing.requests


@pytest.mark.skipif(wrk_path() is None, reason="wrk is not installed (apt-get install wrk)")
def test_wrk_output_is_parsed_with_p95(http_server: str, tmp_path: Path) -> None:
    result = run_wrk(f"{http_server}/health", connections=2, seconds=1, workdir=tmp_path)
    assert result.tool == "wrk" and result.requests > 10 and result.errors == 0
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms <= result.max_ms
    failing = run_wrk(f"{http_server}/fail", connections=1, seconds=1, workdir=tmp_path)
    assert failing.errors == failing.requests > 0


def test_timing_and_table_helpers() -> None:
    calls: list[int] = []
    timing = time_repeated(lambda: calls.append(1), repeats=4, warmup=2)
    assert len(calls) == 6 and len(timing.samples) == 4
    fixed = Timing((3.0, 1.0, 2.0))
    assert (fixed.median, fixed.low, fixed.high) == (2.0, 1.0, 3.0)
    assert fixed.spread() == "1-3 s (n=3)"
    assert ratio(1.0, 4.0) == 0.25 and ratio(1.0, 0.0) is None and ratio(None, 1.0) is None
    assert fmt_number(1234567.8) == "1,234,568" and fmt_number(0.012345) == "0.0123"

    rows = [
        Result(name="fast", value=1.0, unit="s", target="< 3 s", met=True, baseline=2.0, ratio=0.5),
        Result(name="slow", value=9.0, unit="s", target="< 3 s", met=False),
        Result(name="absent", value=None, unit="", target="-", met=None, skipped="no server"),
    ]
    table = text_table(rows)
    lines = table.splitlines()
    assert lines[2].split()[-1] == "yes" and lines[3].split()[-1] == "NO"
    assert lines[4].split()[-1] == "skipped" and "0.50x" in lines[2]
    assert markdown_table(rows).count("\n") == len(rows) + 1
