"""Real gunicorn and worker processes on 127.0.0.1 with a demo database (v1 trained once)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlplatform.launcher import Web
from tests.support.servers import free_port, manage


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database and artifact folder with the demo model v1 active."""
    base = tmp_path_factory.mktemp("deploy-template")
    env = {
        "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
        "MODEL_REGISTRY_DIR": str(base / "models"),
        "ENV_FILE": str(base / "no.env"),
    }
    manage("migrate", "--no-input", "-v0", env=env)
    manage("bootstrap_demo", env=env)
    return base


@pytest.fixture
def demo_env(_demo_template: Path, tmp_path: Path) -> dict[str, str]:
    """Environment for manage.py/gunicorn on a private copy of the demo database."""
    shutil.copy(_demo_template / "db.sqlite3", tmp_path / "db.sqlite3")
    shutil.copytree(_demo_template / "models", tmp_path / "models")
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MODEL_REGISTRY_DIR": str(tmp_path / "models"),
        "ENV_FILE": str(tmp_path / "no.env"),
        "RATE_LIMIT_REQUESTS": "1000000",
        "PYTHONUNBUFFERED": "1",
    }


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def access_lines(self) -> list[str]:
        return [line for line in self.stdout.read_text().splitlines() if line.strip()]


@contextmanager
def gunicorn(env: dict[str, str], workdir: Path, *, workers: int = 2) -> Iterator[Server]:
    """gunicorn with the production configuration (mlplatform/gunicorn_conf.py), through the
    one launcher (mlplatform/launcher.py)."""
    port = free_port()
    out, err = workdir / f"gunicorn-{port}.out", workdir / f"gunicorn-{port}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        web = Web({**os.environ, **env}, port=port, workers=workers, stdout=stdout, stderr=stderr)
        web.start()
    assert web.process is not None
    server = Server(web.url, web.process, out, err)
    try:
        web.wait_http(server.url + "/health", want_200=False)
        yield server
    finally:
        web.stop(grace=20)
