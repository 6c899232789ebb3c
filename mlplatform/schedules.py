"""Periodic work as django-tasks, enqueued by ``manage.py worker`` at configured intervals.

The table maps the setting that holds each interval (seconds; 0 = off) to the import path of
the task to enqueue. Paths are resolved when due, so an entry whose module is not installed
(yet) is skipped with a logged warning instead of stopping the worker.

Several workers (or a restarted one) do not multiply the work: an entry is enqueued only when
no task of that path was enqueued within its interval (``DBTaskResult.enqueued_at``, shared by
every worker through the database). Two workers checking in the same instant can both enqueue
once; the tasks themselves tolerate that (training has one open run at a time, drift and
scoring are idempotent).

On Cloud Run the same tasks can instead be started by Cloud Scheduler (docs/cloud-run.md).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("mlplatform.schedules")

#: setting name -> task import path
SCHEDULES: dict[str, str] = {
    "RETRAIN_INTERVAL_SECONDS": "registry.tasks.scheduled_retrain_task",
    "MARKET_DRIFT_INTERVAL_SECONDS": "monitoring.drift_tasks.market_drift_check_task",
    "OUTCOME_SCORING_INTERVAL_SECONDS": "monitoring.tasks.outcome_scoring_task",
}


@dataclass(frozen=True)
class Schedule:
    setting: str
    task_path: str
    interval: int


def schedules_configured() -> list[Schedule]:
    """The entries whose interval setting is > 0 (a setting that does not exist counts as 0)."""
    found = []
    for setting, path in SCHEDULES.items():
        interval = int(getattr(settings, setting, 0) or 0)
        if interval > 0:
            found.append(Schedule(setting=setting, task_path=path, interval=interval))
    return found


def _task_for(schedule: Schedule) -> Any | None:
    try:
        return import_string(schedule.task_path)
    except ImportError:
        logger.warning(
            "schedule %s: task %s is not importable; skipped",
            schedule.setting,
            schedule.task_path,
        )
        return None


def schedule_enqueue_due(schedules: list[Schedule]) -> list[str]:
    """Enqueue every entry with no task enqueued within its interval; returns their paths."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    enqueued = []
    for schedule in schedules:
        since = now - timedelta(seconds=schedule.interval)
        recent = DBTaskResult.objects.filter(
            task_path=schedule.task_path, enqueued_at__gt=since
        ).exists()
        if recent:
            continue
        task = _task_for(schedule)
        if task is None:
            continue
        result = task.enqueue()
        logger.info(
            "schedule %s: enqueued %s (task %s)", schedule.setting, schedule.task_path, result.id
        )
        enqueued.append(schedule.task_path)
    return enqueued


class ScheduleThread(threading.Thread):
    """Checks the table every ``tick`` seconds until ``stop`` is set."""

    def __init__(self, schedules: list[Schedule], *, tick: float = 5.0) -> None:
        super().__init__(name="schedules", daemon=True)
        self.schedules = schedules
        self.tick = tick
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                schedule_enqueue_due(self.schedules)
            except Exception:
                logger.exception("schedules: enqueueing failed; retrying in %.0f s", self.tick)
            finally:
                close_old_connections()
            self.stop.wait(self.tick)
