"""``manage.py worker``: django-tasks-db's ``db_worker`` plus crash recovery at start.

Before taking tasks, training runs left ``running`` (or ``queued`` with a dead task) by a
worker that was killed are marked failed (``registry.services.training_run_recover``), so the
training lane is free again. A killed run never leaves a half-registered version: a version's
row commits only together with its complete artifacts. Accepts every ``db_worker`` option.
The same recovery also runs when a training run is requested and when a training task
starts, so a deployment that runs the plain ``db_worker`` is not stuck either (it then waits
for the heartbeat timeout or the same-host process check).
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from registry.services import training_run_recover


class Command(DbWorkerCommand):
    help = "Run the background worker (db_worker) after failing runs interrupted by a crash."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = training_run_recover(at_worker_start=True)
        if failed:
            self.stdout.write(
                self.style.WARNING(f"Marked {len(failed)} interrupted training run(s) failed: ")
                + ", ".join(failed)
            )
        super().handle(*args, **options)
