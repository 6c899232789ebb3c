"""Online and batch inference (DESIGN sections 2 and 5).

One prediction: resolve the version (``version=`` or the active one, re-read at most every
0.5 s by ``registry.loading``), fetch the symbol's recent candles through the TTL cache, take the
latest fully defined row of the shared core feature function, check the version's feature-schema
hash against the core one, predict, map the output (``predictions.scoring``), and record one
``PredictionLog`` row (``predictions.services.logs``: committed before the response leaves,
sharing a statement with concurrent requests of the process) plus, at most once per symbol per
``FRESHNESS_WRITE_INTERVAL_SECONDS`` per process, one ``SymbolFreshness`` upsert.

Input status: ``stale`` when the latest candle is older than the source's ``freshness_limit``
(``STALE_INPUT_POLICY=reject`` turns that into 422 ``stale_input``), else ``degraded`` when the
source served cached upstream data or the upstream said it is degraded, else ``fresh``.
``degraded_input`` is true unless the status is ``fresh``; the demo CSV data (which ends on a
fixed date) is therefore served as stale and degraded, with confidence x 0.7, on any day.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from mlplatform import metrics
from mlplatform.api.context import current_client, current_request_id, current_server_request_id
from mlplatform.core import features as core_features
from mlplatform.core.symbols import EXCHANGES, SYMBOL_RE
from mlplatform.errors import AppError, ServiceUnavailable, ValidationFailed
from mlplatform.market_data import market_data_source
from predictions import scoring
from predictions.cache import (
    FRESHNESS_WRITE_INTERVAL_SECONDS,
    MarketSnapshot,
    feature_rows_fill,
    freshness_pacer,
    market_snapshot_get,
)
from predictions.models import SymbolFreshness
from predictions.services.logs import prediction_logs_insert
from registry.loading import LoadedModel, loaded_model_get
from registry.selectors import version_label_check

#: Candles fetched per symbol: ``MAX_LOOKBACK`` rows to show plus twice the warm-up, so the
#: exponential RSI memory has faded far below float noise relative to full-history training.
HISTORY_WARMUP_FACTOR = 2
#: Parallel upstream fetches for one batch (only the http source benefits; local ones are
#: CPU-bound and run inline).
BATCH_FETCH_WORKERS = 8


class FeatureSchemaMismatch(ServiceUnavailable):
    code = "feature_schema_mismatch"


class StaleInput(ValidationFailed):
    code = "stale_input"


# --- input validation ------------------------------------------------------------------------


def symbol_normalize(symbol: Any) -> str:
    """Upper-cased symbol matching ``^[A-Z][A-Z0-9._-]{0,19}$``, else 422 naming ``symbol``."""
    if symbol is None:
        raise ValidationFailed(
            "symbol is required", details={"symbol": ["This field is required."]}
        )
    text = symbol.strip().upper() if isinstance(symbol, str) else ""
    if not SYMBOL_RE.match(text):
        raise ValidationFailed(
            "symbol must match ^[A-Z][A-Z0-9._-]{0,19}$ after upper-casing",
            details={"symbol": [f"invalid symbol {str(symbol)[:40]!r}"]},
        )
    return text


def exchange_normalize(exchange: Any) -> str | None:
    """``NSE``/``BSE``/``NASDAQ`` (any case) or None when absent, else 422 naming ``exchange``."""
    if exchange is None or (isinstance(exchange, str) and not exchange.strip()):
        return None
    text = exchange.strip().upper() if isinstance(exchange, str) else ""
    if text not in EXCHANGES:
        raise ValidationFailed(
            f"exchange must be one of {', '.join(EXCHANGES)}",
            details={"exchange": [f"unknown exchange {str(exchange)[:20]!r}"]},
        )
    return text


def _exchange_resolved(exchange: str | None) -> str:
    return exchange or settings.MARKET_DATA_EXCHANGE


def history_rows(volatility_window: int = core_features.DEFAULT_VOLATILITY_WINDOW) -> int:
    """How many candles the serving path fetches per symbol."""
    warmup = core_features.warmup_rows(volatility_window)
    return int(settings.MAX_LOOKBACK) + HISTORY_WARMUP_FACTOR * warmup


# --- model specification (checked once per version) ------------------------------------------


@dataclass(frozen=True)
class _ModelSpec:
    columns: np.ndarray  # indexes into FEATURE_NAMES, in the model's feature order
    volatility_window: int
    rows: int


_specs: dict[tuple[str, str, tuple[str, ...]], _ModelSpec] = {}
_specs_lock = threading.Lock()


def _model_spec(loaded: LoadedModel) -> _ModelSpec:
    """The version's feature layout; ``feature_schema_mismatch`` (503) when serving would skew."""
    key = (loaded.version, loaded.feature_schema_hash, tuple(loaded.feature_names))
    spec = _specs.get(key)
    if spec is not None:
        return spec
    window = int(loaded.volatility_window)
    expected = core_features.feature_schema_hash(window)
    unknown = [name for name in loaded.feature_names if name not in core_features.FEATURE_NAMES]
    if loaded.feature_schema_hash != expected or unknown:
        raise FeatureSchemaMismatch(
            f"model {loaded.version} was trained with another feature schema than this server "
            "computes; retrain it or deploy the matching code",
            details={
                "version": loaded.version,
                "model_feature_schema_hash": loaded.feature_schema_hash,
                "server_feature_schema_hash": expected,
                "unknown_features": unknown,
            },
        )
    index = {name: i for i, name in enumerate(core_features.FEATURE_NAMES)}
    spec = _ModelSpec(
        columns=np.array([index[name] for name in loaded.feature_names], dtype=np.intp),
        volatility_window=window,
        rows=history_rows(window),
    )
    with _specs_lock:
        _specs[key] = spec
    return spec


def model_specs_reset() -> None:
    with _specs_lock:
        _specs.clear()


# --- input status ------------------------------------------------------------------------------


def _input_status(snapshot: MarketSnapshot, now: datetime) -> str:
    latest = snapshot.latest_timestamp
    limit = getattr(market_data_source(), "freshness_limit", None)
    if latest is not None and limit is not None and now - latest > limit:
        status = "stale"
    elif snapshot.degraded:
        status = "degraded"
    else:
        status = "fresh"
    if status == "stale" and settings.STALE_INPUT_POLICY == "reject":
        raise StaleInput(
            f"latest candle of {snapshot.series.symbol} ({latest.isoformat()}) is older than "
            f"the source's freshness limit ({limit}); STALE_INPUT_POLICY=reject",
            details={
                "symbol": snapshot.series.symbol,
                "latest_candle_at": latest.isoformat(),
                "freshness_limit_seconds": limit.total_seconds(),
            },
        )
    return status


# --- writes ---------------------------------------------------------------------------------


def _freshness_upsert(snapshots: Sequence[MarketSnapshot], exchange: str, now: datetime) -> None:
    """One upsert statement for the snapshots whose row was not written in the last few s."""
    by_key = {
        (
            s.series.symbol,
            exchange,
            s.series.source,
            s.degraded,
            s.latest_timestamp,
        ): s
        for s in snapshots
    }
    due = freshness_pacer.due(by_key, FRESHNESS_WRITE_INTERVAL_SECONDS)
    if not due:
        return
    rows = {}
    for key in due:
        symbol, exch, source, degraded, latest = key
        seen_at = by_key[key].seen_at or now
        rows[(symbol, exch)] = SymbolFreshness(
            symbol=symbol,
            exchange=exch,
            source=source,
            latest_candle_at=latest,
            last_seen_at=seen_at,
            degraded=degraded,
        )
    try:
        SymbolFreshness.objects.bulk_create(
            list(rows.values()),
            update_conflicts=True,
            unique_fields=["symbol", "exchange"],
            update_fields=["source", "latest_candle_at", "last_seen_at", "degraded"],
        )
    except Exception:
        freshness_pacer.forget(due)
        raise


# --- single prediction -------------------------------------------------------------------------


def _item(
    *,
    loaded: LoadedModel,
    expected_return: float,
    degraded: bool,
) -> scoring.Outputs:
    return scoring.outputs_map(
        expected_return=expected_return,
        residual_std=loaded.residual_std,
        degraded=degraded,
        calibration=loaded.calibration,
    )


def _log_row(
    *,
    request_id: str,
    now: datetime,
    symbol: str,
    exchange: str,
    loaded: LoadedModel,
    outputs: scoring.Outputs,
    snapshot: MarketSnapshot,
    status: str,
    features: Mapping[str, Any],
    latency_ms: float,
    inference_ms: float,
    batch: bool = False,
) -> dict[str, Any]:
    """The ``PredictionLog`` values of one served prediction (single and batch alike)."""
    return {
        "request_id": request_id,
        "server_request_id": current_server_request_id() or "",
        "client": current_client() or "",
        "timestamp": now,
        "symbol": symbol,
        "exchange": exchange,
        "model_version": loaded.version,
        "prediction": outputs.prediction,
        "confidence": outputs.confidence,
        "probability_up": outputs.probability_up,
        "expected_return": outputs.expected_return,
        "latency_ms": latency_ms,
        "inference_latency_ms": inference_ms,
        "features": features,
        "degraded_input": status != "fresh",
        "input_data_status": status,
        "latest_candle_at": snapshot.latest_timestamp,
        "batch": batch,
    }


def prediction_make(
    *,
    symbol: str,
    exchange: str | None = None,
    version: str | None = None,
    request_id: str | None = None,
    started: float | None = None,
) -> dict[str, Any]:
    """Serve one prediction and record it; returns the ``GET /predict`` body (DESIGN 5).

    ``started`` is the ``time.perf_counter()`` value when the request began (defaults to now),
    so ``latency_ms`` covers the whole request as the view sees it.
    Errors: 422 bad symbol/exchange/stale (reject policy)/insufficient history; 404
    ``model_not_found``, ``no_active_model``, ``unknown_symbol``; 503 upstream unavailable
    without cached data, ``feature_schema_mismatch``, corrupt/missing artifacts.
    """
    t0 = time.perf_counter() if started is None else started
    symbol = symbol_normalize(symbol)
    exchange_resolved = _exchange_resolved(exchange_normalize(exchange))
    if version is not None:
        version = version_label_check(version)
    loaded = loaded_model_get(version=version)
    spec = _model_spec(loaded)
    snapshot = market_snapshot_get(symbol=symbol, exchange=exchange_resolved, rows=spec.rows)
    now = timezone.now()
    status = _input_status(snapshot, now)
    degraded = status != "fresh"

    t_inference = time.perf_counter()
    row = snapshot.feature_row(spec.volatility_window)
    expected_return = loaded.model.predict_one(row.values[spec.columns])
    inference_ms = (time.perf_counter() - t_inference) * 1000.0

    outputs = _item(loaded=loaded, expected_return=expected_return, degraded=degraded)
    features = row.shared_dict()  # never modified: logged as is, copied into the response
    request_id = request_id or current_request_id() or ""
    latency_before_write = (time.perf_counter() - t0) * 1000.0
    prediction_logs_insert(
        [
            _log_row(
                request_id=request_id,
                now=now,
                symbol=symbol,
                exchange=exchange_resolved,
                loaded=loaded,
                outputs=outputs,
                snapshot=snapshot,
                status=status,
                features=features,
                latency_ms=latency_before_write,
                inference_ms=inference_ms,
            )
        ]
    )
    metrics.predictions_observe(version=loaded.version, signals=(outputs.prediction,))
    _freshness_upsert([snapshot], exchange_resolved, now)
    return {
        "exchange": exchange_resolved,
        "symbol": symbol,
        "prediction": outputs.prediction,
        "confidence": outputs.confidence,
        "probability_up": outputs.probability_up,
        "probability_down": outputs.probability_down,
        "base_rate": outputs.base_rate,
        "risk_score": snapshot.risk_score,
        "expected_return": outputs.expected_return,
        "forecast_horizon": f"{loaded.horizon_days}d",
        "model_version": loaded.version,
        "degraded_input": degraded,
        "input_data_status": status,
        "inference_latency_ms": inference_ms,
        "timestamp": now.isoformat(),
        "request_id": request_id,
        "features": dict(features),
        "latency_ms": (time.perf_counter() - t0) * 1000.0,
    }


# --- batch -------------------------------------------------------------------------------------


def _error_item(symbol: str, error: AppError) -> dict[str, Any]:
    return {
        "symbol": symbol,
        "prediction": None,
        "confidence": None,
        "probability_up": None,
        "expected_return": None,
        "version": None,
        "degraded_input": None,
        "input_data_status": None,
        "error": {"code": error.code, "message": error.message},
    }


def _fetch_all(
    symbols: Sequence[str], exchange: str, rows: int
) -> dict[str, MarketSnapshot | AppError]:
    def fetch(symbol: str) -> MarketSnapshot | AppError:
        try:
            return market_snapshot_get(symbol=symbol, exchange=exchange, rows=rows)
        except AppError as exc:
            return exc

    if market_data_source().name == "http" and len(symbols) > 1:
        workers = min(BATCH_FETCH_WORKERS, len(symbols))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch-fetch") as pool:
            return dict(zip(symbols, pool.map(fetch, symbols), strict=True))
    return {symbol: fetch(symbol) for symbol in symbols}


def batch_symbols_normalize(symbols: Sequence[Any]) -> list[str | Any]:
    """Upper-case and de-duplicate (first occurrence wins), keeping the request's order.

    Invalid entries are kept as given so they get their own error item.
    """
    if not 1 <= len(symbols) <= settings.MAX_BATCH_SYMBOLS:
        raise ValidationFailed(
            f"symbols must hold 1..{settings.MAX_BATCH_SYMBOLS} entries",
            details={"symbols": [f"got {len(symbols)} entries, max {settings.MAX_BATCH_SYMBOLS}"]},
        )
    seen: set[str] = set()
    unique: list[Any] = []
    for raw in symbols:
        key = raw.strip().upper() if isinstance(raw, str) else repr(raw)
        if key not in seen:
            seen.add(key)
            unique.append(raw)
    return unique


def prediction_batch(
    *,
    symbols: Sequence[Any],
    exchange: str | None = None,
    request_id: str | None = None,
    started: float | None = None,
) -> list[dict[str, Any]]:
    """Predict many symbols with one matrix product; one item per unique symbol, in order.

    Duplicates (after upper-casing) are answered once, at their first position. A symbol that
    fails (invalid, unknown, insufficient history, stale under ``reject``, upstream down) gets
    an ``error`` item; the others are served. Model errors (no active model, corrupt artifact,
    schema mismatch) fail the whole request. Successful items are logged with one bulk INSERT.
    """
    t0 = time.perf_counter() if started is None else started
    unique = batch_symbols_normalize(symbols)
    metrics.batch_observe(symbols=len(unique))
    exchange_resolved = _exchange_resolved(exchange_normalize(exchange))
    loaded = loaded_model_get()
    spec = _model_spec(loaded)

    items: dict[int, dict[str, Any]] = {}
    valid: dict[int, str] = {}
    for position, raw in enumerate(unique):
        try:
            valid[position] = symbol_normalize(raw)
        except ValidationFailed as exc:
            label = raw if isinstance(raw, str) else str(raw)
            items[position] = _error_item(label, exc)

    fetched = _fetch_all(list(valid.values()), exchange_resolved, spec.rows)
    now = timezone.now()
    ready: list[tuple[int, str, MarketSnapshot, str]] = []
    for position, symbol in valid.items():
        result = fetched[symbol]
        if isinstance(result, AppError):
            items[position] = _error_item(symbol, result)
            continue
        try:
            status = _input_status(result, now)
        except AppError as exc:
            items[position] = _error_item(symbol, exc)
            continue
        ready.append((position, symbol, result, status))

    t_inference = time.perf_counter()
    feature_rows_fill([snapshot for _, _, snapshot, _ in ready], spec.volatility_window)
    resolved: list[tuple[int, str, MarketSnapshot, str, Any]] = []
    for position, symbol, snapshot, status in ready:
        try:
            row = snapshot.feature_row(spec.volatility_window)
        except AppError as exc:
            items[position] = _error_item(symbol, exc)
            continue
        resolved.append((position, symbol, snapshot, status, row))

    logs: list[dict[str, Any]] = []
    if resolved:
        matrix = np.stack([row.values for *_, row in resolved])[:, spec.columns]
        predicted = loaded.model.predict(matrix)
        inference_ms = (time.perf_counter() - t_inference) * 1000.0
        request_id = request_id or current_request_id() or ""
        latency_ms = (time.perf_counter() - t0) * 1000.0
        for (position, symbol, snapshot, status, row), value in zip(
            resolved, predicted, strict=True
        ):
            degraded = status != "fresh"
            outputs = _item(loaded=loaded, expected_return=float(value), degraded=degraded)
            items[position] = {
                "symbol": symbol,
                "prediction": outputs.prediction,
                "confidence": outputs.confidence,
                "probability_up": outputs.probability_up,
                "expected_return": outputs.expected_return,
                "version": loaded.version,
                "degraded_input": degraded,
                "input_data_status": status,
                "error": None,
            }
            logs.append(
                _log_row(
                    request_id=request_id,
                    now=now,
                    symbol=symbol,
                    exchange=exchange_resolved,
                    loaded=loaded,
                    outputs=outputs,
                    snapshot=snapshot,
                    status=status,
                    features=row.shared_dict(),
                    latency_ms=latency_ms,
                    inference_ms=inference_ms,
                    batch=True,
                )
            )
        prediction_logs_insert(logs)
        metrics.predictions_observe(
            version=loaded.version, signals=[log["prediction"] for log in logs]
        )
        _freshness_upsert([snapshot for _, _, snapshot, _, _ in resolved], exchange_resolved, now)
    return [items[position] for position in range(len(unique))]


# --- /features ------------------------------------------------------------------------------


def _json_number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def feature_window_get(
    *, symbol: str, lookback: int, exchange: str | None = None
) -> dict[str, Any]:
    """``GET /features``: the last ``lookback`` rows of the shared feature function.

    Features use the default volatility window (the one ``feature_schema_hash()`` describes);
    warm-up rows that are not fully defined yet have ``null`` values.
    """
    symbol = symbol_normalize(symbol)
    exchange_resolved = _exchange_resolved(exchange_normalize(exchange))
    if isinstance(lookback, bool) or not 1 <= int(lookback) <= settings.MAX_LOOKBACK:
        raise ValidationFailed(
            f"lookback must be between 1 and {settings.MAX_LOOKBACK}",
            details={"lookback": [f"must be between 1 and {settings.MAX_LOOKBACK}"]},
        )
    snapshot = market_snapshot_get(symbol=symbol, exchange=exchange_resolved, rows=history_rows())
    frame = core_features.compute_features(snapshot.series.candles).tail(int(lookback))
    names = core_features.FEATURE_NAMES
    values = frame[list(names)].to_numpy(dtype="float64")
    closes = frame["close"].to_numpy(dtype="float64")
    rows: list[dict[str, Any]] = []
    for stamp, close, vector in zip(frame["timestamp"], closes, values, strict=True):
        row: dict[str, Any] = {"timestamp": stamp.isoformat(), "close": _json_number(close)}
        for name, value in zip(names, vector, strict=True):
            row[name] = _json_number(value)
        rows.append(row)
    latest = snapshot.latest_timestamp
    now = timezone.now()
    limit = getattr(market_data_source(), "freshness_limit", None)
    stale = latest is not None and limit is not None and now - latest > limit
    return {
        "symbol": symbol,
        "window_used": len(rows),
        "upstream_latest_timestamp": latest.isoformat() if latest is not None else None,
        "degraded_input": bool(snapshot.degraded or stale),
        "features": rows,
    }
