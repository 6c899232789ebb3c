"""gunicorn configuration shared by every launcher: the Dockerfile, ``make run``, the tests'
servers, the e2e harness, the bench and the reliability harness all start

    gunicorn -c mlplatform/gunicorn_conf.py mlplatform.wsgi [--bind HOST:PORT] [--workers N]

so they run with production's settings (flags given on the command line win over this file).
Values come from the environment through ``mlplatform.settings`` (documented in .env.example):
``PORT``, ``WEB_CONCURRENCY``, ``GUNICORN_THREADS``, ``GUNICORN_TIMEOUT``,
``GUNICORN_GRACEFUL_TIMEOUT`` (Cloud Run sends SIGKILL about 10 s after SIGTERM; in-flight
requests, whose prediction logs are written before they answer, get 8 s of that),
``GUNICORN_ACCESS_LOG``, ``METRICS_ENABLED``.

Metrics: with ``METRICS_ENABLED`` the master points ``PROMETHEUS_MULTIPROC_DIR`` at a folder
(the variable's value, else a fresh temporary folder) and empties it before any worker starts;
each worker writes its samples there, ``/metrics`` merges them, and a worker that exits is
marked dead so its live gauges disappear (its counters stay: totals never go backwards).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # loaded by file path: make the project importable
    sys.path.insert(0, _ROOT)

from mlplatform import settings as _settings  # noqa: E402
from mlplatform.gunicorn_logging import JsonLogger  # noqa: E402

bind = [f"0.0.0.0:{_settings.PORT}"]
workers = _settings.WEB_CONCURRENCY
threads = _settings.GUNICORN_THREADS
worker_class = "gthread"
timeout = _settings.GUNICORN_TIMEOUT
graceful_timeout = _settings.GUNICORN_GRACEFUL_TIMEOUT
reuse_port = True  # a listening socket per worker: the kernel spreads connections
control_socket_disable = True  # gunicorn 23+ otherwise shares one socket path per user
logger_class = JsonLogger
errorlog = "-"
accesslog = "-" if _settings.GUNICORN_ACCESS_LOG else None
loglevel = _settings.LOG_LEVEL.lower()

_created_metrics_dir: str | None = None

#: glibc's mallopt parameter number for the arena limit (malloc.h: M_ARENA_MAX).
_M_ARENA_MAX = -8


def malloc_arenas_limit(arenas: int = 2) -> None:
    """Limit glibc to ``arenas`` malloc arenas in this master, so in every forked worker.

    By default each gunicorn thread that allocates gets an arena of its own, and memory freed
    after a large batch stays reserved in whichever arena served it: `make bench` (entry
    ``deploy``) measured the fuller of two workers at 547 MiB resident with the default and
    412 MiB with 2 arenas, same load, caches full. ``MALLOC_ARENA_MAX`` in the environment,
    when set, is glibc's own setting and wins. Not glibc (musl, macOS): nothing to do.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, arenas)
    except (OSError, AttributeError):
        pass


malloc_arenas_limit()


def metrics_dir_prepare() -> str | None:
    """Set ``PROMETHEUS_MULTIPROC_DIR`` for this master's workers and empty it; None when
    metrics are off. Must run before any worker imports prometheus_client."""
    global _created_metrics_dir
    if not _settings.METRICS_ENABLED:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
        return None
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if not path:
        path = _created_metrics_dir or tempfile.mkdtemp(prefix="mlp-prometheus-")
        _created_metrics_dir = path
    Path(path).mkdir(parents=True, exist_ok=True)
    for stale in Path(path).glob("*.db"):  # samples of a previous run would be merged in
        stale.unlink(missing_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    return path


def on_starting(server: object) -> None:
    metrics_dir_prepare()


def child_exit(server: object, worker: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def on_exit(server: object) -> None:
    if _created_metrics_dir:
        shutil.rmtree(_created_metrics_dir, ignore_errors=True)
