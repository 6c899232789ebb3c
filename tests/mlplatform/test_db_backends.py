"""Our database backends (mlplatform/db): SQLite WAL checkpoints off the request path,
PostgreSQL health checks without a round trip, and prepared statements for the hot path."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql

from mlplatform.db.sqlite3.base import (
    AUTOCHECKPOINT_PAGES,
    WalCheckpointer,
    wal_checkpointer,
)
from mlplatform.db.sqlite3.base import (
    DatabaseWrapper as SqliteWrapper,
)
from tests.conftest import psycopg_connect


def _until(condition, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def _wal_database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # only the checkpointer under test checkpoints
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
    return db


def _write(db: sqlite3.Connection, rows: int) -> None:
    for _ in range(rows):
        db.execute("INSERT INTO t (payload) VALUES (?)", ("x" * 500,))


# --- SQLite -------------------------------------------------------------------------------------


def test_the_checkpointer_lets_the_wal_be_reused_instead_of_growing(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    db = _wal_database(path)
    wal = Path(f"{path}-wal")
    _write(db, 300)
    first = wal.stat().st_size
    _write(db, 300)
    assert wal.stat().st_size > first * 1.5  # without checkpoints the WAL only grows

    db2 = tmp_path / "wal2.sqlite3"
    other = _wal_database(db2)
    other_wal = Path(f"{db2}-wal")
    _write(other, 300)
    size_before = other_wal.stat().st_size
    checkpointer = WalCheckpointer(str(db2), interval=0.02)
    checkpointer.start()
    assert _until(lambda: checkpointer.checkpoints >= 2)
    _write(other, 300)
    # the checkpointed WAL restarts from its beginning: same size, not twice
    assert other_wal.stat().st_size <= size_before
    db.close()
    other.close()
    db2.unlink()
    assert _until(lambda: not checkpointer.is_alive())  # it stops once the file is gone


def test_one_checkpointer_per_database_file_per_process(tmp_path: Path) -> None:
    path = tmp_path / "one.sqlite3"
    _wal_database(path).close()
    first = wal_checkpointer(str(path))
    assert wal_checkpointer(str(tmp_path / "." / "one.sqlite3")) is first
    assert first.is_alive() and first.daemon
    path.unlink()
    assert _until(lambda: not first.is_alive(), seconds=3)


def test_a_file_connection_defers_checkpoints_to_the_thread(tmp_path: Path) -> None:
    settings_dict = {**connections.settings["default"], "NAME": str(tmp_path / "app.sqlite3")}
    settings_dict["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
    wrapper = SqliteWrapper(settings_dict, alias="wal_test")
    raw = wrapper.get_new_connection(wrapper.get_connection_params())
    try:
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == AUTOCHECKPOINT_PAGES
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert wal_checkpointer(settings_dict["NAME"]).is_alive()
    finally:
        raw.close()


# --- PostgreSQL ---------------------------------------------------------------------------------


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_idle_healthy_connection_is_checked_without_a_query(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _backend_pid()
    asked: list[int] = []
    original = django_postgresql.DatabaseWrapper.is_usable

    def counting(self):  # type: ignore[no-untyped-def]
        asked.append(1)
        return original(self)

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", counting)
    assert connection.is_usable() is True
    assert asked == []  # no SELECT 1 round trip


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_replaced_at_the_next_query() -> None:
    """What a PostgreSQL restart does to a kept connection: the next request reconnects."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    old_pid = _backend_pid()
    with psycopg_connect() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    assert _until(lambda: connection.is_usable() is False)
    connection.health_check_done = False  # what a new request does (close_old_connections)
    assert _backend_pid() != old_pid


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_preparing_cursor_prepares_its_statement_once_per_connection() -> None:
    sql = "SELECT %s::int + 1"
    cursor = connection.preparing_cursor()
    for value in range(3):
        cursor.execute(sql, [value])
        assert cursor.fetchone()[0] == value + 1
    with connection.cursor() as plain:
        plain.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in plain.fetchall()]
    assert prepared.count("SELECT $1::int + 1") == 1
    assert connection.preparing_cursor().cursor is cursor.cursor  # kept for the connection


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_preparing_cursor_is_safe_to_use_from_several_threads() -> None:
    """Each thread has its own connection and so its own preparing cursor."""
    seen: dict[int, psycopg.Cursor] = {}

    def run(index: int) -> None:
        try:
            seen[index] = connections["default"].preparing_cursor().cursor
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(cursor) for cursor in seen.values()}) == 3  # all alive, so ids differ


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_prepared_statements_off_nothing_is_prepared() -> None:
    """DATABASE_PREPARED_STATEMENTS=false (OPTIONS prepare_threshold None), for PgBouncer."""
    options = {**connection.settings_dict["OPTIONS"], "prepare_threshold": None}
    backend = type(connections["default"])  # (``connection`` is a proxy)
    wrapper = backend({**connection.settings_dict, "OPTIONS": options}, alias="default")
    try:
        cursor = wrapper.preparing_cursor()
        for value in range(3):
            cursor.execute("SELECT %s::int * 2", [value])
            assert cursor.fetchone()[0] == value * 2
        with wrapper.cursor() as plain:
            plain.execute("SELECT count(*) FROM pg_prepared_statements")
            assert plain.fetchone()[0] == 0
    finally:
        wrapper.close()
