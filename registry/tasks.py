"""Background tasks (Django's task framework; the django-tasks-db backend in production)."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="default")
def training_run_task(*, run_id: str) -> str:
    """Execute one queued training run (``registry.services.runs.training_run_execute``)."""
    from registry.services.runs import training_run_execute

    return training_run_execute(run_id=run_id)


@task(queue_name="default")
def scheduled_retrain_task() -> dict[str, str]:
    """Request a training run as the scheduler (``RETRAIN_INTERVAL_SECONDS``).

    The run goes through the same promotion gate as any other (``TRAIN_ACTIVATION_POLICY``,
    ``if_better`` by default); when a run is already open nothing new starts.
    """
    from mlplatform.actors import Actor
    from registry.services.runs import training_run_request

    run, started = training_run_request(actor=Actor.system("scheduler"))
    return {"run_id": str(run.run_id), "status": "started" if started else "already_running"}
