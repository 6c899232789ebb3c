"""The real HTTP client against the real fake upstream server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from mlplatform.core.market_data.base import CANDLE_COLUMNS
from mlplatform.core.market_data.http_source import CircuitBreaker, HttpSource
from mlplatform.errors import (
    ExchangeUnavailable,
    UnknownSymbol,
    UpstreamRateLimited,
    UpstreamSchemaMismatch,
    ValidationFailed,
)
from tests.fakes.upstream_server import UpstreamServer, start_upstream_server

SourceFactory = Callable[..., HttpSource]


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def upstream() -> Iterator[UpstreamServer]:
    server = start_upstream_server(seed=11)
    yield server
    server.stop()


@pytest.fixture
def server(upstream: UpstreamServer) -> Iterator[UpstreamServer]:
    upstream.faults.clear()
    upstream.reset_counts()
    yield upstream
    upstream.faults.clear()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_source(server: UpstreamServer, sleeps: list[float]) -> Iterator[SourceFactory]:
    created: list[HttpSource] = []

    def factory(**overrides: object) -> HttpSource:
        options: dict[str, object] = {"timeout": 2.0, "sleep": sleeps.append}
        options.update(overrides)
        source = HttpSource(server.url, **options)  # type: ignore[arg-type]
        created.append(source)
        return source

    yield factory
    for source in created:
        source.close()


def _expected_closes(server: UpstreamServer, exchange: str, symbol: str, n: int) -> list[float]:
    return [candle["close"] for candle in server.daily_candles(exchange, symbol)[-n:]]


# -- happy path -------------------------------------------------------------------------------


def test_candles_are_validated_frames_matching_the_upstream(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    source = make_source()
    assert source.last_seen is None
    before = datetime.now(UTC)

    series = source.get_candles("aapl", exchange="nasdaq", lookback=30)

    assert (series.symbol, series.exchange, series.source) == ("AAPL", "NASDAQ", "http")
    assert series.degraded is False
    frame = series.candles
    assert list(frame.columns) == list(CANDLE_COLUMNS)
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert all(frame[column].dtype == np.float64 for column in CANDLE_COLUMNS[1:])
    assert isinstance(frame.index, pd.RangeIndex)
    assert len(frame) == 30
    assert frame["timestamp"].is_monotonic_increasing
    assert frame["close"].tolist() == _expected_closes(server, "NASDAQ", "AAPL", 30)
    assert source.last_seen is not None and source.last_seen >= before

    (request,) = server.requests()
    assert request.path == "/historical"
    assert request.params["interval"] == "1d"
    assert request.params["symbol"] == "AAPL"
    assert "start" in request.params


def test_default_exchange_and_full_history_without_lookback(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    series = make_source(default_exchange="NSE").get_candles("INFY")

    assert series.exchange == "NSE"
    assert len(series.candles) == len(server.daily_candles("NSE", "INFY"))
    assert "start" not in server.requests()[0].params


@pytest.mark.parametrize("mode", ["offset_timestamps", "epoch_timestamps"])
def test_offset_and_epoch_timestamps_parse_to_the_same_utc_instants(
    server: UpstreamServer, make_source: SourceFactory, mode: str
) -> None:
    source = make_source()
    reference = source.get_candles("MSFT", lookback=10).candles
    server.faults.queue(mode)

    variant = source.get_candles("MSFT", lookback=10).candles

    pd.testing.assert_frame_equal(variant, reference)


def test_connections_are_pooled(server: UpstreamServer, make_source: SourceFactory) -> None:
    source = make_source()
    for symbol in ("AAPL", "MSFT", "GOOG", "AMZN", "NVDA"):
        source.get_candles(symbol, lookback=5)

    clients = {request.client for request in server.requests()}
    assert len(server.requests()) == 5
    assert len(clients) == 1


# -- retries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["503", "500", "drop"])
def test_transient_failures_are_retried_with_growing_backoff(
    server: UpstreamServer, make_source: SourceFactory, sleeps: list[float], mode: str
) -> None:
    server.faults.queue(mode, n=2)
    source = make_source(retry_attempts=3, backoff_base=0.1)

    series = source.get_candles("AAPL", lookback=5)

    assert series.degraded is False
    assert len(series.candles) == 5
    assert server.request_count("/historical") == 3
    assert len(sleeps) == 2
    assert 0.1 <= sleeps[0] <= 0.11
    assert 0.2 <= sleeps[1] <= 0.22


def test_permanent_outage_without_cache_is_exchange_unavailable(
    server: UpstreamServer, make_source: SourceFactory, sleeps: list[float]
) -> None:
    server.faults.outage()
    source = make_source(retry_attempts=2)

    with pytest.raises(ExchangeUnavailable) as caught:
        source.get_candles("AAPL", lookback=5)

    assert caught.value.code == "EXCHANGE_UNAVAILABLE"
    assert caught.value.http_status == 503
    assert caught.value.details["attempts"] == 3
    assert server.request_count() == 3
    assert len(sleeps) == 2
    assert source.last_seen is None


def test_outage_after_a_success_serves_the_cache_degraded(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    source = make_source(retry_attempts=1)
    fresh = source.get_candles("AAPL", lookback=20)
    seen = source.last_seen
    server.faults.outage()

    cached = source.get_candles("AAPL", lookback=10)

    assert cached.degraded is True
    assert any("EXCHANGE_UNAVAILABLE" in note for note in cached.notes)
    pd.testing.assert_frame_equal(cached.candles, fresh.candles.tail(10).reset_index(drop=True))
    assert source.last_seen == seen
    # The cache is per symbol: another symbol still fails.
    with pytest.raises(ExchangeUnavailable):
        source.get_candles("MSFT", lookback=10)


def test_seeded_probabilistic_failures_are_absorbed_by_retries(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    server.faults.probability("503", 0.3, seed=5)
    source = make_source(retry_attempts=4, breaker_threshold=100)

    results = [source.get_candles("AAPL", lookback=3) for _ in range(12)]

    assert all(not series.degraded for series in results)
    injected = server.faults.injected["503"]
    assert injected > 0
    assert server.request_count() == 12 + injected


# -- schema and candle validation --------------------------------------------------------------


def test_wrong_schema_version_is_upstream_schema_mismatch_without_retry(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    server.faults.always("schema_version")
    source = make_source()

    with pytest.raises(UpstreamSchemaMismatch) as caught:
        source.get_candles("AAPL", lookback=5)

    assert caught.value.code == "upstream_schema_mismatch"
    assert caught.value.http_status == 502
    assert caught.value.details["schema_version"] == "1.0"
    assert server.request_count() == 1
    assert source.last_seen is None


@pytest.mark.parametrize(
    ("mode", "rule"),
    [
        ("non_monotonic", "ascending"),
        ("duplicate_timestamp", "ascending"),
        ("nan_price", "finite"),
        ("negative_price", "positive"),
        ("negative_volume", "volume"),
        ("ohlc_violation", "high"),
        ("missing_field", "volume"),
        ("naive_timestamp", "timestamp"),
        ("malformed_json", "JSON"),
    ],
)
def test_invalid_payloads_are_rejected_as_schema_mismatch(
    server: UpstreamServer, make_source: SourceFactory, mode: str, rule: str
) -> None:
    server.faults.always(mode)
    source = make_source()

    with pytest.raises(UpstreamSchemaMismatch) as caught:
        source.get_candles("AAPL", lookback=40)

    assert caught.value.http_status == 502
    assert rule in caught.value.message
    assert server.request_count() == 1


def test_invalid_payload_after_a_success_serves_the_cache(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    source = make_source()
    fresh = source.get_candles("AAPL", lookback=40)
    server.faults.queue("nan_price")

    cached = source.get_candles("AAPL", lookback=40)

    assert cached.degraded is True
    assert any("upstream_schema_mismatch" in note for note in cached.notes)
    pd.testing.assert_frame_equal(cached.candles, fresh.candles)


# -- timeouts, rate limits -------------------------------------------------------------------


def test_slow_responses_time_out_and_count_as_unavailable(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    server.faults.always("slow", delay=0.6)
    source = make_source(timeout=0.2, retry_attempts=1)

    with pytest.raises(ExchangeUnavailable) as caught:
        source.get_candles("AAPL", lookback=5)

    assert caught.value.details["reason"] == "timeout"
    assert server.request_count() == 2


def test_one_slow_response_then_success(server: UpstreamServer, make_source: SourceFactory) -> None:
    server.faults.queue("slow", delay=0.6)
    source = make_source(timeout=0.2, retry_attempts=1)

    series = source.get_candles("AAPL", lookback=5)

    assert len(series.candles) == 5
    assert server.request_count() == 2


def test_rate_limit_passes_through_after_retries(
    server: UpstreamServer, make_source: SourceFactory, sleeps: list[float]
) -> None:
    server.faults.always("429")
    source = make_source(retry_attempts=2)

    with pytest.raises(UpstreamRateLimited) as caught:
        source.get_candles("AAPL", lookback=5)

    assert caught.value.http_status == 429
    assert caught.value.code == "RATE_LIMITED"
    assert server.request_count() == 3
    assert len(sleeps) == 2


def test_rate_limit_burst_then_success(server: UpstreamServer, make_source: SourceFactory) -> None:
    server.faults.queue("429", n=2)

    series = make_source(retry_attempts=2).get_candles("AAPL", lookback=5)

    assert series.degraded is False
    assert server.request_count() == 3


# -- upstream error codes ---------------------------------------------------------------------


def test_unknown_symbol_is_404_and_not_retried(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    with pytest.raises(UnknownSymbol) as caught:
        make_source().get_candles("UNKNOWN")

    assert caught.value.http_status == 404
    assert server.request_count() == 1


def test_invalid_input_is_validation_failed(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    server.faults.queue("invalid_input")

    with pytest.raises(ValidationFailed) as caught:
        make_source().get_candles("AAPL")

    assert caught.value.http_status == 422
    assert server.request_count() == 1


def test_upstream_schema_mismatch_code_maps_to_502(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    server.faults.queue("schema_mismatch")

    with pytest.raises(UpstreamSchemaMismatch):
        make_source().get_candles("AAPL")

    assert server.request_count() == 1


@pytest.mark.parametrize(("mode", "code"), [("stale", "STALE_DATA"), ("partial", "PARTIAL_DATA")])
def test_stale_or_partial_data_without_cache_is_503_with_details(
    server: UpstreamServer, make_source: SourceFactory, mode: str, code: str
) -> None:
    server.faults.always(mode)

    with pytest.raises(ExchangeUnavailable) as caught:
        make_source().get_candles("AAPL", lookback=5)

    assert caught.value.http_status == 503
    assert caught.value.details["upstream_error_code"] == code
    assert server.request_count() == 1


def test_stale_data_with_cache_serves_the_cache(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    source = make_source()
    source.get_candles("AAPL", lookback=5)
    server.faults.queue("stale")

    series = source.get_candles("AAPL", lookback=5)

    assert series.degraded is True
    assert any("STALE_DATA" in note for note in series.notes)


@pytest.mark.parametrize("mode", ["cache_source", "degraded_status"])
def test_upstream_degraded_markers_set_degraded(
    server: UpstreamServer, make_source: SourceFactory, mode: str
) -> None:
    source = make_source()
    server.faults.queue(mode)

    flagged = source.get_candles("AAPL", lookback=5)
    normal = source.get_candles("AAPL", lookback=5)

    assert flagged.degraded is True
    assert flagged.notes
    assert normal.degraded is False
    pd.testing.assert_frame_equal(flagged.candles, normal.candles)


def test_bad_input_is_rejected_before_any_request(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    source = make_source()
    with pytest.raises(ValidationFailed):
        source.get_candles("not a symbol!")
    with pytest.raises(ValidationFailed):
        source.get_candles("AAPL", exchange="LSE")
    with pytest.raises(ValidationFailed):
        source.get_candles("AAPL", lookback=0)
    assert server.request_count() == 0


# -- circuit breaker ---------------------------------------------------------------------------


def test_breaker_opens_short_circuits_then_half_opens(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    clock = FakeClock()
    source = make_source(
        retry_attempts=1, breaker_threshold=2, breaker_reset_seconds=30.0, clock=clock
    )
    server.faults.outage(exchange="NASDAQ")

    for _ in range(2):
        with pytest.raises(ExchangeUnavailable):
            source.get_candles("AAPL", lookback=5)
    assert server.request_count() == 4
    assert source.breaker_state("NASDAQ") == "open"

    with pytest.raises(ExchangeUnavailable) as caught:
        source.get_candles("AAPL", lookback=5)
    assert caught.value.details["reason"] == "circuit_open"
    assert caught.value.details["retry_after_seconds"] == pytest.approx(30.0)
    assert server.request_count() == 4

    # Breakers are per exchange: NSE is unaffected.
    assert not source.get_candles("INFY", exchange="NSE", lookback=5).degraded
    assert source.breaker_state("NSE") == "closed"

    clock.advance(30.0)
    assert source.breaker_state("NASDAQ") == "half_open"
    server.faults.clear()
    series = source.get_candles("AAPL", lookback=5)

    assert series.degraded is False
    assert source.breaker_state("NASDAQ") == "closed"
    assert server.request_count("/historical") == 6


def test_failed_half_open_probe_reopens_after_a_single_attempt(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    clock = FakeClock()
    source = make_source(
        retry_attempts=3, breaker_threshold=1, breaker_reset_seconds=10.0, clock=clock
    )
    server.faults.outage()
    with pytest.raises(ExchangeUnavailable):
        source.get_candles("AAPL")
    assert server.request_count() == 4
    clock.advance(10.0)

    with pytest.raises(ExchangeUnavailable):
        source.get_candles("AAPL")

    assert server.request_count() == 5  # the probe is one attempt, no retries
    assert source.breaker_state("NASDAQ") == "open"
    with pytest.raises(ExchangeUnavailable) as caught:
        source.get_candles("AAPL")
    assert caught.value.details["reason"] == "circuit_open"
    assert server.request_count() == 5


def test_open_breaker_serves_the_cache(server: UpstreamServer, make_source: SourceFactory) -> None:
    source = make_source(retry_attempts=0, breaker_threshold=1, clock=FakeClock())
    fresh = source.get_candles("AAPL", lookback=8)
    server.faults.outage()
    source.get_candles("AAPL", lookback=8)  # fails upstream, opens the breaker
    requests_before = server.request_count()

    series = source.get_candles("AAPL", lookback=8)

    assert series.degraded is True
    assert any("circuit breaker open" in note for note in series.notes)
    pd.testing.assert_frame_equal(series.candles, fresh.candles)
    assert server.request_count() == requests_before


def test_schema_errors_do_not_trip_the_breaker(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    source = make_source(breaker_threshold=1)
    server.faults.queue("schema_version", n=3)
    for _ in range(3):
        with pytest.raises(UpstreamSchemaMismatch):
            source.get_candles("AAPL")
    assert source.breaker_state("NASDAQ") == "closed"


def test_half_open_breaker_admits_exactly_one_probe_across_threads() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(threshold=1, reset_seconds=5.0, clock=clock)
    breaker.record_failure()
    assert breaker.try_acquire() is None
    clock.advance(5.0)

    admitted: list[str | None] = []
    barrier = threading.Barrier(8)

    def contend() -> None:
        barrier.wait()
        admitted.append(breaker.try_acquire())

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert admitted.count("half_open") == 1
    assert admitted.count(None) == 7
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.try_acquire() == "closed"


# -- thin helpers ------------------------------------------------------------------------------


def test_quote_and_market_status_return_checked_payloads(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    source = make_source()

    quote = source.quote("aapl", "NASDAQ")
    status = source.market_status("BSE")

    assert quote["symbol"] == "AAPL"
    assert quote["price"] == _expected_closes(server, "NASDAQ", "AAPL", 1)[0]
    assert status["exchange"] == "BSE"
    assert status["market_status"] in {"open", "closed"}
    assert source.last_seen is not None
    server.faults.queue("schema_version", path="/quote")
    with pytest.raises(UpstreamSchemaMismatch):
        source.quote("AAPL")


def test_one_source_is_safe_to_share_between_threads(
    server: UpstreamServer, make_source: SourceFactory
) -> None:
    source = make_source(pool_maxsize=4)
    symbols = ["AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META", "TSLA", "NFLX"]
    results: dict[str, int] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(symbols))

    def fetch(symbol: str) -> None:
        barrier.wait()
        try:
            for _ in range(3):
                results[symbol] = len(source.get_candles(symbol, lookback=7).candles)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=fetch, args=(symbol,)) for symbol in symbols]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert results == dict.fromkeys(symbols, 7)
    assert server.request_count("/historical") == 24
    # Connections are reused. With 8 threads on a pool of 4, urllib3 opens extra connections
    # when the pool is empty and drops them when it is full, so the exact count depends on
    # timing; the sequential test above pins reuse exactly.
    assert len({request.client for request in server.requests()}) < 24
    assert source.breaker_state("NASDAQ") == "closed"
