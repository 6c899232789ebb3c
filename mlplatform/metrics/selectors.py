"""Read-only queries behind the database-backed gauges (a fixed, small number per scrape)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from monitoring.models import DriftSnapshot
from registry.models import TrainingRun

TRAINING_DURATIONS_MAX = 1000


@dataclass(frozen=True)
class DriftLatest:
    status: str
    drift_share: float | None
    age_seconds: float


def training_run_counts() -> dict[str, int]:
    """Runs per state, every state present (0 when none)."""
    counts = {state: 0 for state in TrainingRun.State.values}
    for row in TrainingRun.objects.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def training_run_durations() -> list[float]:
    """Seconds from start to completion of the most recent finished runs."""
    rows = (
        TrainingRun.objects.filter(started_at__isnull=False, completed_at__isnull=False)
        .order_by("-completed_at")
        .values_list("started_at", "completed_at")[:TRAINING_DURATIONS_MAX]
    )
    return [max(0.0, (done - start).total_seconds()) for start, done in rows]


def drift_latest_by_source() -> dict[str, DriftLatest]:
    now = timezone.now()
    latest: dict[str, DriftLatest] = {}
    for source in DriftSnapshot.Source.values:
        row = (
            DriftSnapshot.objects.filter(source=source)
            .order_by("-timestamp", "-id")
            .only("status", "drift_share", "timestamp")
            .first()
        )
        if row is not None:
            latest[source] = DriftLatest(
                status=row.status,
                drift_share=row.drift_share,
                age_seconds=max(0.0, (now - row.timestamp).total_seconds()),
            )
    return latest
