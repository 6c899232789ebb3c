"""Background tasks of the monitoring app (Django tasks; django-tasks-db in production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.tasks import task


@task(queue_name="default")
def outcome_scoring_task() -> dict[str, Any]:
    """Score matured predictions (``manage.py score_predictions``); the worker's scheduler runs
    it every ``OUTCOME_SCORING_INTERVAL_SECONDS`` (0 turns it off: the task then does nothing)."""
    from mlplatform.actors import Actor
    from monitoring.outcomes.services import outcomes_score_run

    if int(settings.OUTCOME_SCORING_INTERVAL_SECONDS) <= 0:
        return {"status": "disabled"}
    summary = outcomes_score_run(actor=Actor.system("scheduler"), origin="schedule")
    return {"status": "ok", **summary.as_dict()}
