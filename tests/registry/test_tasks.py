"""Background training: the django-tasks-db worker executes queued runs; crashes are recovered."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registry.models import ModelVersion, TrainingRun
from registry.services import training_run_recover

ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks(settings):  # type: ignore[no-untyped-def]
    settings.TASKS = DB_TASKS
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in handlers.items():  # the in-process worker installs its own
        signal.signal(sig, handler)


def _run_worker() -> str:
    out = io.StringIO()
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=out)
    return out.getvalue()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.django_db(transaction=True)
def test_post_train_enqueues_and_the_db_worker_executes_it(api_client, admin_headers, db_tasks):
    response = api_client.post("/admin/train", **admin_headers)
    assert response.status_code == 202
    training = response.json()["training"]
    assert training["state"] == "queued" and training["progress"]["stage"] == "queued"
    run = TrainingRun.objects.get()
    assert DBTaskResult.objects.filter(id=run.task_id, status="READY").exists()
    # a second request while the first is queued
    again = api_client.post("/admin/train", **admin_headers).json()
    assert again["status"] == "already_running"
    assert again["training"]["run_id"] == training["run_id"]
    assert not ModelVersion.objects.exists()

    _run_worker()

    status = api_client.get("/admin/train/status", **admin_headers).json()["training"]
    assert status["state"] == "succeeded" and status["latest_version"] == "v1"
    assert status["progress"] == {"stage": "done", "percent": 100}
    assert status["started_at"] and status["completed_at"] >= status["started_at"]
    run.refresh_from_db()
    assert run.worker_pid == os.getpid() and run.model_version.version == "v1"
    assert DBTaskResult.objects.get(id=run.task_id).status == "SUCCESSFUL"
    assert api_client.get("/models").json()["active_version"] == "v1"


@pytest.mark.django_db(transaction=True)
def test_worker_start_fails_a_run_whose_worker_was_killed(api_client, admin_headers, db_tasks):
    api_client.post("/admin/train", **admin_headers)
    run = TrainingRun.objects.get()
    # what a worker killed mid-training leaves behind: the run and its task claimed, running
    DBTaskResult.objects.filter(id=run.task_id).update(status="RUNNING")
    TrainingRun.objects.filter(pk=run.pk).update(
        state="running",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        worker_host=socket.gethostname(),
        worker_pid=_dead_pid(),
        progress={"stage": "cross_validation", "percent": 60},
    )
    output = _run_worker()
    assert "Marked 1 interrupted training run(s) failed" in output
    run.refresh_from_db()
    assert run.state == "failed" and run.error.startswith("interrupted: worker pid")
    assert not ModelVersion.objects.exists()
    # the lane is free again
    assert api_client.post("/admin/train", **admin_headers).json()["status"] == "started"


@pytest.mark.django_db
def test_recovery_leaves_live_runs_alone_and_fails_stale_ones(settings):
    now = timezone.now()
    live = TrainingRun.objects.create(
        requested_by="x",
        state="running",
        lane="a",
        heartbeat_at=now,
        worker_host=socket.gethostname(),
        worker_pid=os.getpid(),
    )
    stale = TrainingRun.objects.create(
        requested_by="x",
        state="running",
        lane="b",
        heartbeat_at=now - timezone.timedelta(hours=1),
        worker_host="another-host",
        worker_pid=1,
    )
    remote = TrainingRun.objects.create(
        requested_by="x",
        state="running",
        lane="c",
        heartbeat_at=now,
        worker_host="another-host",
        worker_pid=1,
    )
    assert training_run_recover(at_worker_start=True) == [str(stale.run_id)]
    states = dict(TrainingRun.objects.values_list("lane", "state"))
    assert states == {"a": "running", "b": "failed", "c": "running"}
    assert live.pk and remote.pk


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_process_killed_mid_training_is_failed_on_next_start(
    api_client, admin_headers, db_tasks, settings, tmp_path
):
    """Two real ``manage.py worker`` processes on the test database (PostgreSQL)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "MODEL_REGISTRY_DIR": settings.MODEL_REGISTRY_DIR,
        "MARKET_DATA_SOURCE": "synthetic",
        "TRAIN_CV_FOLDS": "5",
        "LOG_LEVEL": "WARNING",
    }
    # big enough to be killed mid-way: 150 symbols x 2,520 candles
    symbols = [f"S{i:03d}" for i in range(150)]
    response = api_client.post(
        "/admin/train", {"symbols": symbols, "lookback": 2520}, format="json", **admin_headers
    )
    assert response.status_code == 202
    command = [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.1"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while TrainingRun.objects.get().state != "running":
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    run = TrainingRun.objects.get()
    assert run.state == "running" and run.worker_pid == worker.pid
    restart = subprocess.run(
        [*command, "--batch"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert restart.returncode == 0, restart.stderr
    assert "interrupted training run" in restart.stdout
    run.refresh_from_db()
    assert run.state == "failed" and "no longer running" in run.error
    assert not ModelVersion.objects.exists()
