"""The current request's ids and client, visible to logging and services without passing them.

``request_id`` is the client's ``X-Request-ID`` when well-formed (echoed back, never trusted
to be unique), else the server's own; ``server_request_id`` is always the server's own.
"""

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
server_request_id_var: ContextVar[str | None] = ContextVar("server_request_id", default=None)
client_var: ContextVar[str | None] = ContextVar("client", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def current_server_request_id() -> str | None:
    return server_request_id_var.get()


def current_client() -> str | None:
    """The client address of the current request (trusted-proxy rule), None outside one."""
    return client_var.get()
