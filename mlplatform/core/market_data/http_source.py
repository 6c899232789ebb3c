"""Client for the upstream market-data service, contract "schema 1.1" (DESIGN section 6).

Reliability rules, in the order a call meets them:

1. Input is checked locally (symbol pattern, known exchange, positive lookback) so a bad
   request never reaches the network.
2. A circuit breaker per exchange short-circuits calls while that exchange is failing; after
   ``breaker_reset_seconds`` a single probe request (no retries) decides whether it closes.
3. Each request has a timeout and goes through a pooled ``requests.Session``. Network errors,
   timeouts, HTTP 5xx/429 and the ``EXCHANGE_UNAVAILABLE``/``RATE_LIMITED`` error codes are
   retried ``retry_attempts`` times with exponential backoff and a little jitter.
4. Payloads are validated strictly: a JSON object with ``schema_version == "1.1"`` and candles
   that obey the candle rules; anything else is ``upstream_schema_mismatch`` (502).
5. When the upstream fails, the last good candles for ``(exchange, symbol)`` are served with
   ``degraded=True``; without them the failure is raised.
"""

from __future__ import annotations

import logging
import math
import random
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import requests
from requests.adapters import HTTPAdapter

from mlplatform.core.market_data.base import CANDLE_COLUMNS, CandleSeries, lookback_check
from mlplatform.core.market_data.validation import validate_candles
from mlplatform.core.symbols import EXCHANGES
from mlplatform.errors import (
    AppError,
    ExchangeUnavailable,
    InvalidMarketData,
    MarketDataError,
    UnknownSymbol,
    UpstreamRateLimited,
    UpstreamSchemaMismatch,
    ValidationFailed,
)

logger = logging.getLogger(__name__)

SCHEMA_VERSION = "1.1"
SUPPORTED_EXCHANGES: tuple[str, ...] = EXCHANGES
SYMBOL_PATTERN = re.compile(r"^[A-Z][A-Z0-9._-]{0,19}$")
#: Upstream error codes after which the same request may succeed a moment later.
RETRYABLE_ERROR_CODES = frozenset({"EXCHANGE_UNAVAILABLE", "RATE_LIMITED"})
#: Upstream answered but has no trustworthy data right now: serve the cache, do not retry.
DATA_GAP_ERROR_CODES = frozenset({"STALE_DATA", "PARTIAL_DATA"})
#: Epoch numbers at or above this are taken as milliseconds (1e11 s is the year 5138).
_EPOCH_MS_THRESHOLD = 1e11
_PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close")
_VALUE_COLUMNS: tuple[str, ...] = (*_PRICE_COLUMNS, "volume")

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Thread-safe closed/open/half-open breaker counting consecutive failed calls.

    ``threshold`` consecutive failures open it; while open every call is refused until
    ``reset_seconds`` have passed, then exactly one probe call is let through (half-open):
    its success closes the breaker, its failure opens it again for another period.
    """

    def __init__(
        self,
        *,
        threshold: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1:
            raise ValueError("breaker threshold must be >= 1")
        self.threshold = threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._state: BreakerState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        """Current state; an open breaker whose reset period has passed reports half-open."""
        with self._lock:
            if self._state == "open" and self._clock() - self._opened_at >= self.reset_seconds:
                return "half_open"
            return self._state

    @property
    def consecutive_failures(self) -> int:
        with self._lock:
            return self._failures

    def retry_after(self) -> float:
        """Seconds until an open breaker lets a probe through (0 when not open)."""
        with self._lock:
            if self._state != "open":
                return 0.0
            return max(0.0, self.reset_seconds - (self._clock() - self._opened_at))

    def try_acquire(self) -> BreakerState | None:
        """Admit a call: returns the state it was admitted in, or None when refused.

        A call admitted in ``"half_open"`` is the single probe and must report its outcome.
        """
        with self._lock:
            if self._state == "open":
                if self._clock() - self._opened_at < self.reset_seconds:
                    return None
                self._state = "half_open"
                self._probe_in_flight = False
            if self._state == "half_open":
                if self._probe_in_flight:
                    return None
                self._probe_in_flight = True
                return "half_open"
            return "closed"

    def record_success(self) -> None:
        with self._lock:
            self._state = "closed"
            self._failures = 0
            self._probe_in_flight = False

    def record_failure(self) -> None:
        with self._lock:
            self._probe_in_flight = False
            self._failures += 1
            if self._state == "half_open" or self._failures >= self.threshold:
                self._state = "open"
                self._opened_at = self._clock()


@dataclass
class _Failure:
    """How one attempt failed, and what that means for retries and the breaker."""

    error: AppError
    retryable: bool
    #: Counts against the exchange's availability (network, 5xx, unavailable, rate limited).
    breaker_failure: bool
    retry_after: float | None = None


class HttpSource:
    """``MarketDataSource`` backed by the upstream market-data service (schema 1.1).

    ``retry_attempts`` is the number of retries after the first try (0 disables retries).
    ``sleep`` and ``clock`` are injectable so tests run without real waiting.
    Safe to share between threads.
    """

    name = "http"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 5.0,
        retry_attempts: int = 3,
        backoff_base: float = 0.2,
        breaker_threshold: int = 5,
        breaker_reset_seconds: float = 30.0,
        freshness_limit: timedelta = timedelta(days=4),
        default_exchange: str = "NASDAQ",
        session: requests.Session | None = None,
        max_backoff: float = 2.0,
        pool_maxsize: int = 16,
        cache_size: int = 256,
        cache_max_rows: int = 5000,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required")
        if retry_attempts < 0:
            raise ValueError("retry_attempts must be >= 0")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry_attempts = retry_attempts
        self.backoff_base = backoff_base
        self.max_backoff = max_backoff
        self.breaker_threshold = breaker_threshold
        self.breaker_reset_seconds = breaker_reset_seconds
        self.freshness_limit = freshness_limit
        self.default_exchange = self._check_exchange(default_exchange)
        self.cache_size = cache_size
        self.cache_max_rows = cache_max_rows
        self._sleep = sleep
        self._clock = clock
        self._owns_session = session is None
        self._session = session if session is not None else _pooled_session(pool_maxsize)
        self._lock = threading.Lock()
        self._breakers: dict[str, CircuitBreaker] = {}
        self._cache: OrderedDict[tuple[str, str], pd.DataFrame] = OrderedDict()
        self._last_seen: datetime | None = None

    # -- public API -------------------------------------------------------------------------

    @property
    def last_seen(self) -> datetime | None:
        """When the upstream last answered with a valid payload (UTC), for freshness checks."""
        return self._last_seen

    def get_candles(
        self, symbol: str, *, exchange: str | None = None, lookback: int | None = None
    ) -> CandleSeries:
        """Daily candles for ``symbol``: the latest ``lookback`` rows, or all the upstream sent.

        Falls back to the last good candles (``degraded=True``) when the upstream fails.
        """
        symbol = _check_symbol(symbol)
        exchange = self._check_exchange(exchange or self.default_exchange)
        lookback_check(lookback)
        params: dict[str, str] = {"symbol": symbol, "exchange": exchange, "interval": "1d"}
        if lookback is not None:
            # Calendar-day window roomy enough for ``lookback`` sessions plus holidays.
            start = datetime.now(UTC).date() - timedelta(days=lookback * 2 + 30)
            params["start"] = start.isoformat()
        try:
            payload = self._fetch("/historical", params, exchange=exchange, symbol=symbol)
            frame = _parse_candle_payload(payload, symbol=symbol, exchange=exchange)
        except (ValidationFailed, UnknownSymbol):
            raise
        except MarketDataError as exc:
            return self._serve_cached(symbol, exchange, lookback, exc)
        self._mark_seen()
        self._cache_put((exchange, symbol), frame)
        notes: list[str] = []
        data_source = payload.get("data_source")
        exchange_status = payload.get("exchange_status")
        degraded = data_source == "cache" or exchange_status == "degraded"
        if degraded:
            notes.append(
                f"upstream reported data_source={data_source!r}, "
                f"exchange_status={exchange_status!r}"
            )
        if lookback is not None:
            frame = frame.tail(lookback).reset_index(drop=True)
        return CandleSeries(
            symbol=symbol,
            exchange=exchange,
            candles=frame,
            source=self.name,
            degraded=degraded,
            notes=notes,
        )

    def list_symbols(self) -> list[str]:
        """The upstream cannot be enumerated cheaply, so this source lists nothing."""
        return []

    def market_status(self, exchange: str | None = None) -> dict[str, Any]:
        """The upstream's ``/market-status`` payload for ``exchange`` (schema checked)."""
        exchange = self._check_exchange(exchange or self.default_exchange)
        payload = self._fetch("/market-status", {"exchange": exchange}, exchange=exchange)
        self._mark_seen()
        return payload

    def quote(self, symbol: str, exchange: str | None = None) -> dict[str, Any]:
        """The upstream's ``/quote`` payload for ``symbol`` (schema checked)."""
        symbol = _check_symbol(symbol)
        exchange = self._check_exchange(exchange or self.default_exchange)
        payload = self._fetch(
            "/quote", {"symbol": symbol, "exchange": exchange}, exchange=exchange, symbol=symbol
        )
        self._mark_seen()
        return payload

    def breaker_state(self, exchange: str) -> BreakerState:
        """State of the circuit breaker of ``exchange`` (for readiness and monitoring)."""
        return self._breaker(self._check_exchange(exchange)).state

    def close(self) -> None:
        """Release pooled connections (only of a session this source created)."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transport ----------------------------------------------------------------------------

    def _fetch(
        self, path: str, params: dict[str, str], *, exchange: str, symbol: str | None = None
    ) -> dict[str, Any]:
        """GET ``path`` through the breaker and the retry loop; return a schema-1.1 ok payload."""
        breaker = self._breaker(exchange)
        admitted = breaker.try_acquire()
        if admitted is None:
            retry_after = round(breaker.retry_after(), 3)
            raise ExchangeUnavailable(
                f"circuit breaker open for exchange {exchange}; not calling the upstream",
                details={
                    "reason": "circuit_open",
                    "exchange": exchange,
                    "symbol": symbol,
                    "retry_after_seconds": retry_after,
                },
            )
        # The half-open probe gets one attempt: it only has to tell whether the upstream is back.
        attempts = 1 if admitted == "half_open" else self.retry_attempts + 1
        url = self.base_url + path
        failure: _Failure | None = None
        try:
            for attempt in range(attempts):
                if failure is not None:
                    delay = self._backoff(attempt, failure.retry_after)
                    logger.warning(
                        "upstream %s %s attempt %d failed (%s); retrying in %.3fs",
                        path,
                        exchange,
                        attempt,
                        failure.error.code,
                        delay,
                    )
                    self._sleep(delay)
                outcome = self._attempt(url, params, exchange=exchange, symbol=symbol)
                if isinstance(outcome, dict):
                    breaker.record_success()
                    return outcome
                failure = outcome
                if not failure.retryable:
                    break
        except BaseException:
            breaker.record_failure()
            raise
        assert failure is not None
        if failure.breaker_failure:
            breaker.record_failure()
        else:
            breaker.record_success()
        if isinstance(failure.error.details, dict):
            failure.error.details.setdefault("attempts", attempt + 1)
        raise failure.error

    def _attempt(
        self, url: str, params: dict[str, str], *, exchange: str, symbol: str | None
    ) -> dict[str, Any] | _Failure:
        context = {"exchange": exchange, "symbol": symbol}
        try:
            response = self._session.get(
                url, params=params, timeout=self.timeout, headers={"Accept": "application/json"}
            )
        except requests.Timeout as exc:
            return _Failure(
                ExchangeUnavailable(
                    f"upstream timed out after {self.timeout}s",
                    details={**context, "reason": "timeout", "error": type(exc).__name__},
                ),
                retryable=True,
                breaker_failure=True,
            )
        except requests.RequestException as exc:
            return _Failure(
                ExchangeUnavailable(
                    "upstream unreachable",
                    details={**context, "reason": "network_error", "error": type(exc).__name__},
                ),
                retryable=True,
                breaker_failure=True,
            )
        return _classify_response(response, context)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        delay = min(self.max_backoff, self.backoff_base * 2 ** (attempt - 1))
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_backoff))
        return delay + random.uniform(0.0, delay * 0.1)

    # -- state ---------------------------------------------------------------------------------

    def _breaker(self, exchange: str) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(exchange)
            if breaker is None:
                breaker = CircuitBreaker(
                    threshold=self.breaker_threshold,
                    reset_seconds=self.breaker_reset_seconds,
                    clock=self._clock,
                )
                self._breakers[exchange] = breaker
            return breaker

    def _mark_seen(self) -> None:
        self._last_seen = datetime.now(UTC)

    def _cache_put(self, key: tuple[str, str], frame: pd.DataFrame) -> None:
        """Merge ``frame`` into the cached candles of ``key`` (newest values win per timestamp)."""
        with self._lock:
            previous = self._cache.get(key)
            if previous is not None and not previous.empty and not frame.empty:
                merged = pd.concat([previous, frame], ignore_index=True)
                merged = merged.drop_duplicates("timestamp", keep="last")
                frame = merged.sort_values("timestamp", kind="stable").reset_index(drop=True)
            self._cache[key] = frame.tail(self.cache_max_rows).reset_index(drop=True)
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def _serve_cached(
        self, symbol: str, exchange: str, lookback: int | None, error: MarketDataError
    ) -> CandleSeries:
        with self._lock:
            cached = self._cache.get((exchange, symbol))
        if cached is None:
            raise error
        logger.warning(
            "serving cached candles for %s:%s after upstream failure %s: %s",
            exchange,
            symbol,
            error.code,
            error.message,
        )
        frame = cached if lookback is None else cached.tail(lookback)
        reason = error.code
        if isinstance(error.details, dict) and error.details.get("upstream_error_code"):
            reason = f"{reason} (upstream {error.details['upstream_error_code']})"
        return CandleSeries(
            symbol=symbol,
            exchange=exchange,
            candles=frame.reset_index(drop=True),
            source=self.name,
            degraded=True,
            notes=[f"served from cache after upstream failure: {reason}: {error.message}"],
        )

    @staticmethod
    def _check_exchange(exchange: str) -> str:
        normalized = str(exchange).strip().upper()
        if normalized not in SUPPORTED_EXCHANGES:
            raise ValidationFailed(
                f"unknown exchange {exchange!r}; expected one of {', '.join(SUPPORTED_EXCHANGES)}",
                details={"exchange": exchange},
            )
        return normalized


def _pooled_session(pool_maxsize: int) -> requests.Session:
    session = requests.Session()
    # Retries are ours (with backoff and breaker accounting), so urllib3 must not add its own.
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_maxsize, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _check_symbol(symbol: str) -> str:
    normalized = str(symbol).strip().upper()
    if not SYMBOL_PATTERN.match(normalized):
        raise ValidationFailed(
            f"invalid symbol {symbol!r}: must match {SYMBOL_PATTERN.pattern}",
            details={"symbol": symbol},
        )
    return normalized


def _mismatch(reason: str, context: dict[str, Any], **extra: Any) -> UpstreamSchemaMismatch:
    return UpstreamSchemaMismatch(
        f"upstream payload rejected: {reason}", details={**context, "reason": reason, **extra}
    )


def _retry_after_header(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _classify_response(
    response: requests.Response, context: dict[str, Any]
) -> dict[str, Any] | _Failure:
    """Turn one HTTP response into an ok payload or a classified failure."""
    status = response.status_code
    try:
        payload: Any = response.json()
    except ValueError:
        payload = None
    is_contract_payload = (
        isinstance(payload, dict) and payload.get("schema_version") == SCHEMA_VERSION
    )

    if is_contract_payload and (payload.get("status") == "error" or status >= 400):
        return _classify_error_payload(payload, status, context, response)
    if status == 429:
        return _Failure(
            UpstreamRateLimited(
                "upstream rate limit exceeded", details={**context, "http_status": status}
            ),
            retryable=True,
            breaker_failure=True,
            retry_after=_retry_after_header(response),
        )
    if status >= 500:
        return _Failure(
            ExchangeUnavailable(
                f"upstream answered HTTP {status}", details={**context, "http_status": status}
            ),
            retryable=True,
            breaker_failure=True,
        )
    if status >= 400:
        return _Failure(
            _mismatch(f"unexpected HTTP {status} without a schema {SCHEMA_VERSION} body", context),
            retryable=False,
            breaker_failure=False,
        )
    if payload is None:
        return _Failure(_mismatch("body is not valid JSON", context), False, False)
    if not isinstance(payload, dict):
        return _Failure(_mismatch("body is not a JSON object", context), False, False)
    if payload.get("schema_version") != SCHEMA_VERSION:
        return _Failure(
            _mismatch(
                f"schema_version {payload.get('schema_version')!r} != {SCHEMA_VERSION!r}",
                context,
                schema_version=payload.get("schema_version"),
            ),
            retryable=False,
            breaker_failure=False,
        )
    if payload.get("status") != "ok":
        return _Failure(
            _mismatch(f"status {payload.get('status')!r} is not 'ok'", context), False, False
        )
    return payload


def _classify_error_payload(
    payload: dict[str, Any], status: int, context: dict[str, Any], response: requests.Response
) -> _Failure:
    error_code = payload.get("error_code")
    message = str(payload.get("message") or error_code or f"HTTP {status}")
    details = {
        **context,
        "upstream_error_code": error_code,
        "upstream_message": message,
        "http_status": status,
    }
    if error_code == "EXCHANGE_UNAVAILABLE":
        return _Failure(ExchangeUnavailable(message, details=details), True, True)
    if error_code == "RATE_LIMITED":
        return _Failure(
            UpstreamRateLimited(message, details=details),
            retryable=True,
            breaker_failure=True,
            retry_after=_retry_after_header(response),
        )
    if error_code == "INVALID_INPUT":
        if status == 404 or "unknown symbol" in message.lower():
            return _Failure(UnknownSymbol(message, details=details), False, False)
        return _Failure(ValidationFailed(message, details=details), False, False)
    if error_code == "SCHEMA_MISMATCH":
        return _Failure(UpstreamSchemaMismatch(message, details=details), False, False)
    if error_code in DATA_GAP_ERROR_CODES:
        return _Failure(
            ExchangeUnavailable(f"upstream has no usable data: {message}", details=details),
            retryable=False,
            breaker_failure=False,
        )
    # An error code outside the contract: trust the HTTP status for transient errors.
    if status == 429 or status >= 500:
        return _Failure(ExchangeUnavailable(message, details=details), True, True)
    return _Failure(
        _mismatch(f"unknown error_code {error_code!r}", context, http_status=status), False, False
    )


def _parse_timestamp(value: Any) -> datetime:
    """ISO 8601 with ``Z``/offset, a bare ``YYYY-MM-DD`` (UTC midnight), or epoch s/ms -> UTC."""
    if isinstance(value, bool):
        raise TypeError("boolean is not a timestamp")
    if isinstance(value, (int, float)):
        seconds = float(value)
        if not math.isfinite(seconds):
            raise ValueError("non-finite epoch")
        if abs(seconds) >= _EPOCH_MS_THRESHOLD:
            seconds /= 1000.0
        return datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            raise ValueError("timestamp without a UTC offset is ambiguous")
        return parsed.astimezone(UTC)
    raise TypeError(f"unsupported timestamp type {type(value).__name__}")


def _parse_candle_payload(payload: dict[str, Any], *, symbol: str, exchange: str) -> pd.DataFrame:
    """Validate a schema-1.1 candle payload and return a candle frame (see ``CANDLE_COLUMNS``)."""
    context = {"exchange": exchange, "symbol": symbol}
    for field_name, expected in (("symbol", symbol), ("exchange", exchange), ("interval", "1d")):
        got = payload.get(field_name)
        if got is not None and str(got).upper() != expected.upper():
            raise _mismatch(
                f"{field_name} {got!r} does not match the request ({expected!r})", context
            )
    raw = payload.get("candles")
    if not isinstance(raw, list):
        raise _mismatch("'candles' is missing or not a list", context)

    count = len(raw)
    stamps: list[datetime] = []
    values = {column: np.empty(count, dtype="float64") for column in _VALUE_COLUMNS}
    for row, item in enumerate(raw):
        if not isinstance(item, dict):
            raise _mismatch(f"candle {row} is not an object", context, row=row)
        try:
            stamps.append(_parse_timestamp(item.get("timestamp")))
        except (TypeError, ValueError, OverflowError, OSError) as exc:
            raise _mismatch(
                f"candle {row} has an invalid timestamp {item.get('timestamp')!r} ({exc})",
                context,
                row=row,
            ) from exc
        for column in _VALUE_COLUMNS:
            value = item.get(column)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _mismatch(f"candle {row} field {column!r} is not a number", context, row=row)
            try:
                values[column][row] = float(value)
            except OverflowError as exc:
                raise _mismatch(
                    f"candle {row} field {column!r} overflows", context, row=row
                ) from exc

    index = (
        pd.DatetimeIndex(stamps, tz="UTC").as_unit("ns")
        if stamps
        else pd.DatetimeIndex([], dtype="datetime64[ns, UTC]")
    )
    frame = pd.DataFrame({"timestamp": index, **values}, columns=list(CANDLE_COLUMNS))
    origin = f"upstream {exchange}:{symbol}"
    try:
        checked, dropped = validate_candles(frame, origin=origin)
    except InvalidMarketData as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        raise _mismatch(
            exc.message, context, row=details.get("row"), rule=details.get("rule")
        ) from exc
    if dropped:
        # The shared validator's repair rule (drop repeated rows) is for local files only.
        raise _mismatch(f"{origin}: {dropped} repeated candle(s)", context, dropped=dropped)
    return checked
