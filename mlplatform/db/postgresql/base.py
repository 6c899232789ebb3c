"""Django's PostgreSQL backend: a health check without a round trip, and prepared statements.

With ``CONN_HEALTH_CHECKS`` Django checks a reused connection at the first query of each
request with ``SELECT 1``: one round trip to the server per request, about a tenth of a warm
``/predict``. An idle connection receives nothing unless the server is closing it (a restart,
``pg_terminate_backend``, an idle timeout sends a FATAL message, then end of file), so a poll of
the socket answers first: nothing to read means usable; anything to read, or a connection
inside a transaction, falls back to Django's ``SELECT 1``. A peer that vanished without a word
(a cut network) is found by the next query failing, as it would be by ``SELECT 1``.
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper
from psycopg import pq


class PreparingCursor(psycopg.Cursor):
    """Binds on the server and prepares every statement it runs (psycopg keeps the last 100
    per connection). Django's own cursors bind client-side and never prepare; psycopg honours
    the request only while the connection has a ``prepare_threshold`` (the settings give it
    one unless ``DATABASE_PREPARED_STATEMENTS=false``)."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> PreparingCursor:
        kwargs.setdefault("prepare", True)
        return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._preparing_cursor: PreparingCursor | None = None

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == pq.TransactionStatus.IDLE:
            try:
                poller = select.poll()
                poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
                if not poller.poll(0):
                    return True
            except (OSError, ValueError):
                return False
        return super().is_usable()

    def preparing_cursor(self) -> CursorWrapper:
        """A cursor whose statements are prepared once per connection (``PreparingCursor``):
        the server skips parse and plan from then on. Django's own cursors bind client-side and
        never prepare. Use it for the few statements a hot path repeats.

        The psycopg cursor is kept for the life of the connection, so do not close the wrapper
        (no ``with``). It gets the health check, error translation and query capture of any
        Django cursor.
        """
        self.close_if_health_check_failed()
        self.ensure_connection()
        cursor = self._preparing_cursor
        if cursor is None or cursor.closed or cursor.connection is not self.connection:
            with self.wrap_database_errors:
                cursor = PreparingCursor(self.connection)
            self._preparing_cursor = cursor
        return self._prepare_cursor(cursor)
