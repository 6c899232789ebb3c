from __future__ import annotations

import json
import logging
import time

import pytest
from django.test import Client

from mlplatform.api.logging import JsonFormatter, RequestIdFilter
from mlplatform.api.middleware import request_id_new

pytestmark = pytest.mark.django_db


def test_request_id_is_echoed(client: Client) -> None:
    response = client.get("/health", HTTP_X_REQUEST_ID="abc-123.x")
    assert response["X-Request-ID"] == "abc-123.x"
    assert response.json()["request_id"] == "abc-123.x"


def test_request_id_is_generated_when_absent_or_malformed(client: Client) -> None:
    first = client.get("/health")["X-Request-ID"]
    second = client.get("/health", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
    assert len(first) == 32 and first != second
    assert "\n" not in second and " " not in second


def test_errors_carry_the_request_id(client: Client) -> None:
    response = client.get("/nope", HTTP_X_REQUEST_ID="trace-42")
    assert response.json()["request_id"] == "trace-42"


def test_log_lines_are_json_with_the_request_id(client: Client) -> None:
    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Capture()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("mlplatform.errors")
    logger.addHandler(handler)
    try:
        from django.test import override_settings

        with override_settings(ROOT_URLCONF="tests.mlplatform.boom_urls"):
            client.get(
                "/boom",
                HTTP_X_REQUEST_ID="log-trace-7",
                HTTP_TRACEPARENT="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            )
    finally:
        logger.removeHandler(handler)
    assert records, "the unhandled error was not logged"
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["request_id"] == "log-trace-7"
    assert line["severity"] == "ERROR"
    assert line["logging.googleapis.com/trace"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert line["logging.googleapis.com/spanId"] == "00f067aa0ba902b7"
    assert "secret internal detail" in line["exception"]


def test_generated_request_ids_sort_by_time_and_do_not_repeat() -> None:
    first = request_id_new()
    time.sleep(0.002)
    later = [request_id_new() for _ in range(1000)]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in [first, *later])
    assert all(first < i for i in later)
    assert len(set(later)) == 1000
    assert abs(int(first[:12], 16) - time.time() * 1000) < 5000
