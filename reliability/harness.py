"""Real processes on 127.0.0.1 for the scenarios: scratch databases, gunicorn, manage.py.

Nothing here imports Django: scenarios drive the platform the way production does (HTTP, the
database, signals) and read the database directly to count what was stored.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ADMIN_KEY = "reliability-admin-key-0123456789abcdef"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
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
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), separator, *(line(r) for r in rows)])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    url = server_url or postgres_server_url()
    try:
        _pg_admin(url, timeout=3).close()
    except Exception as exc:
        return f"PostgreSQL at {_with_db(url, '')} is unreachable: {type(exc).__name__}: {exc}"
    return None


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def _pg_admin(url: str, timeout: int = 5) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        connect_timeout=timeout,
        autocommit=True,
    )


@dataclass
class Database:
    """A scratch database the platform uses through ``url`` and the harness reads directly."""

    vendor: str  # "postgresql" | "sqlite"
    url: str
    name: str
    server_url: str = ""

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name, timeout=30)
        import psycopg

        parts = urlsplit(self.server_url)
        return psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname=self.name,
            connect_timeout=5,
            autocommit=True,
        )

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``%s`` placeholders on both vendors) and return its rows."""
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, tuple(params))
            rows = cursor.fetchall() if cursor.description else []
            if self.vendor == "sqlite":
                connection.commit()
            return [tuple(r) for r in rows]
        finally:
            connection.close()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None


def _pg_create(server_url: str, name: str, template: str | None = None) -> Database:
    with _pg_admin(server_url) as admin:
        suffix = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{suffix}')
    return Database("postgresql", _with_db(server_url, name), name, server_url)


def _pg_drop(server_url: str, name: str) -> None:
    with contextlib.suppress(Exception), _pg_admin(server_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_database(vendor: str, workdir: Path, *, template: Database | None = None):  # type: ignore[no-untyped-def]
    """A new empty (or ``template``-cloned) database, dropped afterwards."""
    tag = f"rel_{uuid.uuid4().hex[:10]}"
    if vendor == "sqlite":
        path = workdir / f"{tag}.sqlite3"
        if template is not None:
            shutil.copyfile(template.name, path)
        db = Database("sqlite", f"sqlite:///{path}", str(path))
        try:
            yield db
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    server = postgres_server_url()
    db = _pg_create(server, tag, template.name if template else None)
    try:
        yield db
    finally:
        _pg_drop(server, tag)


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


class Gunicorn:
    """gunicorn serving ``mlplatform.wsgi`` in its own process group."""

    def __init__(
        self,
        env: dict[str, str],
        workdir: Path,
        *,
        workers: int = 2,
        threads: int = 4,
        timeout: int = 30,
    ) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"gunicorn-{self.port}.log"
        self.command = [
            PYTHON,
            "-m",
            "gunicorn",
            "-c",  # production's configuration (mlplatform/gunicorn_conf.py)
            "mlplatform/gunicorn_conf.py",
            "mlplatform.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            str(timeout),
        ]
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, wait: float = 60.0) -> Gunicorn:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited {self.process.returncode}: {self.log_tail()}")
            try:
                if requests.get(self.url + "/health", timeout=2).status_code == 200:
                    if len(self.worker_pids()) >= self.workers:
                        return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"gunicorn did not answer within {wait}s: {self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """The master's live child processes (gunicorn workers)."""
        if self.process is None:
            return []
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def wait_until(predicate: Any, *, timeout: float, interval: float = 0.2) -> bool:
    """Poll ``predicate()`` until it is truthy or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(interval)
    return False
