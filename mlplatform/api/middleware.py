from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mlplatform.api.auth import client_ip
from mlplatform.api.context import client_var, request_id_var, server_request_id_var, trace_var
from mlplatform.api.logging import trace_parse

#: The accepted client X-Request-ID: 1..64 of these characters (anything else is replaced).
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id_new() -> str:
    """32 hex characters: the time in ms (12), then 80 random bits (20).

    Ids generated later sort later, so the prediction log's request-id index grows at its end
    like the timestamp index, instead of taking each insert at a random page (which costs the
    database a page read and, after each checkpoint, a full page image in its WAL).
    """
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


class RequestIdMiddleware:
    """Echo a well-formed ``X-Request-ID`` or generate one; expose it (and the request's trace)
    to logs and responses.

    The server always generates its own id too (``request.server_request_id``), stored beside
    the client's in audit rows and prediction logs: a client may reuse or copy any id.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        server_id = request_id_new()
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else server_id
        request.request_id = request_id  # type: ignore[attr-defined]
        request.server_request_id = server_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        server_token = server_request_id_var.set(server_id)
        client_token = client_var.set(client_ip(request))
        # The trace Cloud Run's front end (or a W3C-tracing client) sent, for the log lines.
        trace_token = trace_var.set(
            trace_parse(
                cloud_trace=request.META.get("HTTP_X_CLOUD_TRACE_CONTEXT"),
                traceparent=request.META.get("HTTP_TRACEPARENT"),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            trace_var.reset(trace_token)
            request_id_var.reset(token)
            server_request_id_var.reset(server_token)
            client_var.reset(client_token)
        response["X-Request-ID"] = request_id
        return response
