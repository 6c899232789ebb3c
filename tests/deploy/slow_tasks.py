"""A task that outlives the worker's shutdown window (for tests/deploy/test_worker.py)."""

from __future__ import annotations

import time

from django.tasks import task


@task(queue_name="default")
def sleep_task(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"
