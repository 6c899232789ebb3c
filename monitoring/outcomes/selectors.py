"""Reads of scored outcomes: the realized-performance report and the outcome list.

The report is computed from ``OutcomeDaily`` sums (one row per candle date) plus, for the rank
IC, the window's most recent ``IC_MAX_ROWS`` scored outcomes; it never reads every outcome.
The window is the last ``days`` candle dates counted back from the version's latest scored
date (so a version no longer served, or a replay of past dates, still has a window).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import QuerySet
from scipy import stats

from monitoring.models import Outcome, OutcomeDaily, OutcomeScoringState
from monitoring.outcomes import live_metrics
from registry.errors import NoActiveModel
from registry.models import ModelVersion
from registry.selectors import model_version_active, model_version_get

#: The rank IC uses at most this many of the window's most recent outcomes (``ic_n`` says how
#: many): exact for every window up to that size, and a bounded read for larger ones.
IC_MAX_ROWS = 20_000
#: ``rolling``: the latest dates holding at least this many scored outcomes.
ROLLING_OUTCOMES = 500
#: Trailing dates of the series' rolling hit rate and skill.
SERIES_ROLLING_DATES = 60
OUTCOME_LIST_DEFAULT_LIMIT = 100
OUTCOME_LIST_MAX_LIMIT = 1000
MAX_DAYS = 36_500
#: Reports are cached per outcomes revision (bumped by every scoring run and replay that
#: changes outcomes), so a repeated read costs two small queries; the timeout only bounds
#: memory.
REPORT_CACHE_SECONDS = 3600


def _version_row(version: str | None) -> ModelVersion:
    if version is not None:
        return model_version_get(version=version)
    active = model_version_active()
    if active is None:
        raise NoActiveModel("no active model version: pass ?version=vN")
    return active


def _day_arrays(rows: list[tuple[Any, ...]]) -> live_metrics.DayArrays:
    def column(index: int, dtype: Any = np.float64) -> np.ndarray:
        return np.array([r[index] for r in rows], dtype=dtype)

    sse_mean = np.array([np.nan if r[8] is None else r[8] for r in rows], dtype=np.float64).reshape(
        -1
    )
    return live_metrics.DayArrays(
        dates=np.array([r[0] for r in rows], dtype="datetime64[D]").reshape(-1),
        n=column(1).reshape(-1),
        moved=column(2).reshape(-1),
        hits=column(3).reshape(-1),
        ups=column(4).reshape(-1),
        sum_y=column(5).reshape(-1),
        sum_y2=column(6).reshape(-1),
        sse_model=column(7).reshape(-1),
        sse_mean=sse_mean,
        sum_p=column(9).reshape(-1),
        sum_p2=column(10).reshape(-1),
        sum_p_up=column(11).reshape(-1),
        bins=[r[12] for r in rows],
        signals=[r[13] for r in rows],
    )


_DAY_FIELDS = ("date", *live_metrics.DAILY_SUMS, "bins", "signals")


def _window_ic(version: str, source: str, since: date | None) -> tuple[float | None, int]:
    query = Outcome.objects.filter(
        model_version=version, source=source, status=Outcome.Status.SCORED
    )
    if since is not None:
        query = query.filter(
            candle_at__gte=datetime(since.year, since.month, since.day, tzinfo=UTC)
        )
    pairs = list(
        query.order_by("-candle_at").values_list("expected_return", "realized_return")[:IC_MAX_ROWS]
    )
    if len(pairs) < 3:
        return None, len(pairs)
    arr = np.array(pairs, dtype=np.float64)
    if np.ptp(arr[:, 0]) == 0 or np.ptp(arr[:, 1]) == 0:
        return None, len(pairs)
    value = float(stats.spearmanr(arr[:, 0], arr[:, 1]).statistic)
    return (value if math.isfinite(value) else None), len(pairs)


def outcomes_revision() -> int:
    """The current outcomes revision (0 before the first scoring run)."""
    value = OutcomeScoringState.objects.filter(key="default").values_list("revision", flat=True)
    return int(value.first() or 0)


def performance_report_json(
    *, version: str | None = None, days: int | None = None, source: str = "live"
) -> bytes:
    """``GET /monitoring/performance`` as JSON bytes: live metrics, status and daily series.

    Computed from the daily sums (see the module docstring), then cached as rendered JSON until
    the next scoring run or replay changes outcomes (or the version is (de)activated), so a
    repeated read costs two small queries and a cache hit.
    """
    row = _version_row(version)
    revision = outcomes_revision()
    key = f"monitoring:performance:{row.version}:{source}:{days}:{row.is_active}:{revision}"
    body = cache.get(key)
    if body is None:
        report = performance_report_compute(row=row, days=days, source=source)
        report["is_active"] = bool(row.is_active)
        body = json.dumps(report, allow_nan=False, separators=(",", ":")).encode()
        cache.set(key, body, REPORT_CACHE_SECONDS)
    return body


def performance_report(
    *, version: str | None = None, days: int | None = None, source: str = "live"
) -> dict[str, Any]:
    """The same report as a dict."""
    return json.loads(performance_report_json(version=version, days=days, source=source))


def performance_report_compute(*, row: ModelVersion, days: int | None, source: str) -> dict:
    """The report without the cache (``performance_report``)."""
    label = row.version
    day_rows = list(
        OutcomeDaily.objects.filter(model_version=label, source=source)
        .order_by("date")
        .values_list(*_DAY_FIELDS)
    )
    all_days = _day_arrays(day_rows)
    since: date | None = None
    window = all_days
    if days is not None and len(all_days):
        last = all_days.dates[-1].astype(object)
        since = last - timedelta(days=int(days) - 1)
        window = all_days.take(all_days.dates >= np.datetime64(since))
    validation = row.validation_metrics or {}
    calibration = validation.get("calibration") or {}
    horizon = int(row.horizon_days)
    ic, ic_n = _window_ic(label, source, since)
    live = live_metrics.summarize(
        window,
        horizon=horizon,
        base_rate_reference=calibration.get("base_rate"),
        ic=ic,
    )
    live["ic_n"] = ic_n
    # the latest dates that hold ROLLING_OUTCOMES outcomes
    counts = np.cumsum(window.n[::-1]) if len(window) else np.array([])
    reach = int(np.searchsorted(counts, ROLLING_OUTCOMES)) + 1 if len(window) else 0
    rolling = live_metrics.summarize(
        window.take(slice(max(0, len(window) - reach), len(window))),
        horizon=horizon,
        base_rate_reference=calibration.get("base_rate"),
    )
    validation_skill = validation.get("skill")
    status, reason = live_metrics.status_decide(
        live, validation_skill if isinstance(validation_skill, (int, float)) else None
    )
    counts_by_status = dict.fromkeys(Outcome.Status.values, 0)
    for status_name in (Outcome.Status.PENDING, Outcome.Status.UNSCORABLE):
        counts_by_status[status_name] = Outcome.objects.filter(
            model_version=label, source=source, status=status_name
        ).count()
    return {
        "version": label,
        "source": source,
        "is_active": bool(row.is_active),
        "horizon_days": horizon,
        "status": status,
        "status_reason": reason,
        "min_outcomes": live_metrics.MIN_OUTCOMES,
        "window_days": days,
        "scored": int(all_days.n.sum()),
        "pending": counts_by_status[Outcome.Status.PENDING],
        "unscorable": counts_by_status[Outcome.Status.UNSCORABLE],
        "validation": validation,
        "live": live,
        "rolling": {**rolling, "target_outcomes": ROLLING_OUTCOMES},
        "series": live_metrics.rolling_series(window, window=SERIES_ROLLING_DATES, horizon=horizon),
    }


def outcome_list(
    *,
    version: str | None = None,
    symbol: str | None = None,
    source: str | None = None,
    limit: int = OUTCOME_LIST_DEFAULT_LIMIT,
) -> QuerySet[Outcome]:
    """Scored outcomes, newest candle first, optionally of one version, symbol and source."""
    query = Outcome.objects.filter(status=Outcome.Status.SCORED)
    if version is not None:
        query = query.filter(model_version=model_version_get(version=version).version)
    if symbol is not None:
        query = query.filter(symbol=symbol)
    if source is not None:
        query = query.filter(source=source)
    limit = max(1, min(int(limit), OUTCOME_LIST_MAX_LIMIT))
    return query.order_by("-candle_at", "-id")[:limit]
