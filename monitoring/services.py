"""Drift reports (live traffic and recent market data) and the snapshots they leave behind.

Statistics come from :mod:`mlplatform.core.drift` (the KS statistic against the threshold
calibrated on the version's own training windows, PSI on the reference quantile bins, mean
shift in reference standard deviations); this module picks the version, gathers the live rows
(distinct inputs, with their dates), and stores :class:`DriftSnapshot` rows for the history.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from mlplatform.core.drift import METHOD, as_days, drift_report
from mlplatform.core.features import (
    DEFAULT_VOLATILITY_WINDOW,
    FEATURE_NAMES,
    compute_features_many,
    warmup_rows,
)
from mlplatform.errors import AppError, Conflict, NotFound, ServiceUnavailable, ValidationFailed
from mlplatform.market_data import market_data_source
from monitoring.models import DriftSnapshot
from monitoring.selectors import (
    drift_snapshot_exists_since,
    model_version_get,
    model_version_served,
    prediction_log_drift_window,
)
from registry.models import ModelVersion

#: A live snapshot is stored at most this often per version, so the history fills at a steady
#: pace however busy ``GET /monitoring/drift`` is.
LIVE_SNAPSHOT_INTERVAL_SECONDS = 60.0
DEFAULT_MARKET_DAYS = 30


class DriftReferenceInvalid(Conflict):
    code = "drift_reference_invalid"


def _drift_settings() -> dict[str, Any]:
    return {
        "threshold": settings.DRIFT_THRESHOLD,
        "share": settings.DRIFT_SHARE,
        "min_samples": settings.DRIFT_MIN_SAMPLES,
    }


def _model_for_drift(version: str | None) -> ModelVersion | None:
    """The named version (404 when unknown) or the active one (None when nothing is active)."""
    if version:
        model = model_version_get(version=version)
        if model is None:
            raise NotFound(f"unknown model version {version!r}", code="unknown_version")
        return model
    return model_version_served()


def _feature_names(model: ModelVersion) -> list[str]:
    names = list(model.feature_names or model.drift_reference.get("feature_names") or [])
    if not names:
        raise DriftReferenceInvalid(f"model version {model.version} lists no features")
    return names


def _empty_report(status: str, *, version: str | None, reason: str) -> dict[str, Any]:
    """A report without statistics: no model, or a version without a drift reference (so
    without a calibration either)."""
    return {
        "status": status,
        "reason": reason,
        "method": METHOD,
        "calibration": "none",
        "false_alarm_rate": None,
        "requests": 0,
        "distinct_rows": 0,
        "threshold": float(settings.DRIFT_THRESHOLD),
        "share_threshold": float(settings.DRIFT_SHARE),
        "drift_share": None,
        "drifted_features": [],
        "details": {},
        "version": version,
        "samples": 0,
    }


def _report(
    model: ModelVersion, live: np.ndarray, dates: np.ndarray, *, requests: int
) -> dict[str, Any]:
    if not model.drift_reference:
        report = _empty_report(
            "insufficient_data", version=model.version, reason="no_drift_reference"
        )
        report.update(requests=requests, distinct_rows=int(live.shape[0]))
        return report
    try:
        report = drift_report(
            model.drift_reference,
            live,
            _feature_names(model),
            dates=dates,
            **_drift_settings(),
        )
    except ValidationFailed as exc:
        # the request was fine; the stored reference is not
        raise DriftReferenceInvalid(
            f"model version {model.version} has an unusable drift reference: {exc}"
        ) from exc
    report["version"] = model.version
    report["requests"] = int(requests)
    report["distinct_rows"] = int(live.shape[0])
    return report


def _snapshot_create(*, report: dict[str, Any], source: str) -> DriftSnapshot:
    return DriftSnapshot.objects.create(
        version=report["version"],
        source=source,
        status=report["status"],
        drift_share=report.get("drift_share"),
        samples=int(report.get("samples") or 0),
        report=report,
    )


def _live_snapshot_maybe_store(report: dict[str, Any], interval_seconds: float) -> bool:
    """Store a live snapshot unless one for this version is younger than ``interval_seconds``.

    A cache key spares the database check on busy instances; the database check keeps
    instances without a shared cache at (about) one row per interval.
    """
    version = report["version"]
    now = timezone.now()
    if interval_seconds > 0:
        key = f"monitoring:drift-live-snapshot:{version}"
        if not cache.add(key, now.isoformat(), timeout=max(1, int(interval_seconds))):
            return False
        since = now - timedelta(seconds=interval_seconds)
        if drift_snapshot_exists_since(
            source=DriftSnapshot.Source.LIVE, version=version, since=since
        ):
            return False
    with transaction.atomic():
        _snapshot_create(report=report, source=DriftSnapshot.Source.LIVE)
    return True


def drift_live_report(
    *,
    version: str | None = None,
    snapshot_interval_seconds: float = LIVE_SNAPSHOT_INTERVAL_SECONDS,
) -> dict[str, Any]:
    """Drift of the distinct feature rows among the last ``DRIFT_WINDOW`` served predictions of
    ``version`` (default: the active version) against its training reference; the report
    says how many ``requests`` were read and how many ``distinct_rows`` they held.

    Status ``healthy`` | ``drift_detected`` | ``insufficient_data`` (fewer than
    ``DRIFT_MIN_SAMPLES`` usable distinct rows, or no stored reference) | ``no_model``.
    Stores a live :class:`DriftSnapshot` at most once per ``snapshot_interval_seconds``
    (``0``: always). Raises ``NotFound`` for an unknown ``version``.
    """
    model = _model_for_drift(version)
    if model is None:
        return _empty_report("no_model", version=None, reason="no_active_version")
    window = prediction_log_drift_window(
        version=model.version,
        feature_names=_feature_names(model),
        limit=settings.DRIFT_WINDOW,
    )
    report = _report(model, window.features, window.dates, requests=window.requests)
    report["source"] = DriftSnapshot.Source.LIVE
    report["window"] = settings.DRIFT_WINDOW
    report["clients"] = window.clients
    report["capped_requests"] = window.capped
    report["timestamp"] = timezone.now().isoformat()
    _live_snapshot_maybe_store(report, snapshot_interval_seconds)
    return report


def _market_feature_matrix(
    *, symbols: list[str], feature_names: list[str], days: int, volatility_window: int
) -> tuple[np.ndarray, np.ndarray, dict[str, int], dict[str, str]]:
    """The latest ``days`` feature rows per symbol, stacked, with their candle dates; rows used
    and errors per symbol."""
    unknown = [name for name in feature_names if name not in FEATURE_NAMES]
    if unknown:
        raise DriftReferenceInvalid(f"features unknown to this build: {', '.join(unknown)}")
    source = market_data_source()
    lookback = days + warmup_rows(volatility_window)
    frames = {}
    errors: dict[str, str] = {}
    for symbol in symbols:
        try:
            frames[symbol] = source.get_candles(symbol, lookback=lookback).candles
        except AppError as exc:
            errors[symbol] = f"{exc.code}: {exc}"
    if not frames:
        raise ServiceUnavailable(
            "no market data for any of the model's symbols", details={"errors": errors}
        )
    features = compute_features_many(frames, volatility_window=volatility_window)
    blocks = []
    dates = []
    rows: dict[str, int] = {}
    for symbol in sorted(features):
        frame = features[symbol].iloc[-days:]
        block = frame[feature_names].to_numpy(dtype=np.float64)
        blocks.append(block)
        dates.append(as_days(frame["timestamp"]))
        rows[symbol] = int(np.isfinite(block).all(axis=1).sum())
    return np.vstack(blocks), np.concatenate(dates), rows, errors


def drift_snapshot_from_market(
    *, version: str | None = None, days: int = DEFAULT_MARKET_DAYS
) -> DriftSnapshot:
    """Drift of the latest ``days`` daily candles of each of the version's training symbols
    (``ModelVersion.dataset_window`` keys), fetched from the configured market-data source and
    run through the same feature code, against the version's reference. Stores and returns a
    ``market`` :class:`DriftSnapshot`; symbols the source cannot serve are listed in the
    report's ``symbol_errors`` (all failing raises ``ServiceUnavailable``).
    """
    if days < 1:
        raise ValidationFailed("days must be >= 1")
    model = _model_for_drift(version)
    if model is None:
        raise NotFound("no active model version; name one with version=", code="no_model")
    symbols = sorted(model.dataset_window or {})
    if not symbols:
        raise DriftReferenceInvalid(f"model version {model.version} records no dataset symbols")
    volatility_window = int(
        (model.config or {}).get("volatility_window") or DEFAULT_VOLATILITY_WINDOW
    )
    live, dates, rows, errors = _market_feature_matrix(
        symbols=symbols,
        feature_names=_feature_names(model),
        days=days,
        volatility_window=volatility_window,
    )
    report = _report(model, live, dates, requests=int(live.shape[0]))
    report.update(
        source=DriftSnapshot.Source.MARKET,
        days=days,
        symbols=rows,
        symbol_errors=errors,
        timestamp=timezone.now().isoformat(),
    )
    with transaction.atomic():
        return _snapshot_create(report=report, source=DriftSnapshot.Source.MARKET)
