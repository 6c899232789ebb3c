"""Persist the process's request counts (one upsert per flush) and prune old minutes."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from traffic.counter import RequestCounter, minute_start
from traffic.models import RequestCount

logger = logging.getLogger(__name__)

_counter_lock = threading.Lock()
_counter: RequestCounter | None = None
_last_prune = 0.0
#: How often (seconds) a flush also deletes minutes older than the retention.
PRUNE_EVERY_SECONDS = 60.0


def request_counter() -> RequestCounter:
    """This process's counter (created on first use, sized by ``REQUEST_STATS_MAX_KEYS``)."""
    global _counter
    if _counter is None:
        with _counter_lock:
            if _counter is None:
                _counter = RequestCounter(max_keys=settings.REQUEST_STATS_MAX_KEYS)
    return _counter


def request_counter_reset() -> None:
    """Forget unflushed counts (tests, ``reset_process_state``)."""
    global _counter
    with _counter_lock:
        _counter = None


def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(RequestCount._meta.db_table)
    cols = ("minute", "route", "method", "status", "count", "duration_ms_sum")
    names = ", ".join(quote(c) for c in cols)
    marks = ", ".join(["%s"] * len(cols))
    unique = ", ".join(quote(c) for c in cols[:4])
    count, total = quote("count"), quote("duration_ms_sum")
    # Both SQLite (>= 3.24) and PostgreSQL add to the existing row on conflict, so processes
    # flushing the same minute at once never lose each other's counts.
    return (
        f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({unique}) DO UPDATE SET "
        f"{count} = {table}.{count} + excluded.{count}, "
        f"{total} = {table}.{total} + excluded.{total}"
    )


def request_counts_flush() -> int:
    """Add this process's counts to ``RequestCount``; returns the number of rows written.

    On a database error the counts go back into the (bounded) buffer for the next flush.
    """
    global _last_prune
    counter = request_counter()
    counts, dropped = counter.take()
    if dropped:
        logger.warning("request stats: %d requests not counted (buffer full)", dropped)
    if not counts:
        return 0
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        (adapt(minute_start(minute)), route, method, status, int(n), float(ms))
        for (minute, route, method, status), (n, ms) in counts.items()
    ]
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.executemany(_upsert_sql(), rows)
            if time.monotonic() - _last_prune >= PRUNE_EVERY_SECONDS:
                cutoff = timezone.now() - timedelta(hours=settings.REQUEST_STATS_RETENTION_HOURS)
                RequestCount.objects.filter(minute__lt=cutoff).delete()
                _last_prune = time.monotonic()
    except Exception:
        counter.give_back(counts)
        raise
    return len(rows)


def request_counts_flush_quietly() -> None:
    """Flush, logging instead of raising (the request path and process exit call this)."""
    try:
        request_counts_flush()
    except Exception as exc:  # counting must never fail a request
        logger.warning("request stats flush failed: %s", exc)
