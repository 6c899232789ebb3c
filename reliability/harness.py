"""Real processes on 127.0.0.1 for the scenarios: scratch databases, gunicorn, manage.py.

Nothing here imports Django: scenarios drive the platform the way production does (HTTP, the
database, signals) and read the database directly to count what was stored.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlplatform import scratch_db
from mlplatform.launcher import Web, free_port
from mlplatform.scratch_db import Database
from mlplatform.tables import render_table

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ADMIN_KEY = "reliability-admin-key-0123456789abcdef"
DEFAULT_PG_URL = scratch_db.DEFAULT_PG_SERVER
#: Symbols the scratch model is trained on (synthetic source: any symbol is served).
TRAIN_SYMBOLS = ("AAPL", "MSFT", "GOOGL")
TRAIN_LOOKBACK = 600


@dataclass
class Outcome:
    """One row of the reliability table."""

    scenario: str
    load: str
    result: str
    data_lost: int | None
    ok: bool
    details: list[str] = field(default_factory=list)
    skipped: bool = False

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "SKIP"
        return "PASS" if self.ok else "FAIL"


def outcome_table(outcomes: Sequence[Outcome]) -> str:
    """The table ``python -m reliability`` prints (Markdown, so the README can take it as is)."""
    header = ("scenario", "load or fault", "result", "data lost", "verdict")
    rows = [
        (
            o.scenario,
            o.load,
            o.result,
            "-" if o.data_lost is None else str(o.data_lost),
            o.verdict,
        )
        for o in outcomes
    ]
    return render_table(header, rows, markdown=True)


def progress(message: str) -> None:
    print(f"[reliability] {message}", file=sys.stderr, flush=True)


# --- databases ---------------------------------------------------------------------------------


def postgres_server_url() -> str:
    """The PostgreSQL server scenarios create scratch databases on (any database name)."""
    for name in ("RELIABILITY_POSTGRES_URL", "TEST_POSTGRES_URL"):
        if os.environ.get(name):
            return os.environ[name]
    current = os.environ.get("DATABASE_URL", "")
    if current.startswith(("postgres://", "postgresql://")):
        return current
    return DEFAULT_PG_URL


def postgres_unreachable_reason(server_url: str | None = None) -> str | None:
    """None when PostgreSQL answers, else why not (for skip messages)."""
    return scratch_db.postgres_unreachable_reason(server_url or postgres_server_url())


def _pg_admin(url: str, timeout: int = 5) -> Any:
    return scratch_db.pg_admin(url, timeout)


@contextlib.contextmanager
def scratch_database(
    vendor: str, workdir: Path, *, template: Database | None = None
) -> Iterator[Database]:
    """A new empty (or ``template``-cloned) database, dropped afterwards (the shared helper,
    mlplatform/scratch_db.py, on the server :func:`postgres_server_url` names)."""
    with scratch_db.scratch_database(
        vendor, workdir, template=template, server_url=postgres_server_url(), prefix="rel"
    ) as db:
        yield db


# --- the platform ------------------------------------------------------------------------------


def platform_env(db: Database, models_dir: Path, **overrides: str) -> dict[str, str]:
    """Environment for manage.py/gunicorn: scratch database and artifacts, throttling lifted.

    Throttling is lifted because these scenarios measure the service, not the limiter (the
    limiter's 429 is documented and tested in tests/access); ``.env`` is not read.
    """
    drop = (
        "DATABASE_URL",
        "MARKET_DATA_",
        "MODEL_REGISTRY_DIR",
        "TRAIN_",
        "RATE_LIMIT_",
        "BATCH_RATE_LIMIT_",
        "ENV",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        {
            "ENV_FILE": os.devnull,
            "ENV": "development",
            "DJANGO_SETTINGS_MODULE": "mlplatform.settings",
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": db.url,
            "MODEL_REGISTRY_DIR": str(models_dir),
            "MARKET_DATA_SOURCE": "synthetic",
            "ADMIN_API_KEY": ADMIN_KEY,
            "RATE_LIMIT_REQUESTS": "100000000",
            "LOGIN_RATE_LIMIT_REQUESTS": "100000000",
            "BATCH_RATE_LIMIT_SYMBOLS": "100000000",
            "LOG_LEVEL": "ERROR",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        }
    )
    env.update(overrides)
    return env


def manage(
    *args: str, env: dict[str, str], timeout: float = 300, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``manage.py <args>`` in a child process with ``env``."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    return result


def prepare_platform(env: dict[str, str], *, train: bool = True) -> None:
    """Migrate the scratch database and (by default) train and activate v1 on synthetic data."""
    manage("migrate", "--no-input", "-v0", env=env)
    if train:
        manage(
            "train",
            "--symbols",
            ",".join(TRAIN_SYMBOLS),
            "--lookback",
            str(TRAIN_LOOKBACK),
            "--activate",
            "always",
            env=env,
        )


@dataclass
class Prepared:
    """A migrated, trained template (database + artifacts) that scenarios clone."""

    db: Database
    models_dir: Path


@contextlib.contextmanager
def prepared_platform(vendor: str, workdir: Path) -> Iterator[Prepared]:
    """Migrate and train once; ``clone_platform`` gives each scenario its own copy."""
    with scratch_database(vendor, workdir) as db:
        models = workdir / f"template-models-{uuid.uuid4().hex[:6]}"
        prepare_platform(platform_env(db, models))
        yield Prepared(db, models)


@contextlib.contextmanager
def clone_platform(template: Prepared, workdir: Path) -> Iterator[tuple[Database, Path]]:
    """A private copy of the prepared database and artifact folder."""
    with scratch_database(template.db.vendor, workdir, template=template.db) as db:
        models = workdir / f"models-{db.name.rsplit('/', 1)[-1].split('.')[0]}"
        shutil.copytree(template.models_dir, models)
        try:
            yield db, models
        finally:
            shutil.rmtree(models, ignore_errors=True)


class Gunicorn(Web):
    """gunicorn serving ``mlplatform.wsgi`` in its own process group, started through the one
    launcher (mlplatform/launcher.py: production's configuration); ready once ``/health``
    answers 200 and every worker runs."""

    def __init__(
        self,
        env: dict[str, str],
        workdir: Path,
        *,
        workers: int = 2,
        threads: int = 4,
        timeout: int = 30,
    ) -> None:
        port = free_port()
        super().__init__(
            env,
            port=port,
            workers=workers,
            threads=threads,
            timeout=timeout,
            log_path=workdir / f"gunicorn-{port}.log",
        )

    def start(self, *, wait: float = 60.0) -> Gunicorn:  # type: ignore[override]
        super().start()
        try:
            self.wait_ready(timeout=wait)
        except BaseException:
            self.stop()
            raise
        return self

    def __enter__(self) -> Gunicorn:
        return self.start()


def wait_until(predicate: Any, *, timeout: float, interval: float = 0.2) -> bool:
    """Poll ``predicate()`` until it is truthy or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(interval)
    return False
