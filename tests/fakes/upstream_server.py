"""A real HTTP server speaking the upstream market-data contract "schema 1.1" (DESIGN section 6).

Runs ``ThreadingHTTPServer`` in a background thread on 127.0.0.1 (port 0 by default) and serves
deterministic candles (a seeded random walk per exchange and symbol) for NSE, BSE and NASDAQ.
Faults are injected from Python, thread-safely::

    server = start_upstream_server()
    server.faults.queue("503", n=3)              # the next 3 requests answer 503
    server.faults.always("503")                  # permanent outage until clear()
    server.faults.probability("503", 0.3, seed=1)  # 30 % of requests, reproducibly
    server.faults.queue("slow", delay=0.5, path="/historical", exchange="NSE")
    server.request_count("/historical")          # requests that reached the server
    server.stop()

As a script, for manual runs and benchmarks::

    python -m tests.fakes.upstream_server --port 8765 [--fault 503:0.3] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import threading
import time
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import numpy as np

SCHEMA_VERSION = "1.1"
EXCHANGES: tuple[str, ...] = ("NSE", "BSE", "NASDAQ")
ENDPOINTS: tuple[str, ...] = (
    "/historical",
    "/intraday",
    "/quote",
    "/fundamentals",
    "/company",
    "/market-status",
)
#: Symbols the server answers with 404 INVALID_INPUT "unknown symbol" without any fault.
DEFAULT_UNKNOWN_SYMBOLS = frozenset({"UNKNOWN", "NOSUCH"})
#: First day of every generated history; candles up to the last weekday before "today".
HISTORY_START = date(2018, 1, 1)

#: Fault modes and what the server does for them.
FAULT_MODES: dict[str, str] = {
    "503": "HTTP 503 with error_code EXCHANGE_UNAVAILABLE",
    "500": "HTTP 500 with a plain-text (non-JSON) body",
    "drop": "close the connection without any response (network error)",
    "slow": "sleep `delay` seconds (default 1.0) before answering normally",
    "429": "HTTP 429 with error_code RATE_LIMITED and Retry-After: 0",
    "schema_version": 'a normal payload but schema_version "1.0"',
    "malformed_json": "HTTP 200 with a truncated JSON body",
    "non_monotonic": "two candles swapped (timestamps not ascending)",
    "duplicate_timestamp": "one candle repeats the previous timestamp with other values",
    "nan_price": "one close is NaN (emitted as the JSON literal NaN)",
    "negative_price": "one candle has negative open and low",
    "negative_volume": "one candle has volume -1",
    "ohlc_violation": "one candle has high below its close",
    "missing_field": "one candle lacks its volume",
    "naive_timestamp": "timestamps without a UTC offset",
    "cache_source": 'data_source "cache"',
    "degraded_status": 'exchange_status "degraded"',
    "offset_timestamps": "valid candles with +05:30 offsets instead of Z",
    "epoch_timestamps": "valid candles with epoch-second timestamps",
    "unknown_symbol": "HTTP 404 with error_code INVALID_INPUT 'unknown symbol'",
    "invalid_input": "HTTP 422 with error_code INVALID_INPUT",
    "schema_mismatch": "HTTP 502 with error_code SCHEMA_MISMATCH",
    "stale": "HTTP 503 with error_code STALE_DATA",
    "partial": "HTTP 503 with error_code PARTIAL_DATA",
}


@dataclass(frozen=True)
class Fault:
    """One fault: its mode and optional scope (endpoint path and/or exchange)."""

    mode: str
    path: str | None = None
    exchange: str | None = None
    delay: float = 1.0

    def matches(self, path: str, exchange: str | None) -> bool:
        return (self.path is None or self.path == path) and (
            self.exchange is None or self.exchange == exchange
        )


class FaultInjector:
    """Thread-safe fault schedule consulted once per request.

    Precedence: queued faults (first matching, consumed) > permanent ones > probabilistic ones.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: list[Fault] = []
        self._permanent: list[Fault] = []
        self._random: list[tuple[Fault, float, random.Random]] = []
        self.injected: dict[str, int] = {}

    def queue(
        self,
        mode: str,
        n: int = 1,
        *,
        path: str | None = None,
        exchange: str | None = None,
        delay: float = 1.0,
    ) -> None:
        """Answer the next ``n`` matching requests with ``mode``."""
        fault = self._make(mode, path, exchange, delay)
        with self._lock:
            self._queued.extend([fault] * n)

    def always(
        self,
        mode: str,
        *,
        path: str | None = None,
        exchange: str | None = None,
        delay: float = 1.0,
    ) -> None:
        """Answer every matching request with ``mode`` until :meth:`clear`."""
        fault = self._make(mode, path, exchange, delay)
        with self._lock:
            self._permanent.append(fault)

    def outage(self, *, exchange: str | None = None) -> None:
        """Permanent outage (HTTP 503 EXCHANGE_UNAVAILABLE), optionally of one exchange."""
        self.always("503", exchange=exchange)

    def probability(
        self,
        mode: str,
        p: float,
        *,
        seed: int = 0,
        path: str | None = None,
        exchange: str | None = None,
        delay: float = 1.0,
    ) -> None:
        """Answer each matching request with ``mode`` with probability ``p`` (seeded RNG)."""
        if not 0.0 <= p <= 1.0:
            raise ValueError("p must be within [0, 1]")
        fault = self._make(mode, path, exchange, delay)
        with self._lock:
            self._random.append((fault, p, random.Random(seed)))

    def clear(self) -> None:
        """Remove every scheduled fault (counters are kept)."""
        with self._lock:
            self._queued.clear()
            self._permanent.clear()
            self._random.clear()

    def pending(self) -> int:
        """Queued faults not yet consumed."""
        with self._lock:
            return len(self._queued)

    def pick(self, path: str, exchange: str | None) -> Fault | None:
        """The fault for this request, if any (consumes a queued one)."""
        with self._lock:
            chosen: Fault | None = None
            for index, fault in enumerate(self._queued):
                if fault.matches(path, exchange):
                    chosen = self._queued.pop(index)
                    break
            if chosen is None:
                chosen = next((f for f in self._permanent if f.matches(path, exchange)), None)
            if chosen is None:
                for fault, p, rng in self._random:
                    if fault.matches(path, exchange) and rng.random() < p:
                        chosen = fault
                        break
            if chosen is not None:
                self.injected[chosen.mode] = self.injected.get(chosen.mode, 0) + 1
            return chosen

    @staticmethod
    def _make(mode: str, path: str | None, exchange: str | None, delay: float) -> Fault:
        if mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}; known: {', '.join(FAULT_MODES)}")
        if path is not None and path not in ENDPOINTS:
            raise ValueError(f"unknown path {path!r}")
        return Fault(mode=mode, path=path, exchange=exchange, delay=delay)


@dataclass(frozen=True)
class RequestRecord:
    path: str
    params: dict[str, str]
    client: tuple[str, int]
    fault: str | None


def _business_days(start: date, end: date) -> list[date]:
    days = np.arange(np.datetime64(start), np.datetime64(end) + np.timedelta64(1, "D"))
    weekdays = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    return [d.astype(date) for d in days[weekdays < 5]]


def generate_daily_candles(
    exchange: str, symbol: str, *, seed: int = 7, today: date | None = None
) -> list[dict[str, Any]]:
    """Deterministic daily candles from ``HISTORY_START`` up to the last weekday before ``today``.

    The walk starts on a fixed date, so a given (seed, exchange, symbol, day) always has the
    same candle whatever ``today`` is.
    """
    today = today or datetime.now(UTC).date()
    days = _business_days(HISTORY_START, today - timedelta(days=1))
    rng = np.random.default_rng([seed, zlib.crc32(f"{exchange}:{symbol}".encode())])
    n = len(days)
    start_price = 20.0 + rng.random() * 180.0
    closes = start_price * np.exp(np.cumsum(rng.normal(0.0003, 0.015, n)))
    opens = np.concatenate(([start_price], closes[:-1])) * np.exp(rng.normal(0.0, 0.004, n))
    highs = np.maximum(opens, closes) * (1.0 + np.abs(rng.normal(0.0, 0.006, n)))
    lows = np.minimum(opens, closes) * (1.0 - np.abs(rng.normal(0.0, 0.006, n)))
    volumes = rng.integers(100_000, 5_000_000, n)
    return [
        {
            "timestamp": f"{day.isoformat()}T00:00:00Z",
            "open": round(float(o), 4),
            "high": round(float(h), 4),
            "low": round(float(lo), 4),
            "close": round(float(c), 4),
            "volume": int(v),
        }
        for day, o, h, lo, c, v in zip(days, opens, highs, lows, closes, volumes, strict=True)
    ]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so client connection pooling is observable
    server: _Server
    timeout = 10  # idle keep-alive connections end instead of pinning a thread forever

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.upstream.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        upstream = self.server.upstream
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        params = {key: values[-1] for key, values in parse_qs(split.query).items()}
        exchange = params.get("exchange", "").upper() or None
        fault = upstream.faults.pick(path, exchange) if path in ENDPOINTS else None
        upstream.record(
            RequestRecord(path, params, self.client_address[:2], fault.mode if fault else None)
        )
        try:
            self._respond(path, params, exchange, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout fired during a "slow" fault)

    def _respond(
        self, path: str, params: dict[str, str], exchange: str | None, fault: Fault | None
    ) -> None:
        upstream = self.server.upstream
        mode = fault.mode if fault else None
        if fault is not None and mode == "slow":
            if upstream.stopping.wait(fault.delay):
                return
        if mode == "drop":
            self.close_connection = True
            return
        if mode == "500":
            self._send(500, b"Internal Server Error", content_type="text/plain")
            return
        if mode == "malformed_json":
            self._send(200, b'{"schema_version": "1.1", "status": "ok", "candles": [{"timest')
            return
        error = _FAULT_ERRORS.get(mode or "")
        if error is not None:
            status, code, message = error
            headers = {"Retry-After": "0"} if status == 429 else {}
            self._error(status, code, message, exchange, headers=headers)
            return
        if path not in ENDPOINTS:
            self._error(404, "INVALID_INPUT", f"no such endpoint {path}", exchange)
            return
        if exchange not in EXCHANGES:
            self._error(422, "INVALID_INPUT", f"unknown exchange {exchange!r}", exchange)
            return
        symbol = params.get("symbol", "").upper()
        if path != "/market-status":
            if not symbol:
                self._error(422, "INVALID_INPUT", "symbol is required", exchange)
                return
            if symbol in upstream.unknown_symbols:
                self._error(404, "INVALID_INPUT", f"unknown symbol {symbol}", exchange)
                return
        try:
            payload = upstream.build_payload(path, params, exchange, symbol)
        except ValueError as exc:
            self._error(422, "INVALID_INPUT", str(exc), exchange)
            return
        if path == "/historical" and mode is not None:
            _corrupt(payload, mode)
        if mode == "schema_version":
            payload["schema_version"] = "1.0"
        elif mode == "cache_source":
            payload["data_source"] = "cache"
        elif mode == "degraded_status":
            payload["exchange_status"] = "degraded"
        self._send(200, json.dumps(payload).encode())  # allow_nan: NaN faults emit NaN

    def _error(
        self,
        status: int,
        code: str,
        message: str,
        exchange: str | None,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        body = {
            "schema_version": SCHEMA_VERSION,
            "status": "error",
            "error_code": code,
            "message": message,
            "exchange": exchange,
        }
        self._send(status, json.dumps(body).encode(), headers=headers)

    def _send(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


_FAULT_ERRORS: dict[str, tuple[int, str, str]] = {
    "503": (503, "EXCHANGE_UNAVAILABLE", "exchange feed unavailable"),
    "429": (429, "RATE_LIMITED", "too many requests"),
    "unknown_symbol": (404, "INVALID_INPUT", "unknown symbol"),
    "invalid_input": (422, "INVALID_INPUT", "invalid parameter"),
    "schema_mismatch": (502, "SCHEMA_MISMATCH", "request schema not supported"),
    "stale": (503, "STALE_DATA", "latest candles are stale"),
    "partial": (503, "PARTIAL_DATA", "candles are incomplete"),
}


def _corrupt(payload: dict[str, Any], mode: str) -> None:
    """Apply a candle-level fault in place (needs at least 3 candles to act on)."""
    candles: list[dict[str, Any]] = payload["candles"]
    if len(candles) < 3:
        return
    middle = len(candles) // 2
    target = candles[middle]
    if mode == "non_monotonic":
        candles[middle], candles[middle + 1] = candles[middle + 1], candles[middle]
    elif mode == "duplicate_timestamp":
        target["timestamp"] = candles[middle - 1]["timestamp"]
    elif mode == "nan_price":
        target["close"] = math.nan
    elif mode == "negative_price":
        target["open"] = -abs(target["open"])
        target["low"] = -abs(target["low"]) - 1.0
    elif mode == "negative_volume":
        target["volume"] = -1
    elif mode == "ohlc_violation":
        target["high"] = target["close"] * 0.5
    elif mode == "missing_field":
        del target["volume"]
    elif mode == "naive_timestamp":
        for candle in candles:
            candle["timestamp"] = candle["timestamp"].replace("T00:00:00Z", "T00:00:00")
    elif mode == "offset_timestamps":
        for candle in candles:
            day = candle["timestamp"][:10]
            candle["timestamp"] = f"{day}T05:30:00+05:30"
    elif mode == "epoch_timestamps":
        for candle in candles:
            moment = datetime.fromisoformat(candle["timestamp"])
            candle["timestamp"] = int(moment.timestamp())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for idle keep-alive connections
    upstream: UpstreamServer


class UpstreamServer:
    """The running fake upstream: ``url``, ``faults``, request counters, ``stop()``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 7,
        unknown_symbols: frozenset[str] = DEFAULT_UNKNOWN_SYMBOLS,
        verbose: bool = False,
        history: int = 200,
    ) -> None:
        self.seed = seed
        self.verbose = verbose
        self.unknown_symbols = set(unknown_symbols)
        self.faults = FaultInjector()
        self.stopping = threading.Event()
        self._history_cache: dict[tuple[str, str, date], list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._log: deque[RequestRecord] = deque(maxlen=history)
        self._counts: dict[str, int] = {}
        self._httpd = _Server((host, port), _Handler)
        self._httpd.upstream = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (interrupts "slow" faults)."""
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- counters ------------------------------------------------------------------------------

    def record(self, request: RequestRecord) -> None:
        with self._lock:
            self._log.append(request)
            self._counts[request.path] = self._counts.get(request.path, 0) + 1

    def request_count(self, path: str | None = None) -> int:
        """Requests that reached the server, for one path or in total."""
        with self._lock:
            if path is None:
                return sum(self._counts.values())
            return self._counts.get(path, 0)

    def requests(self) -> list[RequestRecord]:
        """The most recent requests (bounded log), oldest first."""
        with self._lock:
            return list(self._log)

    def reset_counts(self) -> None:
        with self._lock:
            self._log.clear()
            self._counts.clear()
        self.faults.injected.clear()

    # -- payloads ------------------------------------------------------------------------------

    def daily_candles(self, exchange: str, symbol: str) -> list[dict[str, Any]]:
        """The full deterministic daily history (copies, safe to mutate)."""
        today = datetime.now(UTC).date()
        key = (exchange, symbol, today)
        with self._lock:
            candles = self._history_cache.get(key)
        if candles is None:
            candles = generate_daily_candles(exchange, symbol, seed=self.seed, today=today)
            with self._lock:
                self._history_cache[key] = candles
        return [dict(candle) for candle in candles]

    def build_payload(
        self, path: str, params: dict[str, str], exchange: str, symbol: str
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        base: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "status": "ok",
            "exchange": exchange,
            "data_source": "live",
            "exchange_status": "normal",
        }
        if path == "/market-status":
            is_open = now.weekday() < 5
            return {
                **base,
                "market_status": "open" if is_open else "closed",
                "timestamp": now.isoformat(),
            }
        base["symbol"] = symbol
        candles = self.daily_candles(exchange, symbol)
        last = candles[-1]
        if path == "/historical":
            interval = params.get("interval", "1d")
            if interval != "1d":
                raise ValueError(f"unsupported interval {interval!r} (only 1d)")
            start = _parse_day(params.get("start"), "start")
            end = _parse_day(params.get("end"), "end")
            selected = [
                c
                for c in candles
                if (start is None or c["timestamp"][:10] >= start.isoformat())
                and (end is None or c["timestamp"][:10] <= end.isoformat())
            ]
            return {**base, "interval": "1d", "candles": selected}
        if path == "/intraday":
            return {**base, "interval": "5m", "candles": _intraday(last)}
        if path == "/quote":
            previous = candles[-2]["close"]
            return {
                **base,
                "price": last["close"],
                "change": round(last["close"] - previous, 4),
                "change_percent": round((last["close"] / previous - 1.0) * 100.0, 4),
                "volume": last["volume"],
                "timestamp": last["timestamp"],
            }
        if path == "/fundamentals":
            seed = zlib.crc32(f"{self.seed}:{exchange}:{symbol}".encode())
            rng = random.Random(seed)
            return {
                **base,
                "pe_ratio": round(rng.uniform(5, 60), 2),
                "eps": round(last["close"] / rng.uniform(5, 60), 2),
                "market_cap": int(last["close"] * rng.randint(10_000_000, 5_000_000_000)),
                "dividend_yield": round(rng.uniform(0, 0.05), 4),
            }
        return {
            **base,
            "name": f"{symbol.title()} Holdings",
            "sector": ("Technology", "Financials", "Energy", "Health Care")[
                zlib.crc32(symbol.encode()) % 4
            ],
            "currency": "USD" if exchange == "NASDAQ" else "INR",
        }


def _parse_day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ValueError(f"{name} must be YYYY-MM-DD, got {value!r}") from exc


def _intraday(last: dict[str, Any]) -> list[dict[str, Any]]:
    """78 five-minute bars inside the range of the latest daily candle."""
    day = datetime.fromisoformat(last["timestamp"]).replace(hour=14, minute=30)
    rng = random.Random(zlib.crc32(last["timestamp"].encode()))
    low, high = last["low"], last["high"]
    price = last["open"]
    bars = []
    for step in range(78):
        close = min(high, max(low, price * (1 + rng.gauss(0, 0.001))))
        bars.append(
            {
                "timestamp": (day + timedelta(minutes=5 * step)).isoformat().replace("+00:00", "Z"),
                "open": price,
                "high": max(price, close),
                "low": min(price, close),
                "close": close,
                "volume": rng.randint(1_000, 50_000),
            }
        )
        price = close
    return bars


def start_upstream_server(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = 7,
    verbose: bool = False,
) -> UpstreamServer:
    """Start a fake upstream in a background thread; call ``.stop()`` when done."""
    return UpstreamServer(host=host, port=port, seed=seed, verbose=verbose).start()


def iter_fault_help() -> Iterator[str]:
    for mode, description in FAULT_MODES.items():
        yield f"  {mode:<20} {description}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Fake upstream market-data service (schema 1.1).",
        epilog="fault modes:\n" + "\n".join(iter_fault_help()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="MODE[:P]",
        help="inject MODE on every request, or with probability P (repeatable)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)

    server = start_upstream_server(
        host=args.host, port=args.port, seed=args.seed, verbose=not args.quiet
    )
    for spec in args.fault:
        mode, _, share = spec.partition(":")
        if share:
            server.faults.probability(mode, float(share), seed=args.seed)
        else:
            server.faults.always(mode)
    print(f"fake upstream listening on {server.url} (Ctrl-C to stop)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
