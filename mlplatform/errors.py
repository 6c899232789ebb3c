"""The one error vocabulary of the platform.

Services and the ML core raise these; one DRF exception handler (``mlplatform.api.errors``)
renders every one of them in the DESIGN envelope. Plain Python: the ML core imports it too.

``ERROR_CODES`` is the one list of every ``error`` value the API can answer with and its HTTP
status: the handler renders from it, the OpenAPI description lists it
(``error_codes_markdown``), and ``tests/mlplatform/test_error_codes.py`` fails when code raises
a value that is not listed here or a listed value is raised nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorCode:
    """One ``error`` value of the envelope, the status it is answered with, and what it means."""

    code: str
    status: int
    meaning: str


#: Ordered by status, then code. A code may appear with two statuses when the same fact about
#: the registry is a conflict for one request and an outage for another (``model_unavailable``).
ERROR_CODES: tuple[ErrorCode, ...] = (
    ErrorCode("bad_request", 400, "The request could not be read (Django's 400 view)."),
    ErrorCode("parse_error", 400, "The body is not valid JSON (or not the declared type)."),
    ErrorCode("authentication_failed", 401, "The credential sent is wrong or expired."),
    ErrorCode("invalid_credentials", 401, "Sign-in refused: wrong username or password."),
    ErrorCode("not_authenticated", 401, "The route needs a credential and none was sent."),
    ErrorCode("forbidden", 403, "The credential is valid but may not do this."),
    ErrorCode("model_not_found", 404, "No model version with that label (labels look like v1)."),
    ErrorCode("no_active_model", 404, "No version is active: train or activate one."),
    ErrorCode("no_model", 404, "Monitoring needs a version and none is active or named."),
    ErrorCode("not_found", 404, "No such route or object."),
    ErrorCode("unknown_symbol", 404, "The symbol is not served by the market-data source."),
    ErrorCode("unknown_version", 404, "Monitoring was asked about a version that does not exist."),
    ErrorCode("method_not_allowed", 405, "The route does not accept this HTTP method."),
    ErrorCode("not_acceptable", 406, "The Accept header asks for a format the route cannot give."),
    ErrorCode("active_version_changed", 409, "Another activation won the race; retry."),
    ErrorCode("conflict", 409, "The request conflicts with the current state."),
    ErrorCode("drift_reference_invalid", 409, "The version's drift reference cannot be used."),
    ErrorCode("model_unavailable", 409, "Activation refused: the target's artifacts fail checks."),
    ErrorCode("nothing_to_rollback", 409, "No earlier version in the activation history."),
    ErrorCode("request_too_large", 413, "The body is over MAX_REQUEST_BODY_BYTES."),
    ErrorCode("unsupported_media_type", 415, "The Content-Type is not accepted (send JSON)."),
    ErrorCode("insufficient_data", 422, "No symbol produced training rows."),
    ErrorCode("insufficient_history", 422, "Too few candles to compute the features."),
    ErrorCode("invalid_configuration", 422, "A market-data setting is invalid."),
    ErrorCode("invalid_market_data", 422, "Local market data breaks the candle rules."),
    ErrorCode("replay_inside_training_window", 422, "A replay must start after training data."),
    ErrorCode("stale_input", 422, "The latest candle is older than the freshness limit."),
    ErrorCode("validation_error", 422, "A field is missing or invalid (details name it)."),
    ErrorCode("RATE_LIMITED", 429, "The upstream market-data API is rate limiting us."),
    ErrorCode("throttled", 429, "This client is over its request budget (see Retry-After)."),
    ErrorCode("internal_error", 500, "An unexpected error; the request id finds it in the logs."),
    ErrorCode("upstream_schema_mismatch", 502, "The market-data API answered in another shape."),
    ErrorCode("EXCHANGE_UNAVAILABLE", 503, "The exchange / market-data API cannot be reached."),
    ErrorCode("artifact_store_unavailable", 503, "The artifact store cannot be reached."),
    ErrorCode("database_unavailable", 503, "The database is away (restart, failover); retry."),
    ErrorCode("feature_schema_mismatch", 503, "The model expects other features than served."),
    ErrorCode("market_data_error", 503, "The market-data source failed."),
    ErrorCode("model_unavailable", 503, "The version to serve has missing or corrupt artifacts."),
    ErrorCode("service_unavailable", 503, "A dependency is unavailable; retry shortly."),
    ErrorCode("version_allocation_failed", 503, "No version number could be allocated; retry."),
)

_STATUSES: dict[str, tuple[int, ...]] = {}
for _entry in ERROR_CODES:
    _STATUSES[_entry.code] = (*_STATUSES.get(_entry.code, ()), _entry.status)


def error_status(code: str) -> int:
    """The HTTP status of a listed ``code`` (its first, for a code listed twice)."""
    return _STATUSES[code][0]


def error_code_listed(code: str, status: int) -> bool:
    return status in _STATUSES.get(code, ())


def error_codes_markdown() -> str:
    """The list as a Markdown table (the OpenAPI description carries it)."""
    lines = ["| `error` | HTTP status | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{e.code}` | {e.status} | {e.meaning} |" for e in ERROR_CODES]
    return "\n".join(lines)


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
