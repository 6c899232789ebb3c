"""A thread-pool load generator (one ``requests.Session`` per thread) and the prediction ledger.

Every request carries its own ``X-Request-ID`` (``<tag>-<n>``); the platform stores it on each
``PredictionLog`` row, so the ledger can match stored rows to answers one by one: a successful
``/predict`` must leave exactly one row, a batch one row per successful item, and an error
response none. Requests that got no answer at all (connection reset, timeout) are "in flight":
the server may or may not have stored their rows, so they are reported, not judged.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from reliability.harness import Database

SIGNALS = frozenset({"BUY", "HOLD", "SELL"})


@dataclass(frozen=True)
class Call:
    """One request of a load plan."""

    method: str
    path: str
    body: dict[str, Any] | None = None

    @property
    def kind(self) -> str:
        return "batch" if self.path.endswith("/batch") else "predict"


@dataclass
class CallResult:
    request_id: str
    call: Call
    status: int | None  # None: no HTTP answer (connection error, timeout)
    error: str | None = None  # transport error, or why a 200 body is not a valid answer
    items_ok: int = 0
    items_failed: int = 0
    error_codes: tuple[str, ...] = ()
    degraded: int = 0
    elapsed: float = 0.0
    started: float = 0.0


def predict_plan(
    total: int,
    *,
    symbols: Sequence[str],
    batch_share: float = 0.2,
    batch_size: int = 10,
    seed: int = 7,
    exchange: str | None = None,
) -> list[Call]:
    """``total`` calls: ``/predict`` of one symbol, or (``batch_share``) ``/predict/batch``."""
    rng = random.Random(seed)
    calls: list[Call] = []
    suffix = f"&exchange={exchange}" if exchange else ""
    for _ in range(total):
        if rng.random() < batch_share:
            chosen = rng.sample(list(symbols), min(batch_size, len(symbols)))
            body: dict[str, Any] = {"symbols": chosen}
            if exchange:
                body["exchange"] = exchange
            calls.append(Call("POST", "/predict/batch", body))
        else:
            calls.append(Call("GET", f"/predict?symbol={rng.choice(list(symbols))}{suffix}"))
    return calls


def _judge(result: CallResult, response: requests.Response) -> None:
    """Fill items/error fields from the answer; a malformed 200 becomes an error."""
    try:
        body = response.json()
    except ValueError:
        result.error = "non-JSON body"
        return
    if response.status_code != 200:
        if not (isinstance(body, dict) and body.get("status") == "error"):
            result.error = "error without the envelope"
        else:
            result.error_codes = (str(body.get("error")),)
        return
    if result.call.kind == "predict":
        if body.get("prediction") not in SIGNALS or body.get("request_id") != result.request_id:
            result.error = f"invalid prediction body: {json.dumps(body)[:200]}"
            return
        result.items_ok = 1
        result.degraded = int(bool(body.get("degraded_input")))
        return
    items = body.get("items")
    if not isinstance(items, list):
        result.error = "batch without items"
        return
    codes = []
    for item in items:
        if item.get("error") is None and item.get("prediction") in SIGNALS:
            result.items_ok += 1
        else:
            result.items_failed += 1
            codes.append(str((item.get("error") or {}).get("code")))
    result.error_codes = tuple(codes)


def run_load(
    base_url: str,
    calls: Sequence[Call],
    *,
    concurrency: int,
    tag: str,
    timeout: float = 30.0,
    on_done: Callable[[int], None] | None = None,
) -> list[CallResult]:
    """Send ``calls`` with ``concurrency`` threads; one result per call, in plan order."""
    local = threading.local()
    done = 0
    done_lock = threading.Lock()
    t0 = time.monotonic()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            s = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=1)
            s.mount("http://", adapter)
            local.session = s
        return local.session

    def send(index: int) -> CallResult:
        nonlocal done
        call = calls[index]
        request_id = f"{tag}-{index}"
        result = CallResult(request_id=request_id, call=call, status=None)
        started = time.monotonic()
        result.started = started - t0
        try:
            response = session().request(
                call.method,
                base_url + call.path,
                json=call.body,
                headers={"X-Request-ID": request_id},
                timeout=timeout,
            )
            result.status = response.status_code
            _judge(result, response)
        except requests.RequestException as exc:
            result.error = type(exc).__name__
            # a broken keep-alive connection must not poison the next request of this thread
            local.__dict__.pop("session", None)
        result.elapsed = time.monotonic() - started
        if on_done is not None:
            with done_lock:
                done += 1
                on_done(done)
        return result

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="load") as pool:
        return list(pool.map(send, range(len(calls))))


@dataclass
class LoadSummary:
    requests: int
    statuses: Counter[int | None]
    items_ok: int
    items_failed: int
    no_answer: int
    invalid: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    degraded: int = 0

    @property
    def throughput(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def status_text(self) -> str:
        parts = [f"{status or 'no answer'}: {count}" for status, count in self.statuses.items()]
        return ", ".join(sorted(parts))


def summarize(results: Sequence[CallResult], elapsed: float = 0.0) -> LoadSummary:
    statuses: Counter[int | None] = Counter(r.status for r in results)
    invalid = [
        f"{r.request_id} {r.call.method} {r.call.path}: {r.error}"
        for r in results
        if r.status is not None and r.error and r.status == 200
    ]
    return LoadSummary(
        requests=len(results),
        statuses=statuses,
        items_ok=sum(r.items_ok for r in results),
        items_failed=sum(r.items_failed for r in results),
        no_answer=statuses.get(None, 0),
        invalid=invalid,
        elapsed=elapsed,
        degraded=sum(r.degraded for r in results),
    )


@dataclass
class Ledger:
    """Stored prediction logs against the answers the clients saw."""

    expected_rows: int
    stored_rows: int
    lost: int  # rows missing for answered successes
    doubled: int  # extra rows for answered successes
    phantom: int  # rows stored for requests answered with an error
    in_flight_rows: int  # rows of requests that got no answer (killed worker, reset)
    duplicate_ids: int  # request ids whose rows exceed the items answered

    @property
    def violations(self) -> int:
        """Data lost or doubled: what must be 0."""
        return self.lost + self.doubled + self.phantom

    def text(self) -> str:
        return (
            f"{self.stored_rows} log rows for {self.expected_rows} successful predictions "
            f"(lost {self.lost}, doubled {self.doubled}, phantom {self.phantom}, "
            f"in-flight {self.in_flight_rows})"
        )


def ledger_check(db: Database, results: Sequence[CallResult], tag: str) -> Ledger:
    """Count ``PredictionLog`` rows per request id and compare them with the answers."""
    rows = db.query(
        "SELECT request_id, COUNT(*) FROM audit_predictionlog WHERE request_id LIKE %s "
        "GROUP BY request_id",
        (f"{tag}-%",),
    )
    stored = {request_id: int(count) for request_id, count in rows}
    lost = doubled = phantom = in_flight = duplicates = 0
    for result in results:
        count = stored.pop(result.request_id, 0)
        if result.status is None:
            in_flight += count
            continue
        expected = result.items_ok if result.status == 200 else 0
        if result.status != 200:
            phantom += count
            continue
        lost += max(0, expected - count)
        doubled += max(0, count - expected)
        duplicates += int(count > expected)
    # rows whose request id was never sent by this run (would mean an id was rewritten)
    phantom += sum(stored.values())
    return Ledger(
        expected_rows=sum(r.items_ok for r in results if r.status == 200),
        stored_rows=sum(int(c) for _, c in rows),
        lost=lost,
        doubled=doubled,
        phantom=phantom,
        in_flight_rows=in_flight,
        duplicate_ids=duplicates,
    )
