"""Gauges read from the database when ``/metrics`` is scraped.

Training runs are executed by the worker and drift snapshots written by it (or by a Cloud Run
job): no web process sees them happen, so they are read from the database, which every
instance shares. Every instance therefore reports the same values; aggregate them with
``max`` (not ``sum``) across instances.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from mlplatform.metrics import selectors

#: Training takes seconds (demo) to many minutes (thousands of symbols).
TRAINING_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
DRIFT_STATUSES = ("healthy", "drift_detected", "insufficient_data", "no_model")


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily]:
        runs = GaugeMetricFamily(
            "mlp_training_runs", "Training runs recorded, by state.", labels=["state"]
        )
        for state, count in selectors.training_run_counts().items():
            runs.add_metric([state], count)
        yield runs

        durations = selectors.training_run_durations()
        buckets = [(str(b), sum(1 for d in durations if d <= b)) for b in TRAINING_BUCKETS]
        buckets.append(("+Inf", len(durations)))
        yield HistogramMetricFamily(
            "mlp_training_run_duration_seconds",
            "Duration of finished training runs (the most recent "
            f"{selectors.TRAINING_DURATIONS_MAX}), started to completed.",
            buckets=buckets,
            sum_value=sum(durations),
        )

        status = GaugeMetricFamily(
            "mlp_drift_status",
            "1 for the status of the latest drift snapshot of each source (live, market).",
            labels=["source", "status"],
        )
        share = GaugeMetricFamily(
            "mlp_drift_share",
            "Share of drifted features, latest snapshot.",
            labels=["source"],
        )
        age = GaugeMetricFamily(
            "mlp_drift_snapshot_age_seconds", "Age of the latest drift snapshot.", labels=["source"]
        )
        for source, latest in selectors.drift_latest_by_source().items():
            for value in DRIFT_STATUSES:
                status.add_metric([source, value], 1.0 if latest.status == value else 0.0)
            if latest.drift_share is not None:
                share.add_metric([source], latest.drift_share)
            age.add_metric([source], latest.age_seconds)
        yield status
        yield share
        yield age
