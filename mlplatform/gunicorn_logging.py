"""gunicorn's logger with Cloud Logging JSON lines: one per request with ``httpRequest``."""

from __future__ import annotations

import os
import traceback
from typing import Any

from gunicorn import glogging

from mlplatform.api.logging import JsonFormatter, trace_parse


def _remote_ip(environ: dict[str, Any]) -> str | None:
    """As ``mlplatform.api.auth.client_ip``: with ``TRUSTED_PROXY_COUNT`` = n > 0 (Cloud Run:
    1) the n-th ``X-Forwarded-For`` entry from the right, else the socket's peer."""
    try:
        from django.conf import settings

        hops = int(settings.TRUSTED_PROXY_COUNT) if settings.configured else 0
    except Exception:  # settings not importable: fall back to the peer address
        hops = 0
    if hops > 0:
        forwarded = [p.strip() for p in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if forwarded:
            return forwarded[-min(hops, len(forwarded))]
    return environ.get("REMOTE_ADDR")


class JsonLogger(glogging.Logger):
    """Error log and access log as JSON lines (``mlplatform.api.logging.JsonFormatter``).

    An access line: ``{"severity": "INFO", "message": "GET /predict 200", "httpRequest":
    {"requestMethod", "requestUrl", "status", "responseSize", "userAgent", "remoteIp",
    "referer", "latency": "0.012345s", "protocol"}, "request_id", "logging.googleapis.com/trace",
    ...}``. Cloud Logging shows such an entry as a request line.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = JsonFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(formatter)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        try:
            status = resp.status
            code = int(str(status).split(None, 1)[0]) if status else 0
            headers = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
            request_id = next((v for k, v in headers if k.lower() == "x-request-id"), None)
            method = environ.get("REQUEST_METHOD", "")
            raw_uri = environ.get("RAW_URI") or environ.get("PATH_INFO", "")
            host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
            scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme")
            seconds = request_time.total_seconds()
            http_request = {
                "requestMethod": method,
                "requestUrl": f"{scheme}://{host}{raw_uri}" if host else raw_uri,
                "status": code,
                "responseSize": str(getattr(resp, "sent", 0) or 0),
                "userAgent": environ.get("HTTP_USER_AGENT"),
                "remoteIp": _remote_ip(environ),
                "referer": environ.get("HTTP_REFERER"),
                "latency": f"{seconds:.6f}s",
                "protocol": environ.get("SERVER_PROTOCOL"),
            }
            trace = trace_parse(
                cloud_trace=environ.get("HTTP_X_CLOUD_TRACE_CONTEXT"),
                traceparent=environ.get("HTTP_TRACEPARENT"),
            )
            self.access_log.info(
                "%s %s %s",
                method,
                environ.get("PATH_INFO", ""),
                code,
                extra={
                    "httpRequest": http_request,
                    "request_id": request_id,
                    "trace": trace,
                    "pid": os.getpid(),
                },
            )
        except Exception:
            self.error(traceback.format_exc())
