"""Background tasks (Django's task framework; the django-tasks-db backend in production)."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="default")
def training_run_task(*, run_id: str) -> str:
    """Execute one queued training run (``registry.services.training_run_execute``)."""
    from registry.services import training_run_execute

    return training_run_execute(run_id=run_id)
