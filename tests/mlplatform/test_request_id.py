from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from mlplatform.api.logging import JsonFormatter, RequestIdFilter

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
            client.get("/boom", HTTP_X_REQUEST_ID="log-trace-7")
    finally:
        logger.removeHandler(handler)
    assert records, "the unhandled error was not logged"
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["request_id"] == "log-trace-7"
    assert line["level"] == "ERROR"
    assert "secret internal detail" in line["exception"]
