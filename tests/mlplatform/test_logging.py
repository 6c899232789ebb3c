"""Cloud Logging's structured format: severity, message, trace from the request headers."""

from __future__ import annotations

import json
import logging

import pytest

from mlplatform.api.logging import JsonFormatter, TraceContext, trace_parse

TRACE = "105445aa7843bc8bf206b12000100000"


@pytest.mark.parametrize(
    ("cloud", "parent", "expected"),
    [
        (f"{TRACE}/1;o=1", None, TraceContext(TRACE, "0000000000000001", True)),
        (f"{TRACE}/255;o=0", None, TraceContext(TRACE, "00000000000000ff", False)),
        (TRACE, None, TraceContext(TRACE, None, None)),
        (
            None,
            f"00-{TRACE}-00f067aa0ba902b7-00",
            TraceContext(TRACE, "00f067aa0ba902b7", False),
        ),
        # X-Cloud-Trace-Context wins over traceparent
        (
            f"{TRACE}/2;o=1",
            f"00-{'a' * 32}-00f067aa0ba902b7-01",
            TraceContext(TRACE, f"{2:016x}", True),
        ),
        # malformed or all-zero ids: no trace, never an error
        ("not-a-trace", None, None),
        ("0" * 32 + "/1;o=1", None, None),
        (None, f"00-{'0' * 32}-00f067aa0ba902b7-01", None),
        (None, f"00-{TRACE}-{'0' * 16}-01", None),
        (None, "garbage", None),
        ("", "", None),
    ],
)
def test_trace_headers_parse(cloud: str | None, parent: str | None, expected: object) -> None:
    assert trace_parse(cloud_trace=cloud, traceparent=parent) == expected


def test_lines_carry_severity_and_the_project_qualified_trace(settings, client) -> None:  # type: ignore[no-untyped-def]
    settings.GOOGLE_CLOUD_PROJECT = "my-project"
    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Capture()
    from mlplatform.api.logging import RequestIdFilter

    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("mlplatform.errors")
    logger.addHandler(handler)
    try:
        settings.ROOT_URLCONF = "tests.mlplatform.boom_urls"  # a view that fails: logged
        client.get("/boom", HTTP_X_CLOUD_TRACE_CONTEXT=f"{TRACE}/7;o=1")
        logger.warning("outside any request")
    finally:
        logger.removeHandler(handler)
    formatter = JsonFormatter()
    outside = json.loads(formatter.format(records[-1]))
    assert outside["severity"] == "WARNING" and outside["message"] == "outside any request"
    assert "logging.googleapis.com/trace" not in outside and outside["request_id"] is None
    inside = [json.loads(formatter.format(r)) for r in records[:-1]]
    assert inside, "the failing request logged nothing"
    for line in inside:
        assert line["logging.googleapis.com/trace"] == f"projects/my-project/traces/{TRACE}"
        assert line["logging.googleapis.com/spanId"] == f"{7:016x}"
        assert {"severity", "message", "time", "logger", "request_id"} <= set(line)


def test_extra_fields_and_exceptions_stay_on_one_line() -> None:
    logger = logging.getLogger("test.logging")
    try:
        raise ValueError("boom detail")
    except ValueError:
        record = logger.makeRecord(
            "test.logging",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("once",),
            exc_info=__import__("sys").exc_info(),
            extra={"symbol_count": 3},
        )
    text = JsonFormatter().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "failed once" and line["severity"] == "ERROR"
    assert line["symbol_count"] == 3
    assert "boom detail" in line["exception"]
