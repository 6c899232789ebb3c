"""Log lines in Cloud Logging's structured JSON format, one object per line.

Cloud Logging reads ``severity``, ``message``, ``time``, ``logging.googleapis.com/trace`` (as
``projects/PROJECT/traces/TRACE_ID``), ``logging.googleapis.com/spanId``,
``logging.googleapis.com/trace_sampled`` and ``httpRequest`` from a JSON line on stdout/stderr
and puts every other key into ``jsonPayload``. Each line also carries the ``request_id`` of the
request that caused it (the ``X-Request-ID`` its response carries). The trace comes from the
``X-Cloud-Trace-Context`` header Cloud Run's front end sets, or from a W3C ``traceparent``.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

from mlplatform.api.context import current_request_id, current_trace

TRACE_KEY = "logging.googleapis.com/trace"
SPAN_KEY = "logging.googleapis.com/spanId"
SAMPLED_KEY = "logging.googleapis.com/trace_sampled"

# X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=OPTIONS (span id in decimal, options 1 = sampled)
_CLOUD_TRACE = re.compile(r"^([0-9a-fA-F]{32})(?:/(\d{1,20}))?(?:;o=([01]))?$")
# traceparent: VERSION-TRACE_ID-PARENT_ID-FLAGS (W3C Trace Context)
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str
    span_id: str | None
    sampled: bool | None


def trace_parse(*, cloud_trace: str | None, traceparent: str | None) -> TraceContext | None:
    """The trace of a request from its headers (``X-Cloud-Trace-Context`` wins), or None.

    Malformed headers and all-zero ids (invalid in both formats) give None, never an error.
    """
    if cloud_trace:
        match = _CLOUD_TRACE.match(cloud_trace.strip())
        if match and int(match.group(1), 16):
            span = match.group(2)
            span_hex = f"{int(span):016x}" if span and 0 < int(span) < 2**64 else None
            sampled = None if match.group(3) is None else match.group(3) == "1"
            return TraceContext(match.group(1).lower(), span_hex, sampled)
    if traceparent:
        match = _TRACEPARENT.match(traceparent.strip().lower())
        if match and int(match.group(1), 16) and int(match.group(2), 16):
            return TraceContext(match.group(1), match.group(2), bool(int(match.group(3), 16) & 1))
    return None


def _project_id() -> str:
    """``GOOGLE_CLOUD_PROJECT`` from settings (the environment before Django is set up)."""
    from django.conf import settings

    if settings.configured:
        return getattr(settings, "GOOGLE_CLOUD_PROJECT", "")
    return os.environ.get("GOOGLE_CLOUD_PROJECT", "").strip()


def trace_fields(trace: TraceContext | None) -> dict[str, Any]:
    """The ``logging.googleapis.com/*`` keys for a trace (the trace is project-qualified when
    ``GOOGLE_CLOUD_PROJECT`` is set, as Cloud Logging needs to link it to Cloud Trace)."""
    if trace is None:
        return {}
    project = _project_id()
    fields: dict[str, Any] = {
        TRACE_KEY: f"projects/{project}/traces/{trace.trace_id}" if project else trace.trace_id
    }
    if trace.span_id:
        fields[SPAN_KEY] = trace.span_id
    if trace.sampled is not None:
        fields[SAMPLED_KEY] = trace.sampled
    return fields


class RequestIdFilter(logging.Filter):
    """Adds the current request's id and trace to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        if not hasattr(record, "trace"):
            record.trace = current_trace()
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger's formatter with Cloud Logging's key names.

    ``{"severity", "message", "time", "logger", "request_id", <trace keys>, <extra=...>}``;
    an exception's traceback goes into ``exception`` (and Error Reporting picks it up from
    ``message`` + ``exception``, both on the same line).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("json_default", str)
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["severity"] = record.levelname
        log_data["message"] = record.message
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat()
        log_data["logger"] = record.name
        log_data["request_id"] = getattr(record, "request_id", None)
        trace = getattr(record, "trace", None)
        log_data.update(trace_fields(trace if isinstance(trace, TraceContext) else None))
        exc_info = message_dict.pop("exc_info", None)
        super().add_fields(log_data, record, message_dict)
        log_data.pop("trace", None)
        if exc_info:
            log_data["exception"] = exc_info
