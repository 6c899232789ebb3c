"""A batch costs its symbols, and a repeated bad batch does not reach the upstream again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.upstream_server import UpstreamServer
from tests.predictions.conftest import model, synthetic, train, use_source  # noqa: F401

pytestmark = pytest.mark.django_db

UNKNOWN = [f"ZZ{i:02d}" for i in range(40)]


@pytest.fixture(scope="module")
def upstream() -> Iterator[UpstreamServer]:
    server = UpstreamServer(seed=3, unknown_symbols=frozenset(UNKNOWN)).start()
    yield server
    server.stop()


@pytest.fixture
def http_source(request, settings, upstream: UpstreamServer) -> UpstreamServer:  # type: ignore[no-untyped-def]
    request.getfixturevalue("model")  # trained on the synthetic source, then served over http
    use_source(
        settings,
        "http",
        MARKET_DATA_BASE_URL=upstream.url,
        MARKET_DATA_RETRY_ATTEMPTS=1,
        MARKET_DATA_TIMEOUT_SECONDS=2.0,
    )
    upstream.faults.clear()
    upstream.reset_counts()
    return upstream


def _batch(api_client, symbols: list[str], **extra):  # type: ignore[no-untyped-def]
    return api_client.post("/predict/batch", {"symbols": symbols}, format="json", **extra)


def test_a_repeated_batch_of_unknown_symbols_calls_the_upstream_once_per_symbol(
    api_client, http_source: UpstreamServer, settings
) -> None:
    settings.MARKET_DATA_NEGATIVE_CACHE_SECONDS = 30
    first = _batch(api_client, UNKNOWN)
    assert first.status_code == 200
    assert all(item["error"] for item in first.json()["items"])
    calls_first = http_source.request_count("/historical")
    assert calls_first == len(UNKNOWN)
    for _ in range(3):
        again = _batch(api_client, UNKNOWN)
        assert again.status_code == 200
        assert [i["error"]["code"] for i in again.json()["items"]] == [
            i["error"]["code"] for i in first.json()["items"]
        ]
    assert http_source.request_count("/historical") == calls_first  # no new upstream calls


def test_upstream_failures_are_cached_briefly_too(
    api_client, http_source: UpstreamServer, settings
) -> None:
    settings.MARKET_DATA_NEGATIVE_CACHE_SECONDS = 30
    http_source.faults.outage()
    assert api_client.get("/predict?symbol=NEWSYM").status_code == 503
    calls = http_source.request_count("/historical")
    assert calls >= 1
    assert api_client.get("/predict?symbol=NEWSYM").status_code == 503
    assert http_source.request_count("/historical") == calls


def test_without_the_negative_cache_every_repeat_calls_again(
    api_client, http_source: UpstreamServer, settings
) -> None:
    settings.MARKET_DATA_NEGATIVE_CACHE_SECONDS = 0
    _batch(api_client, UNKNOWN[:10])
    _batch(api_client, UNKNOWN[:10])
    assert http_source.request_count("/historical") == 20


@pytest.mark.usefixtures("model")
def test_a_batch_spends_its_symbols_of_the_batch_budget(api_client, settings) -> None:
    settings.BATCH_RATE_LIMIT_SYMBOLS = 10
    settings.RATE_LIMIT_REQUESTS = 100
    assert _batch(api_client, ["AAPL", "MSFT", "GOOGL", "ZZ01"]).status_code == 200
    assert _batch(api_client, ["AAPL"] * 6).status_code == 200  # 10 spent
    refused = _batch(api_client, ["AAPL"])
    assert refused.status_code == 429
    assert refused.json()["error"] == "throttled" and int(refused["Retry-After"]) >= 1
    # another client has its own budget; a single /predict is not charged to it
    assert _batch(api_client, ["AAPL"], REMOTE_ADDR="10.4.4.4").status_code == 200
    assert api_client.get("/predict?symbol=AAPL").status_code == 200


@pytest.mark.usefixtures("model")
def test_a_batch_larger_than_the_budget_is_refused_before_any_work(api_client, settings) -> None:
    settings.BATCH_RATE_LIMIT_SYMBOLS = 5
    from audit.models import PredictionLog

    response = _batch(api_client, ["AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA"])
    assert response.status_code == 429
    assert not PredictionLog.objects.exists()


@pytest.mark.usefixtures("model")
def test_prediction_logs_record_the_client_and_the_servers_request_id(api_client, settings) -> None:
    from audit.models import PredictionLog

    _batch(api_client, ["AAPL", "MSFT"], HTTP_X_REQUEST_ID="dup", REMOTE_ADDR="10.7.7.7")
    api_client.get("/predict?symbol=AAPL", HTTP_X_REQUEST_ID="dup", REMOTE_ADDR="10.8.8.8")
    logs = list(PredictionLog.objects.order_by("id"))
    assert [log.request_id for log in logs] == ["dup"] * 3
    assert [log.client for log in logs] == ["10.7.7.7", "10.7.7.7", "10.8.8.8"]
    # a batch shares its server id; the reused client id did not merge two requests
    assert logs[0].server_request_id == logs[1].server_request_id != logs[2].server_request_id
