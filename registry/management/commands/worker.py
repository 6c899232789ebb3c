"""``manage.py worker``: django-tasks-db's ``db_worker`` for Cloud Run and for ``make run``.

On top of ``db_worker`` (every option of which it accepts):

* **Crash recovery at start.** Training runs left ``running`` (or ``queued`` with a dead task)
  by a worker that was killed are marked failed (``registry.services.training_run_recover``),
  so the training lane is free again. A killed run never leaves a half-registered version.
  Then the registry is reconciled with storage once (``registry.services.reconcile``).
* **A health endpoint on ``$PORT``** (``--health-port``; 0 = none): ``GET /health`` answers
  200 ``{"status": "ok", ...}`` while the worker takes tasks and 503 once it is shutting down.
  Cloud Run runs the worker as a service with CPU always allocated, and a service must listen
  on ``$PORT`` (docs/cloud-run.md).
* **The periodic schedules** of ``mlplatform.schedules`` (``--no-schedules`` turns them off).
* **Shutdown inside Cloud Run's window.** SIGTERM stops taking tasks; an idle worker exits at
  once; a task still running after ``WORKER_SHUTDOWN_TIMEOUT`` seconds (default 8, Cloud Run
  sends SIGKILL about 10 s after SIGTERM) is recorded failed, and so is its training run
  ("interrupted"), before the worker exits, so nothing is left ``running`` for a dead process.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from mlplatform.schedules import ScheduleThread, schedules_configured
from registry.services import registry_reconcile_once, training_run_recover

logger = logging.getLogger("registry.worker")


class GracefulWorker(Worker):
    """``db_worker``'s loop with a bounded wait for the running task at SIGTERM."""

    def __init__(self, *args: Any, shutdown_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shutdown_timeout = shutdown_timeout
        self.current: DBTaskResult | None = None
        self.started_at = time.time()
        self.tasks_done = 0

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.current = db_task_result
        try:
            super().run_task(db_task_result)
        finally:
            self.current = None
            self.tasks_done += 1

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if self.running and self.running_task:
            timer = threading.Timer(self.shutdown_timeout, self._give_up)
            timer.daemon = True
            timer.start()
        super().shutdown(signum, frame)

    def _give_up(self) -> None:
        """The running task did not finish in time: record it (and its run) failed, exit."""
        current = self.current
        if current is None:
            return
        logger.warning(
            "shutdown: task %s still running after %.0f s; recording it failed",
            current.id,
            self.shutdown_timeout,
        )
        try:
            current.set_failed(
                TimeoutError(f"worker shut down; task interrupted after {self.shutdown_timeout}s")
            )
            training_run_recover()
        except Exception:
            logger.exception("shutdown: could not record the interrupted task")
        finally:
            os._exit(1)


class _HealthHandler(BaseHTTPRequestHandler):
    worker: GracefulWorker | None = None

    def do_GET(self) -> None:
        worker = self.worker
        alive = worker is not None and worker.running
        body = {
            "status": "ok" if alive else "shutting_down",
            "service": "worker",
            "running_task": bool(worker and worker.running_task),
            "tasks_done": worker.tasks_done if worker else 0,
            "uptime_seconds": round(time.time() - worker.started_at, 1) if worker else 0.0,
        }
        payload = json.dumps(body).encode()
        self.send_response(200 if alive else 503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # probes every few seconds: quiet
        return


def health_server_start(worker: GracefulWorker, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("HealthHandler", (_HealthHandler,), {"worker": worker})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server


def _default_health_port() -> int:
    raw = os.environ.get("PORT", "").strip()
    return int(raw) if raw.isdigit() else 0


class Command(DbWorkerCommand):
    help = (
        "Run the background worker (db_worker) with crash recovery, the periodic schedules, "
        "a health endpoint on $PORT and a shutdown that fits Cloud Run's window."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--health-port",
            type=int,
            default=None,
            help="Answer GET /health on this port (default: $PORT when set; 0 = no server).",
        )
        parser.add_argument(
            "--health-host", default="0.0.0.0", help="Address of the health endpoint."
        )
        parser.add_argument(
            "--no-schedules",
            action="store_true",
            help="Do not enqueue the periodic tasks (mlplatform.schedules).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("reload"):
            raise CommandError("--reload is not supported by manage.py worker; use db_worker")
        self.configure_logging(options["verbosity"])
        failed = training_run_recover(at_worker_start=True)
        registry_reconcile_once()  # start-up: the tasks read the registry, and reads never write
        if failed:
            self.stdout.write(
                self.style.WARNING(f"Marked {len(failed)} interrupted training run(s) failed: ")
                + ", ".join(failed)
            )
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = GracefulWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
            shutdown_timeout=float(settings.WORKER_SHUTDOWN_TIMEOUT),
        )
        port = options["health_port"]
        port = _default_health_port() if port is None else port
        server = health_server_start(worker, options["health_host"], port) if port else None
        if server is not None:
            logger.info("health endpoint on %s:%s", options["health_host"], port)
        schedules = [] if options["no_schedules"] else schedules_configured()
        scheduler = ScheduleThread(schedules) if schedules else None
        if scheduler is not None:
            logger.info(
                "schedules: %s",
                ", ".join(f"{s.task_path} every {s.interval}s" for s in schedules),
            )
            scheduler.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            if scheduler is not None:
                scheduler.stop.set()
            if server is not None:
                server.shutdown()
                server.server_close()
