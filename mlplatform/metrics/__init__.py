"""Prometheus metrics (``GET /metrics``, DESIGN section 8), aggregated across gunicorn workers.

Under gunicorn, ``mlplatform/gunicorn_conf.py`` points ``PROMETHEUS_MULTIPROC_DIR`` at an empty
folder before any worker starts, so every process writes its samples to memory-mapped files
there and ``/metrics`` merges them (prometheus_client's multiprocess mode). Without that variable
(tests, ``runserver``) the samples live in the process.

Label values are bounded: routes are URL *templates* (``/models/<str:version>``, never a raw
path or a symbol), statuses are HTTP codes, signals BUY/HOLD/SELL, versions the registry's
labels. Training runs and drift come from the database at scrape time (they are written by the
worker, another process and usually another instance), see ``mlplatform.metrics.collectors``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from prometheus_client import Counter, Histogram

#: Seconds; /predict is ~1-20 ms warm, a 500-symbol batch up to ~1 s, training via the worker.
LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

http_requests = Counter(
    "mlp_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
http_latency = Histogram(
    "mlp_http_request_duration_seconds",
    "Time from the request entering Django to the response leaving it.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
predictions = Counter(
    "mlp_predictions_total",
    "Predictions served and logged, by model version and signal (BUY/HOLD/SELL).",
    ["version", "signal"],
)
batch_size = Histogram(
    "mlp_predict_batch_symbols",
    "Symbols per POST /predict/batch request (after de-duplication).",
    buckets=BATCH_BUCKETS,
)
prediction_log_failures = Counter(
    "mlp_prediction_log_write_failures_total",
    "Prediction-log rows whose write failed (each failed the request that carried it).",
)


def method_label(method: str | None) -> str:
    return method if method in _METHODS else "other"


# Label children looked up once per label set: ``labels()`` costs a lock and a few us per call,
# more than the update itself. The label sets are bounded, so are these dicts.
_http_children: dict[tuple[str, str, str], tuple[Any, Any]] = {}
_prediction_children: dict[tuple[str, str], Any] = {}


def http_observe(*, method: str, route: str, status: int, seconds: float) -> None:
    key = (method_label(method), route, str(status))
    children = _http_children.get(key)
    if children is None:
        children = (http_requests.labels(*key), http_latency.labels(*key))
        _http_children[key] = children
    children[0].inc()
    children[1].observe(seconds)


def predictions_observe(*, version: str, signals: Iterable[str]) -> None:
    """Count served predictions; ``signals`` holds one BUY/HOLD/SELL per prediction."""
    if not settings.METRICS_ENABLED:
        return
    counts: dict[str, int] = {}
    for signal in signals:
        counts[signal] = counts.get(signal, 0) + 1
    for signal, count in counts.items():
        child = _prediction_children.get((version, signal))
        if child is None:
            child = _prediction_children[(version, signal)] = predictions.labels(version, signal)
        child.inc(count)


def batch_observe(*, symbols: int) -> None:
    if not settings.METRICS_ENABLED:
        return
    batch_size.observe(symbols)


def prediction_log_failure_observe(*, rows: int) -> None:
    prediction_log_failures.inc(rows)
