"""The one launcher, the one scratch-database helper and the one table renderer (issue 17)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from mlplatform import launcher, scratch_db
from mlplatform.tables import render_table

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", ".git", ".next", "staticfiles", "var"}


def _python_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found += [Path(folder) / f for f in files if f.endswith(".py")]
    return found


def test_a_single_gunicorn_command_line_outside_the_dockerfile() -> None:
    """Every launcher (make run, tests, e2e, bench, reliability) goes through web_command."""
    command_line = re.compile(
        r"""["']-m["']\s*,\s*["']gunicorn["']|["']gunicorn["']\s*,\s*["']-c"""
    )
    holders = sorted(
        str(p.relative_to(ROOT)) for p in _python_files() if command_line.search(p.read_text())
    )
    assert holders == ["mlplatform/launcher.py"]


def test_the_web_command_reads_production_configuration() -> None:
    command = launcher.web_command("127.0.0.1", 8123, workers=2, threads=4, timeout=30)
    assert " ".join(command[1:6]) == "-m gunicorn -c mlplatform/gunicorn_conf.py mlplatform.wsgi"
    assert command[6:] == [
        "--bind",
        "127.0.0.1:8123",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "30",
    ]
    # Nothing but the bind address is given unless asked: the rest is gunicorn_conf.py's.
    assert launcher.web_command("0.0.0.0", 9)[6:] == ["--bind", "0.0.0.0:9"]


def test_a_process_that_exits_before_answering_is_reported_with_its_log(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    child = launcher.Process(
        "child",
        ["/bin/sh", "-c", "echo the-reason; exit 3"],
        env=dict(os.environ),
        log_path=log,
    ).start()
    with pytest.raises(RuntimeError, match="the-reason"):
        child.wait_http(f"http://127.0.0.1:{launcher.free_port()}/health", timeout=10)
    assert child.poll() == 3


def test_stop_group_ends_the_children_of_a_shell(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    shell = launcher.Process(
        "shell",
        ["/bin/sh", "-c", f"sleep 60 & echo $! > {pid_file}; wait"],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
    ).start()
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        time.sleep(0.05)
    grandchild = int(pid_file.read_text())
    shell.stop_group(grace=5)
    assert shell.poll() is not None
    # the sleep, started by the shell, is gone too (or a zombie reaped by init)
    status = Path(f"/proc/{grandchild}/status")

    def gone() -> bool:
        try:
            return "zombie" in status.read_text()
        except OSError:
            return True

    deadline = time.monotonic() + 5
    while not gone() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone()


def test_port_taken_sees_a_listener() -> None:
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert launcher.port_taken("127.0.0.1", port)
    assert not launcher.port_taken("127.0.0.1", port)


def test_sqlite_scratch_database_copies_a_template_and_is_removed(tmp_path: Path) -> None:
    with scratch_db.scratch_database("sqlite", tmp_path, prefix="t") as template:
        template.query("CREATE TABLE t (x INTEGER)")
        template.query("INSERT INTO t VALUES (%s)", (7,))
        with scratch_db.scratch_database("sqlite", tmp_path, template=template) as copy:
            assert copy.url == f"sqlite:///{copy.name}" and copy.name != template.name
            assert copy.scalar("SELECT x FROM t") == 7
            copy.query("INSERT INTO t VALUES (%s)", (8,))
            assert template.scalar("SELECT COUNT(*) FROM t") == 1
        assert not Path(copy.name).exists()
    assert not Path(template.name).exists()
    assert list(tmp_path.iterdir()) == []


def test_unknown_vendor_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="vendor"):
        with scratch_db.scratch_database("oracle", tmp_path):
            pass


def _pg_server() -> str:
    return os.environ.get("TEST_POSTGRES_URL") or scratch_db.DEFAULT_PG_SERVER


def test_postgres_scratch_database_is_created_cloned_and_dropped(tmp_path: Path) -> None:
    server = _pg_server()
    reason = scratch_db.postgres_unreachable_reason(server)
    if reason:
        pytest.skip(reason)
    with scratch_db.scratch_database("postgresql", tmp_path, server_url=server) as template:
        assert template.url.endswith("/" + template.name) and template.name.startswith("scratch_")
        template.query("CREATE TABLE t (x INTEGER)")
        template.query("INSERT INTO t VALUES (%s)", (5,))
    with scratch_db.scratch_database("postgresql", tmp_path, server_url=server) as template:
        template.query("CREATE TABLE t (x INTEGER)")
        template.query("INSERT INTO t VALUES (%s)", (5,))
        with scratch_db.scratch_database(
            "postgresql", tmp_path, server_url=server, template=template, prefix="clone"
        ) as copy:
            assert copy.scalar("SELECT x FROM t") == 5
        names = {r[0] for r in template.query("SELECT datname FROM pg_database")}
        assert copy.name not in names and template.name in names


def test_postgres_unreachable_reason_names_the_server() -> None:
    reason = scratch_db.postgres_unreachable_reason(
        f"postgres://postgres@127.0.0.1:{launcher.free_port()}/postgres"
    )
    assert reason is not None and "unreachable" in reason


def test_text_and_markdown_tables() -> None:
    header = ("name", "value")
    rows = [("fast", 1), ("a|b", "22")]
    text = render_table(header, rows).splitlines()
    assert text == ["name  value", "----  -----", "fast  1", "a|b   22"]
    markdown = render_table(header, rows, markdown=True).splitlines()
    assert markdown == [
        "| name | value |",
        "|------|-------|",
        "| fast | 1     |",
        "| a/b  | 22    |",
    ]
    with pytest.raises(ValueError, match="row 1"):
        render_table(header, [("only one",)])


def test_scratch_database_is_a_real_sqlite_file(tmp_path: Path) -> None:
    with scratch_db.scratch_database("sqlite", tmp_path) as db:
        db.query("CREATE TABLE t (x INTEGER)")
        with sqlite3.connect(db.name) as direct:
            assert direct.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)
