"""Django's SQLite backend with WAL checkpoints on a background thread.

In WAL mode a commit appends pages to the ``-wal`` file; a checkpoint copies them back into the
database and syncs both files. By default the connection whose commit takes the WAL past 1,000
pages runs that checkpoint inside its commit: with a prediction log row per request that is
every ~160 requests, a 10-40 ms stall (disk syncs) for that request and for every thread
queued behind it. Here each process runs a passive checkpoint once a second on a thread of its
own (it never blocks writers), and connections only checkpoint by themselves past
``AUTOCHECKPOINT_PAGES``, should that thread fall behind.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base

CHECKPOINT_INTERVAL_SECONDS = 1.0
#: About 40 MB of WAL at SQLite's default 4 KB page.
AUTOCHECKPOINT_PAGES = 10_000


class WalCheckpointer(threading.Thread):
    """``PRAGMA wal_checkpoint(PASSIVE)`` on ``path`` every interval, until the file is gone."""

    def __init__(self, path: str, interval: float = CHECKPOINT_INTERVAL_SECONDS) -> None:
        super().__init__(name="sqlite-wal-checkpoint", daemon=True)
        self.path = path
        self.interval = interval
        self.checkpoints = 0  # completed passes, for tests and diagnostics

    def run(self) -> None:
        connection: sqlite3.Connection | None = None
        while True:
            time.sleep(self.interval)
            if not os.path.exists(self.path):
                break
            try:
                if connection is None:
                    # mode=rw: never create the file (a test's database may be deleted)
                    uri = f"{Path(self.path).as_uri()}?mode=rw"
                    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.checkpoints += 1
            except sqlite3.Error:
                # locked by a schema change, or the file is being replaced: try again next tick
                if connection is not None:
                    connection.close()
                connection = None
        if connection is not None:
            connection.close()


_checkpointers: dict[tuple[int, str], WalCheckpointer] = {}
_checkpointers_lock = threading.Lock()


def wal_checkpointer(path: str) -> WalCheckpointer:
    """This process's running checkpointer of ``path`` (started on first use, after a fork too)."""
    key = (os.getpid(), os.path.abspath(path))
    checkpointer = _checkpointers.get(key)
    if checkpointer is not None and checkpointer.is_alive():
        return checkpointer
    with _checkpointers_lock:
        checkpointer = _checkpointers.get(key)
        if checkpointer is None or not checkpointer.is_alive():
            checkpointer = WalCheckpointer(key[1])
            checkpointer.start()
            _checkpointers[key] = checkpointer
    return checkpointer


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            connection.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
            wal_checkpointer(str(self.settings_dict["NAME"]))
        return connection
