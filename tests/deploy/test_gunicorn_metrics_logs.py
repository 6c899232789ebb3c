"""/metrics merges both gunicorn workers; every log line is Cloud Logging JSON with the trace."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.deploy.conftest import gunicorn

N = 60
TRACE = "105445aa7843bc8bf206b12000100000"


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.match(r"^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(3) or ""))
        if found == labels:
            return float(match.group(4))
    return 0.0


@pytest.mark.slow
def test_metrics_sum_both_workers_and_logs_are_json(demo_env: dict, tmp_path: Path) -> None:
    env = {**demo_env, "GOOGLE_CLOUD_PROJECT": "mlp-test", "METRICS_TOKEN": "scrape-secret"}
    with gunicorn(env, tmp_path, workers=2) as server:

        def call(i: int) -> int:
            headers = {
                "X-Cloud-Trace-Context": f"{TRACE}/{i + 1};o=1",
                "X-Request-ID": f"metrics-test-{i}",
                "Connection": "close",  # a new connection each time: both workers get some
            }
            symbol = ("AAPL", "MSFT", "NVDA")[i % 3]
            url = f"{server.url}/api/v1/predict?symbol={symbol}"
            return requests.get(url, headers=headers, timeout=30).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(call, range(N)))
        assert statuses == [200] * N
        batch = requests.post(
            f"{server.url}/predict/batch", json={"symbols": ["AAPL", "MSFT"]}, timeout=30
        )
        assert batch.status_code == 200
        assert requests.get(f"{server.url}/metrics", timeout=10).status_code == 401
        scraped = requests.get(
            f"{server.url}/metrics", headers={"Authorization": "Bearer scrape-secret"}, timeout=10
        )
        assert scraped.status_code == 200
        assert scraped.headers["Content-Type"].startswith("text/plain")
        text = scraped.text
        time.sleep(0.5)  # access lines are written after the response
        lines = server.access_lines()

    # counts of both workers, merged: exactly N /predict (prefixed and not count as one route)
    assert _sample(text, "mlp_http_requests_total", method="GET", route="/predict", status="200")
    assert (
        _sample(text, "mlp_http_requests_total", method="GET", route="/predict", status="200") == N
    )
    assert (
        _sample(
            text,
            "mlp_http_request_duration_seconds_count",
            method="GET",
            route="/predict",
            status="200",
        )
        == N
    )
    served = sum(
        _sample(text, "mlp_predictions_total", version="v1", signal=signal)
        for signal in ("BUY", "HOLD", "SELL")
    )
    assert served == N + 2
    assert _sample(text, "mlp_predict_batch_symbols_count") == 1
    assert _sample(text, "mlp_predict_batch_symbols_sum") == 2
    assert _sample(text, "mlp_training_runs", state="failed") == 0
    assert "AAPL" not in text and "MSFT" not in text  # no symbol ever becomes a label

    records = [json.loads(line) for line in lines]  # every line parses
    access = [r for r in records if r.get("logger") == "gunicorn.access"]
    predict = [r for r in access if r["httpRequest"]["requestUrl"].find("/predict?") > 0]
    assert len(predict) == N
    assert len({r["pid"] for r in predict}) == 2, "both workers should have served requests"
    by_id = {r["request_id"]: r for r in predict}
    for i in range(N):
        record = by_id[f"metrics-test-{i}"]
        assert record["severity"] == "INFO"
        assert record["logging.googleapis.com/trace"] == f"projects/mlp-test/traces/{TRACE}"
        assert record["logging.googleapis.com/spanId"] == f"{i + 1:016x}"
        assert record["logging.googleapis.com/trace_sampled"] is True
        http = record["httpRequest"]
        assert http["requestMethod"] == "GET" and http["status"] == 200
        assert http["remoteIp"] == "127.0.0.1" and http["userAgent"].startswith("python-requests")
        assert int(http["responseSize"]) > 100
        assert re.fullmatch(r"\d+\.\d{6}s", http["latency"])
    statuses = Counter(r["httpRequest"]["status"] for r in access)
    assert statuses[401] == 1  # the unauthenticated scrape
