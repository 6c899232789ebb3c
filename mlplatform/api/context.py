"""The current request id and trace, visible to logging and services without passing them around."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlplatform.api.logging import TraceContext

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
trace_var: ContextVar[TraceContext | None] = ContextVar("trace", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def current_trace() -> TraceContext | None:
    return trace_var.get()
