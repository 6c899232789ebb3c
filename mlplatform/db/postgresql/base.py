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

#: psycopg's own default; PreparingCursor prepares on first use whatever the value.
PREPARE_THRESHOLD = 5


class PreparingCursor(psycopg.Cursor):
    """Binds on the server and prepares every statement it runs (psycopg keeps the last 100
    per connection). Django turns psycopg's automatic preparation off (``prepare_threshold``
    None), so the serving path's repeated statements ask for it here."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> PreparingCursor:
        kwargs.setdefault("prepare", True)
        return super().execute(query, params, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._preparing_cursor: PreparingCursor | None = None

    def get_new_connection(self, conn_params: dict[str, Any]) -> psycopg.Connection:
        connection = super().get_new_connection(conn_params)
        # Django passes prepare_threshold=None unless OPTIONS sets it, and psycopg then
        # prepares nothing, even when asked. Its own cursors bind client-side and never prepare
        # either way, so a threshold only lets PreparingCursor work. OPTIONS
        # prepare_threshold=None (DATABASE_PREPARED_STATEMENTS=false, for a PgBouncer older
        # than 1.21 in transaction mode) keeps everything unprepared.
        if "prepare_threshold" not in self.settings_dict["OPTIONS"]:
            connection.prepare_threshold = PREPARE_THRESHOLD
        return connection

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
