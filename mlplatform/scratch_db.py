"""Throw-away databases for the bench and the reliability run: PostgreSQL or SQLite.

``scratch_database("postgresql" | "sqlite", workdir)`` creates an empty database (or a copy of
``template``), yields a :class:`Database` (the URL the platform uses plus a direct connection
for counting what was stored) and drops it afterwards. PostgreSQL databases are created on a
server URL the caller chooses (any database name in it; the ``postgres`` maintenance database
is used to CREATE/DROP). Nothing here imports Django.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PG_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def with_db(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` (query and fragment dropped)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def _pg_connect(url: str, dbname: str, timeout: int = 5) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname=dbname,
        connect_timeout=timeout,
        autocommit=True,
    )


def pg_admin(url: str, timeout: int = 5) -> Any:
    """An autocommit connection to the server's ``postgres`` database."""
    return _pg_connect(url, "postgres", timeout)


def postgres_unreachable_reason(server_url: str = DEFAULT_PG_SERVER) -> str | None:
    """None when the PostgreSQL server answers, else why not (for skip messages)."""
    try:
        pg_admin(server_url, timeout=3).close()
    except ImportError:
        return "psycopg is not installed"
    except Exception as exc:
        where = with_db(server_url, "")
        return f"PostgreSQL at {where} is unreachable: {type(exc).__name__}: {exc}".strip()
    return None


@dataclass
class Database:
    """A scratch database the platform uses through ``url`` and a harness reads directly."""

    vendor: str  # "postgresql" | "sqlite"
    url: str
    name: str  # the database name (PostgreSQL) or file path (SQLite)
    server_url: str = ""

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            return sqlite3.connect(self.name, timeout=30)
        return _pg_connect(self.server_url, self.name)

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


def create_postgres(server_url: str, name: str, template: str | None = None) -> Database:
    with pg_admin(server_url) as admin:
        suffix = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{suffix}')
    return Database("postgresql", with_db(server_url, name), name, server_url)


def drop_postgres(server_url: str, name: str) -> None:
    with contextlib.suppress(Exception), pg_admin(server_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def scratch_database(
    vendor: str,
    workdir: Path,
    *,
    template: Database | None = None,
    server_url: str = DEFAULT_PG_SERVER,
    prefix: str = "scratch",
) -> Iterator[Database]:
    """A new empty (or ``template``-cloned) database named ``<prefix>_<random>``, dropped
    afterwards. SQLite files go to ``workdir``; PostgreSQL databases to ``server_url``."""
    tag = f"{prefix}_{uuid.uuid4().hex[:10]}"
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
    if vendor != "postgresql":
        raise ValueError(f"unknown database vendor {vendor!r} (postgresql or sqlite)")
    db = create_postgres(server_url, tag, template.name if template else None)
    try:
        yield db
    finally:
        drop_postgres(server_url, tag)
