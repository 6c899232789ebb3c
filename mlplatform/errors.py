"""The one error vocabulary of the platform.

Services and the ML core raise these; one DRF exception handler (``mlplatform.api.errors``)
renders every one of them in the DESIGN envelope. Plain Python: the ML core imports it too.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base application error: a machine-readable ``code`` and the HTTP status to answer with."""

    code = "error"
    http_status = 400

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any = None,
        code: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message or self.code)
        self.message = message or self.code
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status
        self.details = details if details is not None else self.message

    def __str__(self) -> str:
        return self.message


class ValidationFailed(AppError):
    code = "validation_error"
    http_status = 422


class NotFound(AppError):
    code = "not_found"
    http_status = 404


class Conflict(AppError):
    code = "conflict"
    http_status = 409


class ServiceUnavailable(AppError):
    code = "service_unavailable"
    http_status = 503


class DatabaseUnavailable(ServiceUnavailable):
    """The database refused or dropped the connection (restart, failover); retry shortly."""

    code = "database_unavailable"


class UnknownSymbol(NotFound):
    code = "unknown_symbol"


class MarketDataError(AppError):
    """Base for failures of a market-data source."""

    code = "market_data_error"
    http_status = 503


class ExchangeUnavailable(MarketDataError):
    code = "EXCHANGE_UNAVAILABLE"
    http_status = 503


class UpstreamSchemaMismatch(MarketDataError):
    code = "upstream_schema_mismatch"
    http_status = 502


class UpstreamRateLimited(MarketDataError):
    code = "RATE_LIMITED"
    http_status = 429


class InvalidMarketData(MarketDataError):
    """Local data (a CSV file) breaks the candle rules; the message names the file and row."""

    code = "invalid_market_data"
    http_status = 422


class RequestTooLarge(AppError):
    """The request body is over ``MAX_REQUEST_BODY_BYTES``."""

    code = "request_too_large"
    http_status = 413
