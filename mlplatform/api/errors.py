"""One renderer for every error: the DESIGN envelope, with the right status, never a traceback.

Codes and statuses come from the one list, ``mlplatform.errors.ERROR_CODES``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from rest_framework import exceptions as drf
from rest_framework.response import Response

from mlplatform.api.context import current_request_id
from mlplatform.errors import (
    AppError,
    DatabaseUnavailable,
    RequestTooLarge,
    error_code_listed,
    error_status,
)

logger = logging.getLogger("mlplatform.errors")

_DRF_CODES: list[tuple[type[drf.APIException], str]] = [
    (drf.ValidationError, "validation_error"),
    (drf.ParseError, "parse_error"),
    (drf.NotAuthenticated, "not_authenticated"),
    (drf.AuthenticationFailed, "authentication_failed"),
    (drf.PermissionDenied, "forbidden"),
    (drf.NotFound, "not_found"),
    (drf.MethodNotAllowed, "method_not_allowed"),
    (drf.NotAcceptable, "not_acceptable"),
    (drf.UnsupportedMediaType, "unsupported_media_type"),
    (drf.Throttled, "throttled"),
]


def body_too_large_message() -> str:
    return f"Request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."


def error_body(code: str, details: Any, status: int) -> dict[str, Any]:
    if not error_code_listed(code, status):  # test_error_codes.py keeps this silent
        logger.warning(
            "error %r with status %s is not in mlplatform.errors.ERROR_CODES", code, status
        )
    return {
        "status": "error",
        "error": code,
        "details": details,
        "code": status,
        "timestamp": timezone.now().isoformat(),
        "request_id": current_request_id(),
    }


def _drf_error(exc: drf.APIException) -> tuple[str, int, Any]:
    for klass, code in _DRF_CODES:
        if isinstance(exc, klass):
            return code, error_status(code), exc.detail
    # a bare APIException (or an unlisted subclass): nothing in this code base raises one
    logger.error("unlisted API exception %s: %s", type(exc).__name__, exc.detail)
    return "internal_error", error_status("internal_error"), "Internal server error."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler: every exception becomes the envelope (500s without internals)."""
    headers: dict[str, str] = {}
    if isinstance(exc, AppError):
        code, status, details = exc.code, exc.http_status, exc.details
    elif isinstance(exc, Http404):
        code, status, details = "not_found", error_status("not_found"), "Not found."
    elif isinstance(exc, DjangoPermissionDenied):
        code, status, details = "forbidden", error_status("forbidden"), "Permission denied."
    elif isinstance(exc, RequestDataTooBig):
        code, status = RequestTooLarge.code, RequestTooLarge.http_status
        details = body_too_large_message()
    elif isinstance(exc, (OperationalError, InterfaceError)):
        # a restart or failover of the database: transient, so 503 + Retry-After, not a 500
        logger.warning("database unavailable: %s", exc)
        code, status = DatabaseUnavailable.code, DatabaseUnavailable.http_status
        details = "The database is unavailable; retry shortly."
        headers["Retry-After"] = "1"
    elif isinstance(exc, drf.APIException):
        code, status, details = _drf_error(exc)
        if isinstance(exc, drf.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
        if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
            # the view's own challenges (ApiKey, Bearer) when it has authenticators
            headers["WWW-Authenticate"] = getattr(exc, "auth_header", None) or 'Token realm="api"'
    else:
        logger.exception("unhandled error", extra={"view": type(context.get("view")).__name__})
        code, status = "internal_error", error_status("internal_error")
        details = "Internal server error."
    return Response(error_body(code, details, status), status=status, headers=headers)


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    status = error_status("not_found")
    return JsonResponse(
        error_body("not_found", f"No route for {request.path}.", status), status=status
    )


def json_server_error(request: HttpRequest) -> JsonResponse:
    status = error_status("internal_error")
    return JsonResponse(
        error_body("internal_error", "Internal server error.", status), status=status
    )


def json_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    status = error_status("bad_request")
    return JsonResponse(error_body("bad_request", "Bad request.", status), status=status)


def json_forbidden(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    status = error_status("forbidden")
    return JsonResponse(error_body("forbidden", "Permission denied.", status), status=status)
