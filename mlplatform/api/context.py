"""The current request's ids, client and trace, visible to logging and services without
passing them.

``request_id`` is the client's ``X-Request-ID`` when well-formed (echoed back, never trusted
to be unique), else the server's own; ``server_request_id`` is always the server's own.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlplatform.api.logging import TraceContext

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
server_request_id_var: ContextVar[str | None] = ContextVar("server_request_id", default=None)
client_var: ContextVar[str | None] = ContextVar("client", default=None)
trace_var: ContextVar[TraceContext | None] = ContextVar("trace", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def current_server_request_id() -> str | None:
    return server_request_id_var.get()


def current_client() -> str | None:
    """The client address of the current request (trusted-proxy rule), None outside one."""
    return client_var.get()


def current_trace() -> TraceContext | None:
    return trace_var.get()
