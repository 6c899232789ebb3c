"""Background task for the market-data drift check (``MARKET_DRIFT_INTERVAL_SECONDS``)."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from mlplatform.errors import AppError


@task(queue_name="default")
def market_drift_check_task() -> dict[str, object]:
    """``manage.py check_drift --from-market --days MARKET_DRIFT_DAYS`` as a task: stores a
    ``market`` drift snapshot. No active model (or no reachable symbol) is reported, not
    raised: a schedule that fires before the first training is not a failure."""
    from monitoring.services import drift_snapshot_from_market

    try:
        snapshot = drift_snapshot_from_market(days=settings.MARKET_DRIFT_DAYS)
    except AppError as exc:
        return {"status": "skipped", "reason": exc.code, "detail": str(exc)}
    return {"status": snapshot.status, "version": snapshot.version, "id": snapshot.pk}
