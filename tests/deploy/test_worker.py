"""``manage.py worker``: health on $PORT, schedules, a shutdown inside Cloud Run's window."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from mlplatform import schedules
from tests.support.servers import ROOT, free_port, manage, wait_for_http


def _query(env: dict[str, str], sql: str) -> list[tuple]:
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path, timeout=30) as db:
        return db.execute(sql).fetchall()


def _wait(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError("condition not met in time")


def _worker(env: dict[str, str], port: int, tmp_path: Path) -> subprocess.Popen[bytes]:
    log = (tmp_path / "worker.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--health-host", "127.0.0.1", "--interval", "0.2"],
        cwd=ROOT,
        env={**os.environ, **env, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_worker_answers_health_on_port_runs_schedules_and_stops_on_sigterm(
    demo_env: dict, tmp_path: Path
) -> None:
    port = free_port()
    env = {**demo_env, "MARKET_DRIFT_INTERVAL_SECONDS": "3600"}
    proc = _worker(env, port, tmp_path)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", proc=proc)
        health = requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
        assert health.status_code == 200
        assert health.json()["status"] == "ok" and health.json()["service"] == "worker"
        # the schedule enqueued the market drift check and the worker ran it
        _wait(lambda: _query(env, "SELECT count(*) FROM monitoring_driftsnapshot")[0][0] >= 1)
        sources = _query(env, "SELECT DISTINCT source FROM monitoring_driftsnapshot")
        assert sources == [("market",)]
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 3, "an idle worker stops at once"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_a_task_outliving_the_shutdown_window_is_recorded_failed(
    demo_env: dict, tmp_path: Path
) -> None:
    port = free_port()
    env = {**demo_env, "WORKER_SHUTDOWN_TIMEOUT": "1"}
    manage(
        "shell",
        "-c",
        "from tests.deploy.slow_tasks import sleep_task; sleep_task.enqueue(seconds=60)",
        env=env,
    )
    proc = _worker(env, port, tmp_path)
    try:
        running = (
            "SELECT status FROM django_tasks_database_dbtaskresult"
            " WHERE task_path LIKE '%sleep_task'"
        )
        _wait(lambda: _query(env, running) == [("RUNNING",)])
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        # shutting down: the probe says so while the task still runs
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 503
        assert proc.wait(timeout=8) == 1
        elapsed = time.monotonic() - started
        assert 0.9 < elapsed < 5, f"stopped after {elapsed:.1f} s, not WORKER_SHUTDOWN_TIMEOUT"
        assert _query(env, running) == [("FAILED",)]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.django_db
def test_schedule_table_enqueues_once_per_interval_and_skips_unimportable(settings, caplog) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    settings.MARKET_DRIFT_INTERVAL_SECONDS = 600
    settings.RETRAIN_INTERVAL_SECONDS = 0
    settings.OUTCOME_SCORING_INTERVAL_SECONDS = 60
    configured = {s.setting: s for s in schedules.schedules_configured()}
    assert set(configured) == {"MARKET_DRIFT_INTERVAL_SECONDS", "OUTCOME_SCORING_INTERVAL_SECONDS"}
    missing = schedules.Schedule(
        setting="OUTCOME_SCORING_INTERVAL_SECONDS",
        task_path="monitoring.not_there.outcome_scoring_task",
        interval=60,
    )
    drift = configured["MARKET_DRIFT_INTERVAL_SECONDS"]
    with caplog.at_level(logging.WARNING, logger="mlplatform.schedules"):
        first = schedules.schedule_enqueue_due([drift, missing])
    assert first == [drift.task_path]
    assert "not importable; skipped" in caplog.text
    assert schedules.schedule_enqueue_due([drift]) == []  # within its interval: not again
    DBTaskResult.objects.update(
        enqueued_at=DBTaskResult.objects.get().enqueued_at.replace(year=2000)
    )
    assert schedules.schedule_enqueue_due([drift]) == [drift.task_path]  # interval passed
