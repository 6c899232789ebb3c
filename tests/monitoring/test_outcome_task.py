"""The worker's periodic job: ``monitoring.tasks.outcome_scoring_task``."""

from __future__ import annotations

from audit.models import AuditEvent
from monitoring.tasks import outcome_scoring_task


def test_the_task_scores_and_is_audited(db, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.OUTCOME_SCORING_INTERVAL_SECONDS = 3600
    result = outcome_scoring_task.enqueue()
    assert result.return_value["status"] == "ok"
    assert {"scored", "pending", "unscorable"} <= set(result.return_value)
    event = AuditEvent.objects.get(action="outcomes.score")
    assert event.actor == "scheduler" and event.details["origin"] == "schedule"


def test_interval_zero_turns_the_task_off(db, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.OUTCOME_SCORING_INTERVAL_SECONDS = 0
    assert outcome_scoring_task.enqueue().return_value == {"status": "disabled"}
    assert not AuditEvent.objects.filter(action="outcomes.score").exists()
