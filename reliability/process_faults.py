"""Process faults: kill -9 of the training worker and of a web worker, PostgreSQL restarted
under load, the storage emulator stopped.

Each function sets up its own scratch platform (a clone of the prepared template), breaks one
process the way production breaks, and checks what the operators were promised: the run ends
``failed`` and nothing is half-registered; gunicorn replaces its worker and no row is corrupt;
``/ready`` and predictions come back without a restart; serving goes on from the loaded model
while training fails with a clear error and ``/ready`` reports the storage.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from reliability.harness import (
    ADMIN_KEY,
    PYTHON,
    ROOT,
    Database,
    Gunicorn,
    Outcome,
    Prepared,
    clone_platform,
    free_port,
    manage,
    platform_env,
    prepare_platform,
    progress,
    scratch_database,
    wait_until,
)
from reliability.load import LOAD_SYMBOLS
from reliability.loadgen import (
    CallResult,
    Ledger,
    LoadSummary,
    ledger_check,
    predict_plan,
    run_load,
    summarize,
)

ADMIN = {"X-API-Key": ADMIN_KEY}


def _counts(db: Database) -> dict[str, int]:
    return {
        "versions": int(db.scalar("SELECT COUNT(*) FROM registry_modelversion")),
        "active": int(db.scalar("SELECT COUNT(*) FROM registry_modelversion WHERE is_active")),
        "logs": int(db.scalar("SELECT COUNT(*) FROM audit_predictionlog")),
    }


def _corrupt_logs(db: Database) -> int:
    """Prediction logs that are not whole: missing output, version or features."""
    return int(
        db.scalar(
            "SELECT COUNT(*) FROM audit_predictionlog "
            "WHERE prediction NOT IN ('BUY', 'HOLD', 'SELL') "
            "OR model_version = '' OR features IS NULL OR request_id = ''"
        )
    )


# --- kill -9 of the training worker ------------------------------------------------------------


def _run_state(db: Database, run_id: str) -> tuple[str, str]:
    row = db.query(
        "SELECT state, error FROM registry_trainingrun WHERE run_id = %s",
        (run_id.replace("-", ""),),
    ) or db.query("SELECT state, error FROM registry_trainingrun WHERE run_id = %s", (run_id,))
    return (str(row[0][0]), str(row[0][1] or "")) if row else ("missing", "")


#: Training stages before anything is written to the registry (registry.training).
COMPUTING_STAGES = frozenset({"loading_data", "splitting", "cross_validation", "fitting"})


def _run_stage(db: Database, run_id: str) -> str:
    row = db.query(
        "SELECT state, progress FROM registry_trainingrun WHERE run_id IN (%s, %s)",
        (run_id.replace("-", ""), run_id),
    )
    if not row or row[0][0] != "running":
        return ""
    progress = row[0][1]
    if isinstance(progress, str):
        progress = json.loads(progress)
    return str((progress or {}).get("stage", ""))


def training_worker_killed(template: Prepared, workdir: Path) -> Outcome:
    """POST /admin/train (big), kill -9 the worker mid-run, restart it, train again."""
    problems: list[str] = []
    with clone_platform(template, workdir) as (db, models):
        env = platform_env(db, models, TRAIN_CV_FOLDS="5")
        before = _counts(db)
        folders_before = sorted(p.name for p in models.iterdir() if p.is_dir())
        with Gunicorn(env, workdir, workers=1) as server:
            symbols = [f"K{i:03d}" for i in range(150)]
            response = requests.post(
                server.url + "/admin/train",
                json={"symbols": symbols, "lookback": 2520},
                headers=ADMIN,
                timeout=30,
            )
            run_id = response.json()["training"]["run_id"]
            command = [PYTHON, "manage.py", "worker", "--no-startup-delay", "--interval", "0.1"]
            worker = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                # Killed while it computes, before it writes anything: a kill during the
                # registering stage may leave an orphan folder by design (reconciliation
                # imports one only if its manifest verifies), which is not what this tests.
                if not wait_until(
                    lambda: _run_stage(db, run_id) in COMPUTING_STAGES, timeout=60, interval=0.02
                ):
                    problems.append("the run never started")
                killed_at = _run_stage(db, run_id)
                worker.send_signal(signal.SIGKILL)
                worker.wait(10)
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait(10)
            state_after_kill = _run_state(db, run_id)[0]
            restart = manage(
                "worker", "--batch", "--no-startup-delay", env=env, timeout=300, check=False
            )
            state, error = _run_state(db, run_id)
            status = requests.get(server.url + "/admin/train/status", headers=ADMIN, timeout=30)
            after_kill = _counts(db)
            folders_after_kill = sorted(p.name for p in models.iterdir() if p.is_dir())
            if state_after_kill != "running":
                problems.append(f"run was {state_after_kill} when the worker died (too late?)")
            if restart.returncode != 0:
                problems.append(f"restarted worker exited {restart.returncode}")
            if state != "failed":
                problems.append(f"run ended {state}, expected failed")
            if after_kill["versions"] != before["versions"] or folders_after_kill != folders_before:
                problems.append(
                    f"half-registered version: {before} -> {after_kill}, folders "
                    f"{folders_before} -> {folders_after_kill}"
                )
            if status.json()["training"]["state"] != "failed":
                problems.append(f"/admin/train/status says {status.json()['training']}")
            # the next run succeeds
            again = requests.post(
                server.url + "/admin/train",
                json={"symbols": ["AAPL", "MSFT"], "lookback": 400},
                headers=ADMIN,
                timeout=30,
            ).json()
            manage("worker", "--batch", "--no-startup-delay", env=env, timeout=300)
            next_state, next_error = _run_state(db, again["training"]["run_id"])
            final = _counts(db)
            if again["status"] != "started" or next_state != "succeeded":
                problems.append(f"next run: {again['status']} -> {next_state} {next_error}")
            if final["versions"] != before["versions"] + 1:
                problems.append(f"next run registered {final['versions'] - before['versions']}")
    return Outcome(
        scenario="kill -9 of the training worker",
        load="worker SIGKILLed mid-run (150 symbols x 2,520 candles), then restarted",
        result=f"killed at stage {killed_at}; run {state} ({error[:60]}); no version or "
        "artifact added; next run "
        f"{next_state}, +1 version"
        if not problems
        else "; ".join(problems),
        data_lost=0 if not problems else None,
        ok=not problems,
        details=problems,
    )


# --- kill -9 of a gunicorn worker under load ---------------------------------------------------


def _load_in_background(
    url: str, total: int, concurrency: int, tag: str, batch_share: float = 0.2
) -> tuple[threading.Thread, list[CallResult], dict[str, int]]:
    plan = predict_plan(total, symbols=LOAD_SYMBOLS, batch_share=batch_share, batch_size=10)
    results: list[CallResult] = []
    counter = {"done": 0}

    def count(done: int) -> None:
        counter["done"] = done

    def run() -> None:
        results.extend(run_load(url, plan, concurrency=concurrency, tag=tag, on_done=count))

    thread = threading.Thread(target=run, name=f"load-{tag}", daemon=True)
    thread.start()
    return thread, results, counter


def web_worker_killed(template: Prepared, workdir: Path, *, total: int = 3000) -> Outcome:
    """SIGKILL one of two gunicorn workers while ``total`` requests are under way."""
    problems: list[str] = []
    with (
        clone_platform(template, workdir) as (db, models),
        Gunicorn(platform_env(db, models), workdir, workers=2) as server,
    ):
        workers_before = server.worker_pids()
        thread, results, counter = _load_in_background(server.url, total, 16, "kill")
        wait_until(lambda: counter["done"] >= total // 3, timeout=120, interval=0.05)
        victim = workers_before[0]
        os.kill(victim, signal.SIGKILL)
        progress(f"web worker kill: SIGKILL pid {victim} after {counter['done']} requests")
        thread.join(timeout=600)
        replaced = wait_until(
            lambda: len(server.worker_pids()) == 2 and victim not in server.worker_pids(),
            timeout=30,
        )
        after = requests.get(server.url + "/predict?symbol=AAPL", timeout=30)
        summary = summarize(results)
        ledger = ledger_check(db, results, "kill")
        corrupt = _corrupt_logs(db)
        other_errors = {
            status: count for status, count in summary.statuses.items() if status not in (200, None)
        }
        if not replaced:
            problems.append(f"workers after kill: {server.worker_pids()}")
        if after.status_code != 200:
            problems.append(f"/predict after the kill: {after.status_code}")
        if other_errors or summary.invalid:
            problems.append(f"error answers {other_errors} {summary.invalid[:3]}")
        if ledger.violations or corrupt:
            problems.append(f"ledger {ledger.text()}, corrupt rows {corrupt}")
    return Outcome(
        scenario="kill -9 of a gunicorn worker under load",
        load=f"{total:,} requests at concurrency 16 on {db.vendor}; 1 of 2 workers SIGKILLed "
        "at 1/3",
        result=f"worker replaced; {summary.statuses.get(200, 0):,} x 200, {summary.no_answer} "
        f"requests without answer (connections of the killed worker), 0 error answers; "
        f"{ledger.text()}; corrupt rows {corrupt}"
        if not problems
        else "; ".join(problems),
        data_lost=ledger.violations,
        ok=not problems,
        details=problems,
    )


def _ready_within(server: Gunicorn, seconds: float) -> bool:
    """True once ``/ready`` answers 200 (polled; connection errors count as not yet)."""
    return wait_until(
        lambda: requests.get(server.url + "/ready", timeout=10).status_code == 200,
        timeout=seconds,
    )


@dataclass(frozen=True)
class _AfterFault:
    """What the database scenarios check once the fault is over."""

    summary: LoadSummary
    ledger: Ledger
    corrupt: int
    probe_ok: int
    probe_total: int
    codes_503: set[str]


def _after_fault(
    server: Gunicorn, db: Database, results: list[CallResult], tag: str, seed: int
) -> _AfterFault:
    """Probe 50 fresh predictions, then account for every request the load sent."""
    probe = run_load(
        server.url,
        predict_plan(50, symbols=LOAD_SYMBOLS, seed=seed),
        concurrency=8,
        tag=f"{tag}after",
    )
    return _AfterFault(
        summary=summarize(results),
        ledger=ledger_check(db, results, tag),
        corrupt=_corrupt_logs(db),
        probe_ok=sum(1 for r in probe if r.status == 200 and not r.error),
        probe_total=len(probe),
        codes_503={code for r in results if r.status == 503 for code in r.error_codes},
    )


# --- PostgreSQL restarted under load -----------------------------------------------------------


def _pg_restart() -> subprocess.CompletedProcess[str]:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def postgres_restarted(template: Prepared, workdir: Path, *, total: int = 3000) -> Outcome:
    """Restart the PostgreSQL cluster while ``total`` requests are under way."""
    problems: list[str] = []
    with (
        clone_platform(template, workdir) as (db, models),
        Gunicorn(platform_env(db, models), workdir, workers=2) as server,
    ):
        thread, results, counter = _load_in_background(server.url, total, 8, "pgr")
        wait_until(lambda: counter["done"] >= total // 4, timeout=120, interval=0.05)
        started = time.monotonic()
        restart = _pg_restart()
        restarted_in = time.monotonic() - started
        if restart.returncode != 0:
            problems.append(f"pg_ctlcluster restart failed: {restart.stderr[-300:]}")
        ready_again = _ready_within(server, 60)
        ready_at = time.monotonic() - started
        thread.join(timeout=600)
        after = _after_fault(server, db, results, "pgr", seed=99)
        errors = {s: c for s, c in after.summary.statuses.items() if s != 200}
        bad_statuses = {s: c for s, c in errors.items() if s != 503}
        if after.codes_503 - {"database_unavailable"}:
            problems.append(f"503 answers with codes {sorted(after.codes_503)}")
        if not ready_again:
            problems.append("/ready did not return to 200 within 60 s")
        if after.probe_ok != after.probe_total:
            problems.append(
                f"after the restart only {after.probe_ok}/{after.probe_total} predictions succeed"
            )
        if bad_statuses:
            problems.append(f"answers other than 200/503 during the restart: {bad_statuses}")
        if after.ledger.violations or after.corrupt:
            problems.append(f"ledger {after.ledger.text()}, corrupt rows {after.corrupt}")
    return Outcome(
        scenario="PostgreSQL restarted under load",
        load=f"{total:,} requests at concurrency 8; pg_ctlcluster restart at 1/4",
        result=f"restart took {restarted_in:.1f} s; /ready 200 again after {ready_at:.1f} s; "
        f"during it {dict(errors)} (503 database_unavailable); predictions resumed "
        f"({after.probe_ok}/{after.probe_total}) without restarting gunicorn; "
        f"{after.ledger.text()}"
        if not problems
        else "; ".join(problems),
        data_lost=after.ledger.violations,
        ok=not problems,
        details=[*problems, f"statuses {after.summary.status_text()}"],
    )


# --- this database refusing connections (CI-safe stand-in for a restart) ------------------


def database_outage(
    template: Prepared, workdir: Path, *, total: int = 1500, outage: float = 3.0
) -> Outcome:
    """Under load, cut every connection to this scratch database and refuse new ones for
    ``outage`` seconds (other databases on the cluster are untouched), then let them back."""
    from reliability.harness import _pg_admin, postgres_server_url

    problems: list[str] = []
    with (
        clone_platform(template, workdir) as (db, models),
        Gunicorn(platform_env(db, models), workdir, workers=2) as server,
    ):
        if db.vendor != "postgresql":
            raise RuntimeError("database_outage needs PostgreSQL")
        thread, results, counter = _load_in_background(server.url, total, 8, "dbo")
        wait_until(lambda: counter["done"] >= total // 4, timeout=120, interval=0.05)
        with _pg_admin(postgres_server_url()) as admin:
            admin.execute(f'ALTER DATABASE "{db.name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (db.name,),
            )
            time.sleep(outage)
            during = requests.get(server.url + "/ready", timeout=30)
            admin.execute(f'ALTER DATABASE "{db.name}" ALLOW_CONNECTIONS true')
        back = time.monotonic()
        ready_again = _ready_within(server, 30)
        ready_after = time.monotonic() - back
        thread.join(timeout=600)
        after = _after_fault(server, db, results, "dbo", seed=98)
        statuses = after.summary.statuses
        bad = {s: c for s, c in statuses.items() if s not in (200, 503)}
        if during.status_code != 503:
            problems.append(f"/ready during the outage: {during.status_code}")
        if not ready_again:
            problems.append("/ready did not return to 200 within 30 s")
        if bad or after.codes_503 - {"database_unavailable"}:
            problems.append(
                f"answers other than 200/503 database_unavailable: {bad} {after.codes_503}"
            )
        if statuses.get(503, 0) == 0:
            problems.append("no request met the outage (it was too short to test anything)")
        if after.probe_ok != after.probe_total:
            problems.append(
                f"after the outage only {after.probe_ok}/{after.probe_total} predictions succeed"
            )
        if after.ledger.violations or after.corrupt:
            problems.append(f"ledger {after.ledger.text()}, corrupt rows {after.corrupt}")
    return Outcome(
        scenario="Database connections cut under load",
        load=f"{total:,} requests at concurrency 8; backends of this database terminated and "
        f"refused for {outage:.0f} s",
        result=f"{statuses.get(200, 0):,} x 200, {statuses.get(503, 0)} x 503 "
        f"database_unavailable, 0 x 500; /ready 503 during, 200 again {ready_after:.1f} s "
        f"after; predictions resumed ({after.probe_ok}/{after.probe_total}); "
        f"{after.ledger.text()}"
        if not problems
        else "; ".join(problems),
        data_lost=after.ledger.violations,
        ok=not problems,
        details=problems,
    )


# --- the storage emulator stopped --------------------------------------------------------------


@contextlib.contextmanager
def storage_emulator() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    binary = Path(PYTHON).with_name("gcp-storage-emulator")
    process = subprocess.Popen(
        [str(binary), "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def listening() -> bool:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True

        if not wait_until(listening, timeout=20, interval=0.1):
            raise RuntimeError("gcp-storage-emulator did not start")
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage as gcs

        previous = os.environ.get("STORAGE_EMULATOR_HOST")
        os.environ["STORAGE_EMULATOR_HOST"] = host
        try:
            gcs.Client(project="reliability", credentials=AnonymousCredentials()).create_bucket(
                "reliability"
            )
        finally:
            if previous is None:
                os.environ.pop("STORAGE_EMULATOR_HOST", None)
            else:
                os.environ["STORAGE_EMULATOR_HOST"] = previous
        yield process, host
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


def storage_stopped(vendor: str, workdir: Path) -> Outcome:
    """Train v1 into the emulator, serve it, stop the emulator, then serve, probe and train."""
    problems: list[str] = []
    with scratch_database(vendor, workdir) as db, storage_emulator() as (emulator, host):
        env = platform_env(
            db,
            Path("unused"),
            MODEL_REGISTRY_DIR="gs://reliability/models",
            STORAGE_EMULATOR_HOST=host,
        )
        prepare_platform(env)
        with Gunicorn(env, workdir, workers=1, threads=4) as server:
            warm = [requests.get(server.url + "/predict?symbol=AAPL", timeout=30) for _ in range(8)]
            ready_before = requests.get(server.url + "/ready", timeout=60)
            emulator.terminate()
            emulator.wait(10)
            before = _counts(db)
            served = run_load(
                server.url,
                predict_plan(200, symbols=LOAD_SYMBOLS, seed=5),
                concurrency=8,
                tag="gcs",
            )
            served_ok = sum(1 for r in served if r.status == 200 and not r.error)
            t0 = time.monotonic()
            ready_body: dict[str, object] = {}
            slowest_ready = 0.0

            def storage_reported() -> bool:
                nonlocal ready_body, slowest_ready
                asked = time.monotonic()
                response = requests.get(server.url + "/ready", timeout=150)
                slowest_ready = max(slowest_ready, time.monotonic() - asked)
                ready_body = {"http": response.status_code, **response.json()["data"]}
                return response.status_code == 503

            reported = wait_until(storage_reported, timeout=180, interval=1.0)
            ready_after = time.monotonic() - t0
            t1 = time.monotonic()
            train = manage(
                "train",
                "--symbols",
                "AAPL,MSFT",
                "--lookback",
                "400",
                env=env,
                timeout=600,
                check=False,
            )
            train_seconds = time.monotonic() - t1
            after = _counts(db)
            ledger = ledger_check(db, served, "gcs")
            train_text = (train.stderr + train.stdout).strip().splitlines()
            message = next((line for line in train_text if "training failed" in line), "")
            checks = ready_body.get("checks", {}) if isinstance(ready_body, dict) else {}
            storage_check = checks.get("storage", {}) if isinstance(checks, dict) else {}
            if not all(r.status_code == 200 for r in warm) or ready_before.status_code != 200:
                problems.append("the platform was not serving before the fault")
            if served_ok != len(served):
                problems.append(f"only {served_ok}/{len(served)} predictions with storage down")
            if not reported or ready_body.get("status") != "degraded":
                problems.append(f"/ready with storage down: {ready_body}")
            if slowest_ready > 10:
                problems.append(f"/ready took {slowest_ready:.1f} s to answer")
            if train.returncode == 0 or "artifact_store" not in message:
                problems.append(f"train with storage down: exit {train.returncode}: {message!r}")
            if after["versions"] != before["versions"]:
                problems.append(f"half-registered version: {before} -> {after}")
            if ledger.violations:
                problems.append(ledger.text())
    return Outcome(
        scenario="Storage emulator stopped (gs:// registry)",
        load="gcp-storage-emulator terminated while serving 200 requests, then /ready, then train",
        result=f"{served_ok}/{len(served)} predictions from the loaded model; /ready 503 "
        f"(status degraded, storage {storage_check.get('status')}) after {ready_after:.1f} s, "
        f"each /ready answered in <= {slowest_ready:.1f} s; "
        f"train failed in {train_seconds:.1f} s: {message[:90]}; no version added"
        if not problems
        else "; ".join(problems),
        data_lost=ledger.violations,
        ok=not problems,
        details=problems,
    )
