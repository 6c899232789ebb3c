"""The training-run lifecycle: request (queue), execute (worker), foreground, recovery."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_event_record
from mlplatform.actors import Actor
from mlplatform.errors import AppError, ValidationFailed
from registry.models import TrainingRun
from registry.services.promotion import ProgressCallback, TrainingOutcome, train_model
from registry.training import training_params_resolve

logger = logging.getLogger(__name__)

DEFAULT_LANE = "default"


def _host() -> str:
    return socket.gethostname()[:128]


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _task_finished(task_id: str) -> bool | None:
    """Whether the task backend says the task already finished (None when it cannot tell)."""
    if not task_id:
        return None
    try:
        from django.tasks import default_task_backend

        result = default_task_backend.get_result(task_id)
    except Exception:
        return None
    return bool(result.is_finished)


def training_run_recover(*, at_worker_start: bool = False) -> list[str]:
    """Mark runs whose worker is gone as failed; returns their run ids.

    A ``running`` run is dead when its worker process on this host no longer exists, when
    its heartbeat is older than ``TRAIN_RUN_STALE_SECONDS``, or when the task backend says the
    task finished. A ``queued`` run is dead when its task finished without running it, or it
    was never enqueued. A version registered before the crash stays (it is complete: the row
    commits with its artifacts); nothing half-registered can exist.
    """
    now = timezone.now()
    stale = timedelta(seconds=getattr(settings, "TRAIN_RUN_STALE_SECONDS", 600))
    host = _host()
    failed: list[str] = []
    for run in TrainingRun.objects.filter(state__in=TrainingRun.OPEN_STATES):
        reason = ""
        if run.state == TrainingRun.State.RUNNING:
            same_host = run.worker_host == host
            if same_host and not _pid_alive(run.worker_pid):
                reason = f"worker pid {run.worker_pid} on {host} is no longer running"
            elif run.heartbeat_at is None or now - run.heartbeat_at > stale:
                reason = f"no heartbeat since {run.heartbeat_at or run.started_at}"
            elif _task_finished(run.task_id):
                reason = "the task ended without finishing the run"
        else:
            if _task_finished(run.task_id):
                reason = "the task ended before the run started"
            elif not run.task_id and now - run.created_at > timedelta(seconds=60):
                reason = "the run was never handed to the task queue"
            elif at_worker_start is False and now - run.created_at > stale * 6:
                reason = "queued for too long"
        if not reason:
            continue
        updated = TrainingRun.objects.filter(pk=run.pk, state=run.state).update(
            state=TrainingRun.State.FAILED,
            completed_at=now,
            error=f"interrupted: {reason}",
        )
        if updated:
            failed.append(str(run.run_id))
            audit_event_record(
                actor=Actor.system("registry"),
                action="model.train",
                target=str(run.run_id),
                outcome="failed",
                details={"reason": reason, "at_worker_start": at_worker_start},
            )
    return failed


TRAINING_ORIGINS = ("api", "dashboard", "admin", "cli", "bootstrap", "schedule")


def _origin_check(origin: str) -> str:
    if origin not in TRAINING_ORIGINS:
        raise ValidationFailed(
            f"origin must be one of {', '.join(TRAINING_ORIGINS)}", details={"origin": origin}
        )
    return origin


def training_run_request(
    *,
    actor: Actor,
    params: dict[str, Any] | None = None,
    request: Any = None,
    origin: str = "api",
    reason: str = "",
) -> tuple[TrainingRun, bool]:
    """Queue a background training run; (run, started). ``started`` is False when one is open."""
    _origin_check(origin)
    clean = {key: value for key, value in (params or {}).items() if value is not None}
    training_params_resolve(clean)  # validate now (422) rather than fail in the worker
    training_run_recover()
    try:
        with transaction.atomic():
            run = TrainingRun.objects.create(
                requested_by=actor.name[:150],
                requested_by_type=actor.type,
                origin=origin,
                params=clean,
                progress={"stage": "queued", "percent": 0},
            )
            audit_event_record(
                actor=actor,
                action="model.train",
                target=str(run.run_id),
                details={"params": clean, "status": "started", "origin": origin, "reason": reason},
                request=request,
            )
    except IntegrityError:
        existing = TrainingRun.objects.filter(
            lane=DEFAULT_LANE, state__in=TrainingRun.OPEN_STATES
        ).first()
        if existing is None:  # the open run finished between our insert and this read
            return training_run_request(
                actor=actor, params=params, request=request, origin=origin, reason=reason
            )
        audit_event_record(
            actor=actor,
            action="model.train",
            target=str(existing.run_id),
            details={"params": clean, "status": "already_running", "origin": origin},
            request=request,
        )
        return existing, False

    from registry.tasks import training_run_task

    try:
        result = training_run_task.enqueue(run_id=str(run.run_id))
    except Exception as exc:
        TrainingRun.objects.filter(pk=run.pk, state=TrainingRun.State.QUEUED).update(
            state=TrainingRun.State.FAILED,
            completed_at=timezone.now(),
            error=f"could not enqueue: {exc}",
        )
        raise
    TrainingRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run, True


class _Progress:
    """Saves stage/percent and a heartbeat, at most every 0.5 s unless the stage changes."""

    def __init__(self, run: TrainingRun) -> None:
        self.run_pk = run.pk
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: str, percent: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.last < 0.5:
            return
        self.stage, self.last = stage, now
        TrainingRun.objects.filter(pk=self.run_pk).update(
            progress={"stage": stage, "percent": int(max(0, min(100, percent)))},
            heartbeat_at=timezone.now(),
        )


def training_run_execute(*, run_id: str) -> str:
    """The worker body: claim the queued run, train, record the outcome. Returns the state."""
    training_run_recover(at_worker_start=False)
    with transaction.atomic():
        run = TrainingRun.objects.select_for_update().filter(run_id=run_id).first()
        if run is None:
            logger.warning("training run %s does not exist", run_id)
            return "missing"
        if run.state != TrainingRun.State.QUEUED:
            return run.state
        now = timezone.now()
        run.state = TrainingRun.State.RUNNING
        run.started_at = now
        run.heartbeat_at = now
        run.worker_host = _host()
        run.worker_pid = os.getpid()
        run.progress = {"stage": "starting", "percent": 1}
        run.save(
            update_fields=[
                "state",
                "started_at",
                "heartbeat_at",
                "worker_host",
                "worker_pid",
                "progress",
            ]
        )
    actor = Actor(name=run.requested_by, type=run.requested_by_type)  # type: ignore[arg-type]
    try:
        outcome = train_model(
            params=run.params, actor=actor, progress_callback=_Progress(run), run=run
        )
    except Exception as exc:
        logger.exception("training run %s failed", run_id)
        _run_failed(run, actor, exc)
        return TrainingRun.State.FAILED
    _run_succeeded(run, outcome)
    return TrainingRun.State.SUCCEEDED


def _run_failed(run: TrainingRun, actor: Actor, exc: Exception, **details: Any) -> None:
    """Record ``exc`` as the run's end: state, error text, and a failed ``model.train`` audit."""
    message = f"{exc.code}: {exc.message}" if isinstance(exc, AppError) else repr(exc)
    now = timezone.now()
    TrainingRun.objects.filter(pk=run.pk).update(
        state=TrainingRun.State.FAILED, completed_at=now, error=message[:4000], heartbeat_at=now
    )
    audit_event_record(
        actor=actor,
        action="model.train",
        target=str(run.run_id),
        outcome="failed",
        details={"error": message[:500], **details},
    )


def _run_succeeded(run: TrainingRun, outcome: TrainingOutcome) -> None:
    """Record the run's new version and promotion decision."""
    now = timezone.now()
    TrainingRun.objects.filter(pk=run.pk).update(
        state=TrainingRun.State.SUCCEEDED,
        completed_at=now,
        model_version=outcome.version,
        promotion=outcome.promotion,
        progress={"stage": "done", "percent": 100},
        heartbeat_at=now,
    )


def training_run_foreground(
    *,
    actor: Actor,
    origin: str,
    params: dict[str, Any] | None = None,
    progress_callback: ProgressCallback | None = None,
) -> tuple[TrainingRun, TrainingOutcome]:
    """Train in this process (``manage.py train``, the demo bootstrap) as a recorded run.

    The run is a TrainingRun like a queued one (origin, params, progress, heartbeat, decision),
    in its own lane so it neither waits for nor blocks the background queue. A failure marks
    the run failed and re-raises.
    """
    _origin_check(origin)
    clean = {key: value for key, value in (params or {}).items() if value is not None}
    training_params_resolve(clean)
    now = timezone.now()
    with transaction.atomic():
        run = TrainingRun.objects.create(
            lane=f"{origin}-{uuid.uuid4().hex[:16]}",
            state=TrainingRun.State.RUNNING,
            requested_by=actor.name[:150],
            requested_by_type=actor.type,
            origin=origin,
            params=clean,
            progress={"stage": "starting", "percent": 1},
            started_at=now,
            heartbeat_at=now,
            worker_host=_host(),
            worker_pid=os.getpid(),
        )
        audit_event_record(
            actor=actor,
            action="model.train",
            target=str(run.run_id),
            details={"params": clean, "status": "started", "origin": origin},
        )
    recorder = _Progress(run)

    def progress(stage: str, percent: int) -> None:
        recorder(stage, percent)
        if progress_callback is not None:
            progress_callback(stage, percent)

    try:
        outcome = train_model(params=clean, actor=actor, progress_callback=progress, run=run)
    except Exception as exc:
        _run_failed(run, actor, exc, origin=origin)
        raise
    _run_succeeded(run, outcome)
    run.refresh_from_db()
    return run, outcome
